import type { ConnectionLimits } from '../../src/http/connection-limits.ts';
import { after, before } from 'node:test';
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { SecretBox } from '../../src/domain/tenants/secret-box.ts';
import { buildApp } from '../../src/server/app.ts';
import type { IdempotencyTimes } from '../../src/domain/idempotency-keys.ts';
import { TenantService, type ClientCredentials } from '../../src/domain/tenants/tenant-service.ts';
import type { Store } from '../../src/domain/store-port.ts';
import type { App } from '../../src/http/types.ts';
import { openTestStore, type StoreKind } from './stores.ts';
import { tenantIdToWire } from '../../src/formats/ids.ts';
import type { RateLimitOptions } from '../../src/http/rate-limits/limiter.ts';
import type { WebhookOptions } from '../../src/server/webhook-options.ts';
import type { Metrics } from '../../src/server/metrics/metrics.ts';

export interface TestTenant {
  id: string;
  wireId: string;
  keys: { test: string; live: string };
  clients: { test: ClientCredentials; live: ClientCredentials };
}

export interface TestServer {
  url: string;
  port: number;
  store: Store;
  app: App;
  storeKind: StoreKind;
  /** Where the data lives: the SQLite file, or the PostgreSQL database URL. */
  storeLocation: string;
  tenant: TestTenant;
  tenants: TenantService;
  newTenant(name?: string): Promise<TestTenant>;
  /** The official Stripe SDK pointed at this server. */
  stripe(key?: string): Stripe;
  /** fetch against the server with the tenant's test key unless `key` is given (null: no auth). */
  request(method: string, path: string, init?: { key?: string | null; form?: string; json?: unknown; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Rate limits are off unless given here: the suites send far more than any vendor allows. */
  rateLimits?: RateLimitOptions;
  idempotency?: Partial<IdempotencyTimes>;
  /** Share this store (and its tenants) instead of opening a fresh one; it is not destroyed on close. */
  store?: { store: Store; kind: StoreKind; location?: string };
  /** Webhooks: receivers on loopback allowed unless said otherwise (tests run theirs on 127.0.0.1). */
  webhooks?: WebhookOptions;
  connections?: Partial<ConnectionLimits>;
  metrics?: Metrics;
}

/**
 * A real server over HTTP on a fresh store: a new SQLite file, or a new PostgreSQL database when
 * CLIENTELE_TEST_STORE=postgres (or `kind` says so).
 */
export async function startServer(kind?: StoreKind, options: ServerOptions = {}): Promise<TestServer> {
  const testStore = options.store ? { location: '', ...options.store, destroy: async () => {} } : await openTestStore(kind);
  const store = testStore.store;
  const secretBox = new SecretBox(randomBytes(32));
  const app = await buildApp({
    store,
    secretBox,
    rateLimits: options.rateLimits ?? { enabled: false },
    webhooks: { allowPrivate: true, ...options.webhooks },
    ...(options.idempotency ? { idempotency: options.idempotency } : {}),
    ...(options.connections ? { connections: options.connections } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const port = address.port;
  const url = `http://127.0.0.1:${port}`;
  const tenants = new TenantService(store, secretBox);

  const newTenant = async (name = 'Acme'): Promise<TestTenant> => {
    const made = await tenants.create(name);
    if (!made) throw new Error('tenant not created');
    if (!made.clients) throw new Error('tenant has no client credentials');
    return { id: made.tenant.id, wireId: tenantIdToWire(made.tenant.id), keys: made.secrets, clients: made.clients };
  };
  const tenant = await newTenant('Test tenant');

  return {
    url,
    port,
    store,
    app,
    storeKind: testStore.kind,
    storeLocation: testStore.location,
    tenant,
    tenants,
    newTenant,
    stripe: (key = tenant.keys.test) =>
      new Stripe(key, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0, telemetry: false }),
    async request(method, path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      const key = init.key === undefined ? tenant.keys.test : init.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      let body: string | undefined;
      if (init.form !== undefined) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = init.form;
      } else if (init.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(init.json);
      }
      const res = await fetch(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    async close() {
      await app.close();
      await testStore.destroy();
    },
  };
}

/** Asserts a Stripe SDK call fails, returning the SDK's error for inspection. */
export async function stripeError(promise: Promise<unknown>): Promise<InstanceType<typeof Stripe.errors.StripeError>> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof Stripe.errors.StripeError) return err;
    throw err;
  }
  throw new Error('expected the Stripe call to fail');
}

/** One server for a whole `describe` block, with the tenant's test-mode Stripe client: set in `before`, closed in `after`. */
export function suiteServer(): { server: TestServer; stripe: Stripe } {
  const ctx = {} as { server: TestServer; stripe: Stripe };
  before(async () => {
    ctx.server = await startServer();
    ctx.stripe = ctx.server.stripe();
  });
  after(async () => ctx.server?.close());
  return ctx;
}
