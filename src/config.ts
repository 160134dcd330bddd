import { join, resolve } from 'node:path';
import { DEFAULT_READ_BUDGET_MS, DEFAULT_READER_THREADS } from './store/sqlite/sqlite-store.ts';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './http/connection-limits.ts';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  /** Most PostgreSQL connections one process opens. */
  pgPoolMax: number;
  logLevel: string;
  /** CLIENTELE_MASTER_KEY: encrypts client secrets at rest; else a key file in the data dir. */
  masterKey: string | null;
  /** CLIENTELE_RATE_LIMITS=off: no rate limit at all in this process (benchmarks, load tests). */
  rateLimits: boolean;
  /** REDIS_URL: rate-limit windows shared by every server on this Redis; else each process counts its own. */
  redisUrl: string | null;
  /** CLIENTELE_WEBHOOK_ALLOW_PRIVATE=1: webhook receivers on loopback and private addresses, and http in live mode (development, tests). */
  webhooksAllowPrivate: boolean;
  /** CLIENTELE_WEBHOOK_TIMEOUT_MS: how long a receiver has to answer a delivery (default 15 s). */
  webhookTimeoutMs: number;
  /** CLIENTELE_SQLITE_READERS: threads that run SQLite lists and searches off the HTTP thread (0: on it). */
  sqliteReaders: number;
  /** CLIENTELE_READ_BUDGET_MS: how long a list or search may take before it is stopped with a 503. */
  readBudgetMs: number;
  /** CLIENTELE_REQUEST_TIMEOUT_MS, CLIENTELE_IDLE_TIMEOUT_MS, CLIENTELE_MAX_CONNECTIONS (see src/http/connection-limits.ts). */
  connections: ConnectionLimits;
  /** METRICS_PORT: Prometheus's /metrics on this port (METRICS_HOST, default HOST); off when unset. */
  metrics: { port: number; host: string } | null;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = portNumber(env.PORT || '4242', 'PORT');
  return {
    port,
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(env.CLIENTELE_DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || null,
    pgPoolMax: positiveInteger(env.PGPOOL_MAX, 'PGPOOL_MAX', 10),
    logLevel: env.LOG_LEVEL || 'info',
    masterKey: env.CLIENTELE_MASTER_KEY || null,
    rateLimits: onOff(env.CLIENTELE_RATE_LIMITS, 'CLIENTELE_RATE_LIMITS', true),
    redisUrl: env.REDIS_URL || null,
    webhooksAllowPrivate: flag(env.CLIENTELE_WEBHOOK_ALLOW_PRIVATE, 'CLIENTELE_WEBHOOK_ALLOW_PRIVATE'),
    webhookTimeoutMs: positiveInteger(env.CLIENTELE_WEBHOOK_TIMEOUT_MS, 'CLIENTELE_WEBHOOK_TIMEOUT_MS', 15_000),
    sqliteReaders: wholeNumber(env.CLIENTELE_SQLITE_READERS, 'CLIENTELE_SQLITE_READERS', DEFAULT_READER_THREADS),
    readBudgetMs: positiveInteger(env.CLIENTELE_READ_BUDGET_MS, 'CLIENTELE_READ_BUDGET_MS', DEFAULT_READ_BUDGET_MS),
    connections: {
      requestTimeoutMs: positiveInteger(env.CLIENTELE_REQUEST_TIMEOUT_MS, 'CLIENTELE_REQUEST_TIMEOUT_MS', DEFAULT_CONNECTION_LIMITS.requestTimeoutMs),
      idleTimeoutMs: positiveInteger(env.CLIENTELE_IDLE_TIMEOUT_MS, 'CLIENTELE_IDLE_TIMEOUT_MS', DEFAULT_CONNECTION_LIMITS.idleTimeoutMs),
      maxConnections: positiveInteger(env.CLIENTELE_MAX_CONNECTIONS, 'CLIENTELE_MAX_CONNECTIONS', DEFAULT_CONNECTION_LIMITS.maxConnections),
    },
    metrics: env.METRICS_PORT ? { port: portNumber(env.METRICS_PORT, 'METRICS_PORT'), host: env.METRICS_HOST || env.HOST || '127.0.0.1' } : null,
  };
}

function portNumber(raw: string, name: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new Error(`${name} must be a port number, got '${raw}'`);
  return port;
}

function onOff(raw: string | undefined, name: string, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new Error(`${name} must be on or off, got '${raw}'`);
}

function flag(raw: string | undefined, name: string): boolean {
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new Error(`${name} must be 1 or 0, got '${raw}'`);
}

function positiveInteger(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number of at least 1, got '${raw}'`);
  return n;
}

function wholeNumber(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got '${raw}'`);
  return n;
}

export function sqlitePath(config: Config): string {
  return join(config.dataDir, 'clientele.sqlite');
}

export function masterKeyPath(config: Config): string {
  return join(config.dataDir, 'master.key');
}
