import { chmodSync, mkdirSync } from 'node:fs';
import { Server } from 'node:net';
import type { Redis } from 'ioredis';
import { buildApp } from '../server/app.ts';
import { loggerOptions } from '../server/logging.ts';
import { loadConfig } from '../config.ts';
import { TenantService } from '../domain/tenants/tenant-service.ts';
import { openStore } from '../store/open.ts';
import { loadSecretBox } from './master-key.ts';
import { showFirstStartKeys, withdrawFirstStartKeys } from './first-start-keys.ts';
import { sweepExpired } from './sweep.ts';
import type { App } from '../http/types.ts';
import { tenantIdToWire } from '../formats/ids.ts';
import { connectRateLimitRedis } from '../http/rate-limits/redis.ts';
import { Metrics } from '../server/metrics/metrics.ts';
import { listenForScrapes } from '../server/metrics/listener.ts';

const DRAIN_QUIET_MS = 100;
const DRAIN_MAX_MS = 10_000;
const SWEEP_MS = 10 * 60_000;
const REDIS_READY_MS = 2_000;

/** `clientele serve`: the HTTP server on the configured store, until SIGTERM or SIGINT. */
export async function serve(): Promise<void> {
  const config = loadConfig();
  // The data directory holds the database, the master key and the first start's keys: this user's only.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(config.dataDir, 0o700);
  // Until the app's logger exists, pool errors go to stderr; they are logged, never fatal.
  let logPoolError = (err: Error): void => void process.stderr.write(`database connection error: ${err.message}\n`);
  const { box, source: keySource } = loadSecretBox(config);
  const store = await openStore(config, { onPoolError: (err) => logPoolError(err), statementBudget: true });
  let logRedisError = (err: Error): void => void process.stderr.write(`redis error: ${err.message}\n`);
  const redis = config.rateLimits && config.redisUrl ? connectRateLimitRedis(config.redisUrl, (err) => logRedisError(err)) : undefined;
  const metrics = config.metrics ? new Metrics() : undefined;
  const app = await buildApp({
    store,
    ...(metrics ? { metrics } : {}),
    secretBox: box,
    logger: loggerOptions(config.logLevel),
    // While draining, requests still reach their routes (and answer in their surface's format).
    return503OnClosing: false,
    rateLimits: { enabled: config.rateLimits, ...(redis ? { redis } : {}) },
    webhooks: { allowPrivate: config.webhooksAllowPrivate, timeoutMs: config.webhookTimeoutMs },
    connections: config.connections,
  });
  logPoolError = (err) => void app.log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'database connection error');
  logRedisError = throttled((err) =>
    app.log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'redis error: rate limits are not enforced while Redis does not answer'),
  );
  if (!config.rateLimits) app.log.warn('CLIENTELE_RATE_LIMITS=off: no rate limits in this process');
  if (config.webhooksAllowPrivate) app.log.warn('CLIENTELE_WEBHOOK_ALLOW_PRIVATE=1: webhooks may be sent to loopback and private addresses, and over http in live mode');
  else if (redis) {
    const ready = await readyWithin(redis, REDIS_READY_MS);
    app.log.info({ redis: ready ? 'ready' : 'not answering yet' }, 'rate limits shared through Redis');
  }
  const drain = trackInFlight(app);
  // Listen for signals from the start: one that arrives while the server is still starting is
  // acted on as soon as it listens, rather than killing it mid-start by the default action.
  let shutdown: ((signal: string) => Promise<void>) | undefined;
  let pendingSignal: string | undefined;
  const onSignal = (signal: string) => (shutdown ? void shutdown(signal) : (pendingSignal ??= signal));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));

  if (store.kind === 'postgres' && !config.masterKey) {
    app.log.warn({ file: keySource }, 'CLIENTELE_MASTER_KEY is not set: client secrets are encrypted with a key file; every server on this database needs the same key');
  }
  const tenants = new TenantService(store, box);
  const provisioned = await tenants.create('default', {}, { onlyIfNone: true });
  const keysShown = provisioned ? showFirstStartKeys(provisioned, config.dataDir) : null;
  if (provisioned && keysShown) {
    const tenant = tenantIdToWire(provisioned.tenant.id);
    if (keysShown.to === 'file') {
      app.log.warn({ tenant, keysFile: keysShown.file }, `Created tenant "default": its secret keys are in ${keysShown.file} (readable by this user only); keep them elsewhere and delete the file`);
    } else {
      app.log.info({ tenant }, 'Created tenant "default": its secret keys were printed on the terminal, this once');
    }
  }
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    // A start that fails must not use up the one showing of the keys: withdraw them, and the
    // next start provisions the default tenant anew.
    if (provisioned) {
      await tenants.remove(provisioned.tenant.id);
      if (keysShown) withdrawFirstStartKeys(keysShown);
      process.stderr.write('The server did not start; the keys just shown were withdrawn. The next start shows new ones.\n');
    }
    await store.close();
    redis?.disconnect();
    throw err;
  }

  const scrapes = metrics && config.metrics ? await listenForScrapes(metrics, config.metrics.port, config.metrics.host) : null;
  if (scrapes) app.log.info({ metrics: `http://${config.metrics!.host}:${config.metrics!.port}/metrics` }, 'Prometheus metrics listening');

  // Expired access tokens and idempotency keys, and history past each tenant's retention; any
  // server may sweep them, the deletes are idempotent.
  const sweep = setInterval(() => void sweepExpired(store, app.log), SWEEP_MS);
  sweep.unref();

  let closing = false;
  shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    try {
      await drain(() => app.log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests'));
      clearInterval(sweep);
      scrapes?.close();
      await app.close();
      await store.close();
      await redis?.quit().catch(() => redis.disconnect());
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  if (pendingSignal) void shutdown(pendingSignal);
}

function readyWithin(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.on('ready', onReady);
  });
}

