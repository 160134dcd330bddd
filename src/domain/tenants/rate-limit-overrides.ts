import { isRateLimitName, isValidRule, MAX_WINDOW_SECONDS, RATE_LIMIT_NAMES, RATE_LIMITS, type RateLimitName } from './rate-limit-policy.ts';
import type { RateLimitRule, TenantSettings } from './tenant.ts';

/**
 * One rate-limit override, as `clientele tenants settings --rate-limit` and the console take it: `name=MAX/SECONDS` (a window), `name=MAX` (a concurrency limit),
 * `name=off` (no limit), `name=default` (the documented limit again). Throws a message otherwise.
 */
export function parseRateLimitOverride(text: string): { name: RateLimitName; rule: RateLimitRule | null | 'default' } {
  const eq = text.indexOf('=');
  const name = eq < 0 ? text : text.slice(0, eq);
  const value = eq < 0 ? '' : text.slice(eq + 1).trim();
  if (!isRateLimitName(name)) throw new Error(`unknown rate limit '${name}': one of ${RATE_LIMIT_NAMES.join(', ')}`);
  if (value === 'off') return { name, rule: null };
  if (value === 'default') return { name, rule: 'default' };
  const concurrency = RATE_LIMITS[name].kind === 'concurrency';
  const match = concurrency ? /^(\d+)$/.exec(value) : /^(\d+)\/(\d+)$/.exec(value);
  const rule = match ? { max: Number(match[1]), window_seconds: concurrency ? 0 : Number(match[2]) } : null;
  if (!rule || !isValidRule(name, rule)) {
    const shape = concurrency ? 'MAX (requests in flight at once)' : `MAX/SECONDS (at most MAX requests per SECONDS, 1 to ${MAX_WINDOW_SECONDS})`;
    throw new Error(`${name}= takes ${shape}, off or default; got '${value}'`);
  }
  return { name, rule };
}

/** The overrides after applying each of `texts` in order (`default` removes one). Throws the first bad one's message. */
export function applyRateLimitOverrides(current: TenantSettings['rate_limits'], texts: readonly string[]): TenantSettings['rate_limits'] {
  const next: Record<string, RateLimitRule | null> = { ...current };
  for (const text of texts) {
    const parsed = parseRateLimitOverride(text);
    if (parsed.rule === 'default') delete next[parsed.name];
    else next[parsed.name] = parsed.rule;
  }
  return next;
}
