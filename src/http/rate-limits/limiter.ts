import rateLimitPlugin from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import {
  describeRule,
  effectiveRule,
  RATE_LIMIT_NAMES,
  RATE_LIMITS,
  type LimitedRequests,
  type LimitedSurface,
  type RateLimitDefinition,
  type RateLimitName,
} from '../../domain/tenants/rate-limit-policy.ts';
import type { RateLimitRule } from '../../domain/tenants/tenant.ts';
import type { AuthContext } from '../auth.ts';
import type { App } from '../types.ts';
import { setHeaders, type Budget } from './headers.ts';
import { RateLimitedError } from './rate-limited-error.ts';
import { snapshotStore } from './snapshot-store.ts';

/**
 * Counting the rate limits (the limits themselves: src/domain/tenants/rate-limit-policy.ts).
 *
 * - Windows are counted by @fastify/rate-limit: in this process's memory, or in Redis when the app
 *   is given a client (REDIS_URL), so that every server on that Redis shares one budget. The
 *   library counts fixed windows: a budget of `max` requests opens with the first request and
 *   refills whole `window_seconds` later.
 * - `atlas.concurrent` (requests in flight at once) is counted in each process's memory, even with
 *   Redis: N servers allow N × the number. A slot is taken after authentication and given back
 *   when the response closes, sent or aborted.
 * - Each limit is checked once the request is authenticated (it is per key, client or tenant),
 *   before its body is validated and before its Idempotency-Key is claimed: a refused request
 *   counts, and a 429 never uses up a key. Unauthenticated requests are not limited.
 * - A 429 is a RateLimitedError: each surface renders it in its own format, with Retry-After.
 * - If Redis fails, requests are let through (`skipOnError`): an outage of Redis never takes
 *   the API down.
 */

export interface RateLimitOptions {
  /** false: no limits at all in this process (CLIENTELE_RATE_LIMITS=off). Default true. */
  enabled?: boolean;
  /** Counts windows in Redis, shared by every server using it; else in this process's memory. */
  redis?: Redis;
  /** Prefix of the Redis keys. Default `clientele:rate-limit:`. */
  nameSpace?: string;
  /** Most budgets kept in memory (least recently used go first). Default 100,000. */
  cacheSize?: number;
}

export interface RateLimiter {
  readonly enabled: boolean;
  /** The surface's hook, run right after its authentication: checks every limit that applies. */
  hook(surface: LimitedSurface): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Checks the surface's limits for a request authenticated by its handler (Asset's token route). */
  enforce(surface: LimitedSurface, request: FastifyRequest, reply: FastifyReply, auth: AuthContext): Promise<void>;
  /** Requests of this key in flight under a concurrency limit, in this process (for tests and metrics). */
  inFlight(name: RateLimitName, keyId: string): number;
}

export interface RateLimiter {
  readonly enabled: boolean;
  /** The surface's hook, run right after its authentication: checks every limit that applies. */
  hook(surface: LimitedSurface): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Checks the surface's limits for a request authenticated by its handler (Asset's token route). */
  enforce(surface: LimitedSurface, request: FastifyRequest, reply: FastifyReply, auth: AuthContext): Promise<void>;
  /** Requests of this key in flight under a concurrency limit, in this process (for tests and metrics). */
  inFlight(name: RateLimitName, keyId: string): number;
}

declare module 'fastify' {
  interface FastifyInstance {
    rateLimits: RateLimiter;
  }
}

const BY_SURFACE = new Map<LimitedSurface, RateLimitName[]>();
for (const name of RATE_LIMIT_NAMES) {
  const list = BY_SURFACE.get(RATE_LIMITS[name].surface) ?? [];
  list.push(name);
  BY_SURFACE.set(RATE_LIMITS[name].surface, list);
}

const READS = new Set(['GET', 'HEAD']);
const isTokenRoute = (request: FastifyRequest) => (request.routeOptions.url ?? '').endsWith('/auth/token');

