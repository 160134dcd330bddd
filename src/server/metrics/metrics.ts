import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../../domain/store-port.ts';

/** Seconds: from a cached key lookup to a slow search or a receiver near its timeout. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
const LAG_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * Every series this process exports, in a registry of its own (tests build several apps in one
 * process). Labels never hold a tenant, a customer or an e-mail: only routes, methods, statuses,
 * surfaces, store operations and outcomes, all from small fixed sets.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests: time from arrival to the last byte of the answer.',
    labelNames: ['method', 'route', 'status_code', 'surface'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly storeDuration = new Histogram({
    name: 'clientele_store_operation_duration_seconds',
    help: 'Store operations (the port\'s methods): time until the promise settles.',
    labelNames: ['operation', 'store', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'clientele_store_batch_size',
    help: 'Writes or lookups sharing one commit or round trip (SQLite group commit; PostgreSQL batched creates and key lookups).',
    labelNames: ['kind'] as const,
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'clientele_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by result: succeeded, retrying (failed, retried later), failed (retries used up).',
    labelNames: ['flavor', 'result'] as const,
    registers: [this.registry],
  });
  readonly deliveryLag = new Histogram({
    name: 'clientele_webhook_delivery_lag_seconds',
    help: 'From an event to the start of its first delivery attempt.',
    labelNames: ['flavor'] as const,
    buckets: LAG_BUCKETS,
    registers: [this.registry],
  });

  /**
   * Label sets seen, each with its child series: prom-client hashes a label object on every
   * observe, a tenth of a retrieve's own cost; a child found by one string key costs a map lookup.
   */
  private readonly children = new Map<string, { observe(value: number): void }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  observeHttp(method: string, route: string, statusCode: number, surface: string, seconds: number): void {
    const key = `h ${method} ${route} ${statusCode} ${surface}`;
    let child = this.children.get(key);
    if (!child) this.children.set(key, (child = this.httpDuration.labels({ method, route, status_code: String(statusCode), surface })));
    child.observe(seconds);
  }

  observeStore(operation: string, store: string, ok: boolean, seconds: number): void {
    const key = `s ${operation} ${store} ${ok}`;
    let child = this.children.get(key);
    if (!child) this.children.set(key, (child = this.storeDuration.labels({ operation, store, outcome: ok ? 'ok' : 'error' })));
    child.observe(seconds);
  }

  /** The store's gauges, read at each scrape: its connections, and the outbox's backlog. */
  watchStore(store: Store): void {
    const kind = store.kind;
    const load = () => store.connectionLoad();
    const connections = [
      ['clientele_store_connections', 'size', 'Store connections open (PostgreSQL) or reader threads (SQLite).'],
      ['clientele_store_connections_in_use', 'inUse', 'Store connections running a statement (PostgreSQL pool; SQLite reader threads).'],
      ['clientele_store_connections_waiting', 'waiting', 'Operations waiting for a store connection.'],
    ] as const;
    for (const [name, field, help] of connections) {
      new Gauge({ name, help, labelNames: ['store'] as const, registers: [this.registry], collect() { this.set({ store: kind }, load()[field]); } });
    }
    new Gauge({
      name: 'clientele_webhook_outbox_backlog',
      help: 'Webhook deliveries not done yet (ready, waiting or held), over every tenant.',
      registers: [this.registry],
      async collect() {
        try {
          this.set(await store.deliveryBacklog());
        } catch {
          // A store that does not answer leaves the last value; /readyz tells the outage.
        }
      },
    });
    store.observeBatches((batch, size) => this.batchSize.observe({ kind: batch }, size));
  }
}
