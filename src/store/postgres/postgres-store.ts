import pg from 'pg';
import type { BatchKind, ConnectionLoad } from '../../domain/store-port.ts';
import type { Batcher } from '../batcher.ts';
import { ComposedStore } from '../composed-store.ts';
import { PostgresConsoleSessionRecords, PostgresPartnerRecords } from './console-partner-records.ts';
import { PostgresCredentialRecords } from './credential-records.ts';
import { PostgresCustomerRecords } from './customer-records.ts';
import { PostgresHistoryRecords } from './history-records.ts';
import { PostgresIdempotencyRecords } from './idempotency-records.ts';
import { migrate, pendingVersions } from './migrate.ts';
import { PostgresPool } from './pool.ts';
import { PostgresTenantRecords } from './tenant-records.ts';
import { PostgresEventRecords } from './event-records.ts';
import { PostgresWebhookRecords } from './webhook-records.ts';
import { DeliveryListener } from './delivery-listener.ts';

export interface PostgresStoreOptions {
  /** Most connections this process opens (PGPOOL_MAX). */
  poolMax?: number;
  /** Apply pending migrations when opening (default true). */
  migrate?: boolean;
  /** Called with pool errors on idle connections (the database restarting, say); they are not fatal. */
  onPoolError?: (err: Error) => void;
  /**
   * statement_timeout of every connection (the server's read budget, CLIENTELE_READ_BUDGET_MS):
   * a statement past it is cancelled and answered with QueryBudgetError. Migrations lift it.
   */
  statementTimeoutMs?: number;
}

/**
 * The production store: PostgreSQL through a `pg` pool. Every statement is parameterised and
 * filters on tenant_id; updates lock the row (SELECT … FOR UPDATE) so concurrent writers from any
 * number of servers serialise per customer. A dropped or refused connection becomes
 * UnavailableError, and the pool reconnects on the next request by itself.
 */
export class PostgresStore extends ComposedStore {
  readonly kind = 'postgres';
  private closed = false;
  private readonly database: PostgresPool;
  private readonly batchers: { customer_insert: Batcher<unknown, unknown>; key_lookup: Batcher<unknown, unknown> };

  private constructor(
    private readonly pool: pg.Pool,
    poolMax: number,
    private readonly listener: DeliveryListener,
  ) {
    const database = new PostgresPool(pool);
    // A quarter of the pool each for batched key lookups and creates: reads, updates and other
    // writes keep connections of their own.
    const batchesInFlight = Math.max(1, Math.floor(poolMax / 4));
    const credentials = new PostgresCredentialRecords(database, batchesInFlight);
    const customers = new PostgresCustomerRecords(database, batchesInFlight);
    super({
      tenants: new PostgresTenantRecords(database),
      credentials,
      customers,
      history: new PostgresHistoryRecords(database),
      idempotency: new PostgresIdempotencyRecords(database),
      events: new PostgresEventRecords(database),
      consoleSessions: new PostgresConsoleSessionRecords(database),
      partners: new PostgresPartnerRecords(database),
      webhooks: new PostgresWebhookRecords(database, listener),
    });
    this.database = database;
    this.batchers = { customer_insert: customers.inserts as Batcher<unknown, unknown>, key_lookup: credentials.keyLookups as Batcher<unknown, unknown> };
  }

  static async open(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString,
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      application_name: 'clientele',
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    });
    // An idle connection the server drops (restart, failover) must not crash the process.
    pool.on('error', (err) => options.onPoolError?.(err));
    // Nor one dropped at any other moment: between being handed out and its first query, the
    // socket can deliver a FATAL (pg_terminate_backend, shutdown) in the same read as the
    // connection's readiness, before anyone could listen. The failure still reaches the query
    // that uses the connection next, and the connection is then discarded.
    pool.on('connect', (connection) => connection.on('error', () => {}));
    const store = new PostgresStore(pool, options.poolMax ?? 10, new DeliveryListener(connectionString));
    if (options.migrate ?? true) {
      try {
        await store.migrate();
      } catch (err) {
        await pool.end();
        throw err;
      }
    }
    return store;
  }

  async migrate(): Promise<void> {
    await migrate(this.database);
  }

  async ping(): Promise<void> {
    await this.database.query('SELECT 1');
  }

  async pendingMigrations(): Promise<string[]> {
    return pendingVersions(this.database);
  }

  connectionLoad(): ConnectionLoad {
    return { size: this.pool.totalCount, inUse: this.pool.totalCount - this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  observeBatches(listener: ((kind: BatchKind, size: number) => void) | null): void {
    for (const [kind, batcher] of Object.entries(this.batchers)) batcher.onBatch = listener && ((size) => listener(kind as BatchKind, size));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listener.close();
    await this.pool.end();
  }
}