/** Whether a request counts against a limit that applies to `requests`. */
function counts(requests: LimitedRequests, request: FastifyRequest): boolean {
  switch (requests) {
    case 'all':
      return true;
    case 'reads':
      return READS.has(request.method);
    case 'writes':
      return !READS.has(request.method);
    case 'token':
      return isTokenRoute(request);
    case 'other than token':
      return !isTokenRoute(request);
  }
}

const DISABLED: RateLimiter = {
  enabled: false,
  hook: () => async () => {},
  enforce: async () => {},
  inFlight: () => 0,
};

/** Decorates `app.rateLimits`; registers @fastify/rate-limit unless limits are off. */
export async function registerRateLimits(app: App, options: RateLimitOptions = {}): Promise<void> {
  if (options.enabled === false) {
    app.decorate('rateLimits', DISABLED);
    return;
  }
  /** The budget being checked for a request: the limiter's key, max and window functions read it. */
  const current = new WeakMap<FastifyRequest, { key: string; rule: RateLimitRule }>();
  const of = (request: FastifyRequest) => {
    const entry = current.get(request);
    if (!entry) throw new Error('rate limit checked without a budget');
    return entry;
  };
  await app.register(rateLimitPlugin, {
    global: false,
    skipOnError: true,
    ...(options.redis
      ? { redis: options.redis, nameSpace: options.nameSpace ?? 'clientele:rate-limit:' }
      : { store: snapshotStore(options.cacheSize ?? 100_000) }),
    keyGenerator: (request) => of(request).key,
    max: (request) => of(request).rule.max,
    timeWindow: (request) => of(request).rule.window_seconds * 1000,
  });
  const check = app.createRateLimit();

  const inFlight = new Map<string, number>();

  /** Takes a slot for the request; gives it back exactly once, when the response closes. */
  function acquire(name: RateLimitName, key: string, rule: RateLimitRule, reply: FastifyReply): void {
    const raw = reply.raw;
    // A response already closed (the client went away) would never give its slot back.
    if (raw.closed || raw.destroyed) return;
    const count = inFlight.get(key) ?? 0;
    if (count >= rule.max) throw new RateLimitedError(1, describeRule(name, rule));
    inFlight.set(key, count + 1);
    raw.once('close', () => {
      const left = (inFlight.get(key) ?? 1) - 1;
      if (left > 0) inFlight.set(key, left);
      else inFlight.delete(key);
    });
  }

  async function enforce(surface: LimitedSurface, request: FastifyRequest, reply: FastifyReply, auth: AuthContext): Promise<void> {
    let shown: Budget | null = null;
    for (const name of BY_SURFACE.get(surface) ?? []) {
      const def: RateLimitDefinition = RATE_LIMITS[name];
      if (!counts(def.appliesTo, request)) continue;
      const rule = effectiveRule(name, auth.mode, auth.tenant.settings);
      if (rule === null) continue;
      const owner = def.per === 'key' ? auth.keyId : `${auth.tenant.id}:${auth.mode}`;
      if (def.kind === 'concurrency') {
        try {
          acquire(name, `${name}|${owner}`, rule, reply);
        } catch (err) {
          if (shown) setHeaders(surface, reply, shown);
          throw err;
        }
        continue;
      }
      // The window is part of the key: a tenant's new window takes effect at once.
      current.set(request, { key: `${name}|${owner}|${rule.window_seconds}`, rule });
      const result = await check(request);
      current.delete(request);
      if (result.isAllowed) continue;
      const budget: Budget = { max: result.max, remaining: result.remaining, resetMs: Date.now() + result.ttl };
      if (result.isExceeded) {
        setHeaders(surface, reply, { ...budget, remaining: 0 });
        throw new RateLimitedError(Math.max(1, result.ttlInSeconds), describeRule(name, rule));
      }
      if (!shown || budget.remaining < shown.remaining) shown = budget;
    }
    if (shown) setHeaders(surface, reply, shown);
  }

  app.decorate('rateLimits', {
    enabled: true,
    hook: (surface: LimitedSurface) => async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.auth) await enforce(surface, request, reply, request.auth);
    },
    enforce,
    inFlight: (name: RateLimitName, keyId: string) => inFlight.get(`${name}|${keyId}`) ?? 0,
  } satisfies RateLimiter);
}
