import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ComposedStore } from '../composed-store.ts';
import { SqliteConnection } from './connection.ts';
import { SqliteCredentialRecords } from './credential-records.ts';
import { SqliteCustomerRecords } from './customer-records.ts';
import type { GroupCommit } from './group-commit.ts';
import { SqliteHistoryRecords } from './history-records.ts';
import { SqliteIdempotencyRecords } from './idempotency-records.ts';
import { SqliteEventRecords } from './event-records.ts';
import { SqliteWebhookRecords } from './webhook-records.ts';
import { migrate } from './migrate.ts';
import { SqliteTenantRecords } from './tenant-records.ts';

const BUSY_TIMEOUT_MS = 5000;

/**
 * The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a write is
 * acknowledged only once its commit is durable. Several processes may share the file.
 */
export class SqliteStore extends ComposedStore {
  readonly kind = 'sqlite';
  /** Exposed for tests and benchmarks: how many writes shared how many commits. */
  readonly group: GroupCommit;
  private readonly connection: SqliteConnection;

  private constructor(db: Database.Database) {
    const connection = new SqliteConnection(db);
    super({
      tenants: new SqliteTenantRecords(connection),
      credentials: new SqliteCredentialRecords(connection),
      customers: new SqliteCustomerRecords(connection),
      history: new SqliteHistoryRecords(connection),
      idempotency: new SqliteIdempotencyRecords(connection),
      events: new SqliteEventRecords(connection),
      webhooks: new SqliteWebhookRecords(connection),
    });
    this.connection = connection;
    this.group = connection.group;
  }

  /**
   * Opens (creating if needed) the database file and applies migrations. `cacheMiB`: this
   * connection's page cache (SQLite's default is 2 MiB); a bulk import into a large table
   * rewrites far fewer index pages with a cache that holds them.
   */
  static async open(file: string, options: { cacheMiB?: number } = {}): Promise<SqliteStore> {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    if (options.cacheMiB !== undefined) db.pragma(`cache_size = ${-Math.round(options.cacheMiB * 1024)}`);
    db.pragma('foreign_keys = ON');
    db.function('unicode_lower', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : text));
    // PostgreSQL's md5 in delivery ids (sql/dialect.ts): 12 hex digits of a hash of the text.
    db.function('hash12', { deterministic: true }, (text: unknown) => createHash('md5').update(String(text)).digest('hex').slice(0, 12));
    migrate(db);
    // SQLite's advice for long-lived connections: gather what statistics the planner lacks at open
    // (and after bulk writes: analyze()); cheap when they are current.
    // analysis_limit bounds the work on a large table that has no statistics yet (SQLite's advice).
    db.pragma('analysis_limit = 1000');
    db.pragma('optimize=0x10002');
    return new SqliteStore(db);
  }

  async migrate(): Promise<void> {
    migrate(this.connection.db);
  }

  async ping(): Promise<void> {
    this.connection.autocommit(() => this.connection.prepared('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.connection.db.open) this.connection.db.close();
  }
}