/** At most one call a minute: a Redis that stays down reconnects (and fails) many times. */
function throttled(fn: (err: Error) => void, everyMs = 60_000): (err: Error) => void {
  let last = 0;
  return (err) => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    fn(err);
  };
}

/**
 * Counts requests in flight and returns a drain function: it stops accepting connections
 * (without dropping accepted ones, which http.Server.close would do to requests not yet read),
 * asks keep-alive clients to go, and resolves once nothing has been in flight for a while.
 * Quiet is counted in event-loop turns, not milliseconds: while synchronous commits hold the
 * loop, queued connections and unread requests wait for the next turn, not for the clock.
 */
function trackInFlight(app: App): (onStopAccepting: () => void) => Promise<void> {
  let inFlight = 0;
  let requests = 0;
  let connections = 0;
  let draining = false;
  app.server.on('connection', () => connections++);
  app.addHook('onRequest', async (_request, reply) => {
    inFlight++;
    requests++;
    if (draining) void reply.header('Connection', 'close');
  });
  app.addHook('onResponse', async () => {
    inFlight--;
  });
  const turn = () => new Promise((resolve) => setTimeout(resolve, 5));
  /** Waits until `count()` has not moved for `turns` loop turns (and `busy()` is false), or the deadline. */
  const settle = async (count: () => number, busy: () => boolean, turns: number, maxMs: number) => {
    const deadline = Date.now() + maxMs;
    let quiet = 0;
    while (quiet < turns && Date.now() < deadline) {
      const before = count();
      await turn();
      quiet = count() === before && !busy() ? quiet + 1 : 0;
    }
  };
  return async (onStopAccepting) => {
    draining = true;
    // Connections the kernel has queued were made before the signal: accept them before closing
    // the listener, which would reset them.
    await settle(() => connections, () => false, 3, 1000);
    Server.prototype.close.call(app.server);
    onStopAccepting();
    await settle(() => requests, () => inFlight > 0, Math.ceil(DRAIN_QUIET_MS / 5), DRAIN_MAX_MS);
  };
}
