import { createRequire } from 'node:module';
import rateLimitPlugin from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { Mode } from '../domain/customers/model.ts';
import { RateLimitedError } from '../domain/errors.ts';
import type { RateLimitRule, TenantSettings } from '../domain/tenants/tenant.ts';
import type { AuthContext } from './auth.ts';
import type { App } from './types.ts';

/**
 * Rate limits: every limit Clientele applies, by name, with the number its vendor documents.
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
 * - A tenant overrides any limit in `settings.rate_limits[name]`: a rule, or null for none.
 *   The native API is unlimited unless the tenant sets `native_rate_limits: 'stripe'` (Stripe's
 *   own numbers) or gives `native.read` / `native.write` a rule.
 * - A 429 is a RateLimitedError: each surface renders it in its own format, with Retry-After.
 * - If Redis fails, requests are let through (`skipOnError`): an outage of Redis never takes
 *   the API down.
 */

export type LimitedSurface = 'native' | 'asset' | 'checkoutpage' | 'atlas' | 'count';

export interface RateLimitDefinition {
  surface: LimitedSurface;
  /** `window`: at most `max` requests per `window_seconds`. `concurrency`: at most `max` in flight at once. */
  kind: 'window' | 'concurrency';
  /** One budget per key or client used (`key`), or per tenant in the request's mode (`account`). */
  per: 'key' | 'account';
  /** How the message names what the budget belongs to. */
  perText: string;
  /** Which of the surface's requests count against it. */
  applies(request: FastifyRequest): boolean;
  /** The documented rule for a tenant in a mode; null: off unless the tenant sets a rule. */
  defaultRule(mode: Mode, settings: TenantSettings): RateLimitRule | null;
  /** Where the number comes from. */
  source: string;
}

