import type { Mode } from '../customers/model.ts';
import type { RateLimitRule, TenantSettings } from './tenant.ts';

/**
 * Rate-limit policy: every limit Clientele applies, by name, with the number its vendor documents
 * and how a tenant overrides it (`settings.rate_limits[name]`: a rule, or null for none). The
 * native API is unlimited unless the tenant sets `native_rate_limits: 'stripe'` (Stripe's own
 * numbers) or gives `native.read` / `native.write` a rule. Counting is the HTTP layer's
 * (src/http/rate-limits/).
 */
export type LimitedSurface = 'native' | 'asset' | 'checkoutpage' | 'atlas' | 'count';

/** `reads`: GET and HEAD; `token`: the access-token route (Asset's POST /auth/token); `other than token`: every other route. */
export type LimitedRequests = 'all' | 'reads' | 'writes' | 'token' | 'other than token';

export interface RateLimitDefinition {
  surface: LimitedSurface;
  /** `window`: at most `max` requests per `window_seconds`. `concurrency`: at most `max` in flight at once. */
  kind: 'window' | 'concurrency';
  /** One budget per key or client used (`key`), or per tenant in the request's mode (`account`). */
  per: 'key' | 'account';
  /** How the message names what the budget belongs to. */
  perText: string;
  /** Which of the surface's requests count against it. */
  appliesTo: LimitedRequests;
  /** The documented rule for a tenant in a mode; null: off unless the tenant sets a rule. */
  defaultRule(mode: Mode, settings: TenantSettings): RateLimitRule | null;
  /** Where the number comes from. */
  source: string;
}

const perMinute = (max: number): RateLimitRule => ({ max, window_seconds: 60 });

/** Stripe: "100 read operations per second and 100 write operations per second" live, 25 each in test mode. */
function stripeRule(mode: Mode, settings: TenantSettings): RateLimitRule | null {
  return settings.native_rate_limits === 'stripe' ? { max: mode === 'live' ? 100 : 25, window_seconds: 1 } : null;
}

/** Every limit, by the name tenant settings and the CLI use. */
export const RATE_LIMITS = {
  'count.client': {
    surface: 'count',
    kind: 'window',
    per: 'key',
    perText: 'per client id',
    appliesTo: 'all',
    defaultRule: () => perMinute(100),
    source: "Count's partner API documentation: 100 requests per minute per client id",
  },
  'atlas.key': {
    surface: 'atlas',
    kind: 'window',
    per: 'key',
    perText: 'per API key',
    appliesTo: 'all',
    defaultRule: () => perMinute(1000),
    source: "Atlas's API documentation: 1,000 requests per minute per API key, X-RateLimit-Limit/Remaining/Reset",
  },
  'atlas.daily': {
    surface: 'atlas',
    kind: 'window',
    per: 'key',
    perText: 'per API key',
    appliesTo: 'all',
    defaultRule: () => ({ max: 100_000, window_seconds: 86_400 }),
    source: "Atlas's API documentation: 100,000 requests per day per API key",
  },
  'atlas.concurrent': {
    surface: 'atlas',
    kind: 'concurrency',
    per: 'key',
    perText: 'per API key',
    appliesTo: 'all',
    defaultRule: () => ({ max: 50, window_seconds: 0 }),
    source: "Atlas's API documentation: 50 concurrent requests per API key",
  },
  'asset.tenant': {
    surface: 'asset',
    kind: 'window',
    per: 'account',
    perText: 'per tenant for tenant-level requests',
    appliesTo: 'token',
    defaultRule: () => perMinute(300),
    source: 'https://docs.getasset.com/apioverview/rate_limits: tenant-level requests, 300 per minute',
  },
  'asset.business': {
    surface: 'asset',
    kind: 'window',
    per: 'account',
    perText: 'per business',
    appliesTo: 'other than token',
    defaultRule: () => perMinute(300),
    source: 'https://docs.getasset.com/apioverview/rate_limits: business-level requests, 300 per minute',
  },
  'checkoutpage.key': {
    surface: 'checkoutpage',
    kind: 'window',
    per: 'key',
    perText: 'per API key',
    appliesTo: 'all',
    defaultRule: () => perMinute(100),
    source: "CheckoutPage's API documentation: 100 requests per minute per API key",
  },
  'checkoutpage.store': {
    surface: 'checkoutpage',
    kind: 'window',
    per: 'account',
    perText: 'per store',
    appliesTo: 'all',
    defaultRule: () => perMinute(500),
    source: "CheckoutPage's API documentation: 500 requests per minute per store",
  },
  'native.read': {
    surface: 'native',
    kind: 'window',
    per: 'account',
    perText: 'per account for reads',
    appliesTo: 'reads',
    defaultRule: stripeRule,
    source: "https://docs.stripe.com/rate-limits (only with the tenant's native_rate_limits = stripe)",
  },
  'native.write': {
    surface: 'native',
    kind: 'window',
    per: 'account',
    perText: 'per account for writes',
    appliesTo: 'writes',
    defaultRule: stripeRule,
    source: "https://docs.stripe.com/rate-limits (only with the tenant's native_rate_limits = stripe)",
  },
} as const satisfies Record<string, RateLimitDefinition>;

export type RateLimitName = keyof typeof RATE_LIMITS;

export const RATE_LIMIT_NAMES = Object.keys(RATE_LIMITS) as RateLimitName[];

export function isRateLimitName(name: string): name is RateLimitName {
  return Object.hasOwn(RATE_LIMITS, name);
}

const MAX_REQUESTS = 1_000_000_000;
export const MAX_WINDOW_SECONDS = 7 * 86_400;

/** Whether `rule` is usable for the limit: whole numbers in range (a concurrency limit ignores the window). */
export function isValidRule(name: RateLimitName, rule: unknown): rule is RateLimitRule {
  if (typeof rule !== 'object' || rule === null) return false;
  const { max, window_seconds } = rule as Partial<RateLimitRule>;
  if (!Number.isSafeInteger(max) || max! < 0 || max! > MAX_REQUESTS) return false;
  if (RATE_LIMITS[name].kind === 'concurrency') return true;
  return Number.isSafeInteger(window_seconds) && window_seconds! >= 1 && window_seconds! <= MAX_WINDOW_SECONDS;
}

/**
 * The rule in force for a tenant in a mode: its override (null: none), else the documented one.
 * An override that is not a usable rule is ignored.
 */
export function effectiveRule(name: RateLimitName, mode: Mode, settings: TenantSettings): RateLimitRule | null {
  const override = settings.rate_limits?.[name];
  if (override === null) return null;
  if (override !== undefined && isValidRule(name, override)) return override;
  return RATE_LIMITS[name].defaultRule(mode, settings);
}

/** "100 requests per minute per client id", for the 429's message. */
export function describeRule(name: RateLimitName, rule: RateLimitRule): string {
  const def = RATE_LIMITS[name];
  const requests = `${rule.max} request${rule.max === 1 ? '' : 's'}`;
  if (def.kind === 'concurrency') return `${requests} in flight at once ${def.perText}`;
  const s = rule.window_seconds;
  const window = s === 1 ? 'second' : s === 60 ? 'minute' : s === 3600 ? 'hour' : s === 86_400 ? 'day' : `${s} seconds`;
  return `${requests} per ${window} ${def.perText}`;
}