const always = () => true;
const perMinute = (max: number): RateLimitRule => ({ max, window_seconds: 60 });
const READS = new Set(['GET', 'HEAD']);
const isTokenRoute = (request: FastifyRequest) => (request.routeOptions.url ?? '').endsWith('/auth/token');

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
    applies: always,
    defaultRule: () => perMinute(100),
    source: "Count's partner API documentation: 100 requests per minute per client id",
  },
  'atlas.key': {
    surface: 'atlas',
    kind: 'window',
    per: 'key',
    perText: 'per API key',
    applies: always,
    defaultRule: () => perMinute(1000),
    source: "Atlas's API documentation: 1,000 requests per minute per API key, X-RateLimit-Limit/Remaining/Reset",
  },
  'atlas.concurrent': {
    surface: 'atlas',
    kind: 'concurrency',
    per: 'key',
    perText: 'per API key',
    applies: always,
    defaultRule: () => ({ max: 50, window_seconds: 0 }),
    source: "Atlas's API documentation: 50 concurrent requests per API key",
  },
  'asset.tenant': {
    surface: 'asset',
    kind: 'window',
    per: 'account',
    perText: 'per tenant for tenant-level requests',
    applies: isTokenRoute,
    defaultRule: () => perMinute(300),
    source: 'https://docs.getasset.com/apioverview/rate_limits: tenant-level requests, 300 per minute',
  },
  'asset.business': {
    surface: 'asset',
    kind: 'window',
    per: 'account',
    perText: 'per business',
    applies: (request) => !isTokenRoute(request),
    defaultRule: () => perMinute(300),
    source: 'https://docs.getasset.com/apioverview/rate_limits: business-level requests, 300 per minute',
  },
  'checkoutpage.key': {
    surface: 'checkoutpage',
    kind: 'window',
    per: 'key',
    perText: 'per API key',
    applies: always,
    defaultRule: () => perMinute(100),
    source: "CheckoutPage's API documentation: 100 requests per minute per API key",
  },
  'checkoutpage.store': {
    surface: 'checkoutpage',
    kind: 'window',
    per: 'account',
    perText: 'per store',
    applies: always,
    defaultRule: () => perMinute(500),
    source: "CheckoutPage's API documentation: 500 requests per minute per store",
  },
  'native.read': {
    surface: 'native',
    kind: 'window',
    per: 'account',
    perText: 'per account for reads',
    applies: (request) => READS.has(request.method),
    defaultRule: stripeRule,
    source: "https://docs.stripe.com/rate-limits (only with the tenant's native_rate_limits = stripe)",
  },
  'native.write': {
    surface: 'native',
    kind: 'window',
    per: 'account',
    perText: 'per account for writes',
    applies: (request) => !READS.has(request.method),
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
const MAX_WINDOW_SECONDS = 7 * 86_400;

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

/**
 * One `--rate-limit` argument: `name=MAX/SECONDS` (a window), `name=MAX` (a concurrency limit),
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
    throw new Error(`--rate-limit ${name}= takes ${shape}, off or default; got '${value}'`);
  }
  return { name, rule };
}

/** "100 requests per minute per client id", for the 429's message. */
export function describeRule(name: RateLimitName, rule: RateLimitRule): string {
  const def = RATE_LIMITS[name];
  const requests = `${rule.max} request${rule.max === 1 ? '' : 's'}`;
  if (def.kind === 'concurrency') return `${requests} in flight at once ${def.perText}`;
  const s = rule.window_seconds;
  const window = s === 1 ? 'second' : s === 60 ? 'minute' : s === 3600 ? 'hour' : `${s} seconds`;
  return `${requests} per ${window} ${def.perText}`;
}

// ---- the limiter ----

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

declare module 'fastify' {
  interface FastifyInstance {
    rateLimits: RateLimiter;
  }
}

interface HeaderStyle {
  names: readonly [limit: string, remaining: string, reset: string];
  /** `unix`: the reset as unix seconds (Atlas, Asset); `delta`: seconds from now (the library's default). */
  reset: 'unix' | 'delta';
}

const LOWER = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'] as const;

/** Rate-limit headers each surface sends; Stripe sends none. */
const HEADERS: Readonly<Record<LimitedSurface, HeaderStyle | null>> = {
  atlas: { names: ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'], reset: 'unix' },
  asset: { names: LOWER, reset: 'unix' },
  checkoutpage: { names: LOWER, reset: 'delta' },
  count: { names: LOWER, reset: 'delta' },
  native: null,
};

const BY_SURFACE = new Map<LimitedSurface, RateLimitName[]>();
for (const name of RATE_LIMIT_NAMES) {
  const list = BY_SURFACE.get(RATE_LIMITS[name].surface) ?? [];
  list.push(name);
  BY_SURFACE.set(RATE_LIMITS[name].surface, list);
}

interface Budget {
  max: number;
  remaining: number;
  /** When the window refills, ms since the epoch. */
  resetMs: number;
}

function setHeaders(surface: LimitedSurface, reply: FastifyReply, budget: Budget): void {
  const style = HEADERS[surface];
  if (!style) return;
  const reset = style.reset === 'unix' ? Math.ceil(budget.resetMs / 1000) : Math.max(0, Math.ceil((budget.resetMs - Date.now()) / 1000));
  // Set on the raw response so that the names keep the case the vendor documents.
  const [limit, remaining, resetName] = style.names;
  reply.raw.setHeader(limit, String(budget.max));
  reply.raw.setHeader(remaining, String(budget.remaining));
  reply.raw.setHeader(resetName, String(reset));
}

type StoreCallback = (err: Error | null, result?: { current: number; ttl: number }) => void;
interface LimiterStore {
  incr(key: string, cb: StoreCallback, timeWindow: number, max: number): void;
  read?(key: string, cb: StoreCallback, timeWindow: number, max: number): void;
  child(routeOptions: unknown): LimiterStore;
}
const LibraryLocalStore = createRequire(import.meta.url)('@fastify/rate-limit/store/LocalStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  cache: number,
) => LimiterStore;

/**
 * The library's in-memory store, answering each call with its own copy of the counter. The
 * library's own hands every caller the same mutable object and reads it only after an await, so
 * requests checked in one turn of the event loop all saw the last one's count: 35 requests
 * arriving together against a budget of 25 were all refused, not 10 of them. (Requests arrive
 * together whenever their key lookups resolve in one batch.)
 */
class SnapshotStore implements LimiterStore {
  constructor(private readonly inner: LimiterStore) {}
  incr(key: string, cb: StoreCallback, timeWindow: number, max: number): void {
    this.inner.incr(key, (err, res) => cb(err, res && { current: res.current, ttl: res.ttl }), timeWindow, max);
  }
  read(key: string, cb: StoreCallback, timeWindow: number, max: number): void {
    this.inner.read!(key, (err, res) => cb(err, res && { current: res.current, ttl: res.ttl }), timeWindow, max);
  }
  child(routeOptions: unknown): LimiterStore {
    return new SnapshotStore(this.inner.child(routeOptions));
  }
}

function snapshotStore(cacheSize: number) {
  return function InMemoryStore() {
    return new SnapshotStore(new LibraryLocalStore(false, false, cacheSize));
  } as unknown as new (params: unknown) => LimiterStore;
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
      if (!def.applies(request)) continue;
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

/**
 * A Redis client for the limiter (REDIS_URL). It fails fast instead of queueing while Redis is
 * away or slow (the limiter then lets requests through) and reconnects in the background.
 */
export function connectRateLimitRedis(url: string, onError: (err: Error) => void): Redis {
  const redis = new Redis(url, {
    connectionName: 'clientele-rate-limits',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1_000,
    commandTimeout: 500,
  });
  redis.on('error', onError);
  return redis;
}
