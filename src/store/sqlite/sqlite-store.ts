import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { BatchKind, ConnectionLoad } from '../../domain/store-port.ts';
import { ComposedStore } from '../composed-store.ts';
import { SqliteConsoleSessionRecords, SqlitePartnerRecords } from './console-partner-records.ts';
import { SqliteConnection } from './connection.ts';
import { SqliteCredentialRecords } from './credential-records.ts';
import { SqliteCustomerRecords } from './customer-records.ts';
import type { GroupCommit } from './group-commit.ts';
import { SqliteHistoryRecords } from './history-records.ts';
import { SqliteIdempotencyRecords } from './idempotency-records.ts';
import { SqliteEventRecords } from './event-records.ts';
import { SqliteWebhookRecords } from './webhook-records.ts';
import { migrate, pendingVersions } from './migrate.ts';
import { SqliteTenantRecords } from './tenant-records.ts';
import { registerFunctions } from './functions.ts';
import { InlineReader } from './readers/inline-reader.ts';
import type { Reader } from './readers/read-job.ts';
import { ReaderPool } from './readers/reader-pool.ts';

const BUSY_TIMEOUT_MS = 5000;

export interface SqliteOpenOptions {
  /** This connection's page cache (SQLite's default is 2 MiB); a bulk import into a large table rewrites far fewer index pages with a cache that holds them. */
  cacheMiB?: number;
  /**
   * Lists and searches run on this many reader threads (0: on the calling thread). Default 2;
   * a `:memory:` database, which no other connection can open, always reads on the calling thread.
   */
  readerThreads?: number;
  /** How long a read may wait and run on a reader before it is stopped (QueryBudgetError). */
  readBudgetMs?: number;
}

export const DEFAULT_READER_THREADS = 2;
export const DEFAULT_READ_BUDGET_MS = 5000;
/** Each reader connection's page cache: the hot pages of the indexes a search walks. */
const READER_CACHE_MIB = 4;

/**
 * The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a write is
 * acknowledged only once its commit is durable. Several processes may share the file.
 */
export class SqliteStore extends ComposedStore {
  readonly kind = 'sqlite';
  /** Exposed for tests and benchmarks: how many writes shared how many commits. */
  readonly group: GroupCommit;
  private readonly connection: SqliteConnection;

  private readonly reader: Reader;

  private constructor(db: Database.Database, reader: Reader, inline: Reader) {
    const connection = new SqliteConnection(db);
    super({
      tenants: new SqliteTenantRecords(connection),
      credentials: new SqliteCredentialRecords(connection),
      customers: new SqliteCustomerRecords(connection, reader, inline),
      history: new SqliteHistoryRecords(connection),
      idempotency: new SqliteIdempotencyRecords(connection),
      events: new SqliteEventRecords(connection),
      consoleSessions: new SqliteConsoleSessionRecords(connection),
      partners: new SqlitePartnerRecords(connection),
      webhooks: new SqliteWebhookRecords(connection),
    });
    this.connection = connection;
    this.group = connection.group;
    this.reader = reader;
  }

  /** Opens (creating if needed) the database file and applies migrations. */
  static async open(file: string, options: SqliteOpenOptions = {}): Promise<SqliteStore> {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    // Customer data: readable by this user only. SQLite gives the WAL and shared-memory files the
    // database file's mode, so it is set before WAL mode creates them (and again for older files).
    if (file !== ':memory:') keepPrivate(file);
    db.pragma('journal_mode = WAL');
    if (file !== ':memory:') keepPrivate(file);
    db.pragma('synchronous = FULL');
    // Deleted and overwritten content is zeroed in its page: an erased (or merely updated) value
    // leaves no copy in free space. Erasure then truncates the WAL (sqlite/customer-erasure.ts).
    db.pragma('secure_delete = ON');
    if (options.cacheMiB !== undefined) db.pragma(`cache_size = ${-Math.round(options.cacheMiB * 1024)}`);
    db.pragma('foreign_keys = ON');
    registerFunctions(db);
    migrate(db);
    // SQLite's advice for long-lived connections: gather what statistics the planner lacks at open
    // (and after bulk writes: analyze()); cheap when they are current.
    // analysis_limit bounds the work on a large table that has no statistics yet (SQLite's advice).
    db.pragma('analysis_limit = 1000');
    db.pragma('optimize=0x10002');
    const threads = options.readerThreads ?? DEFAULT_READER_THREADS;
    const inline = new InlineReader(db);
    const reader =
      file === ':memory:' || threads === 0
        ? inline
        : new ReaderPool(file, { threads, budgetMs: options.readBudgetMs ?? DEFAULT_READ_BUDGET_MS, cacheMiB: READER_CACHE_MIB, busyTimeoutMs: BUSY_TIMEOUT_MS });
    return new SqliteStore(db, reader, inline);
  }

  async migrate(): Promise<void> {
    migrate(this.connection.db);
  }

  async ping(): Promise<void> {
    this.connection.autocommit(() => this.connection.prepared('SELECT 1').get());
  }

  async pendingMigrations(): Promise<string[]> {
    return pendingVersions(this.connection.db);
  }

  connectionLoad(): ConnectionLoad {
    return this.reader.load();
  }

  observeBatches(listener: ((kind: BatchKind, size: number) => void) | null): void {
    this.group.onBatch = listener && ((size) => listener('group_commit', size));
  }

  async close(): Promise<void> {
    await this.reader.close();
    if (this.connection.db.open) this.connection.db.close();
  }
}

/** The database file, its WAL and shared memory: mode 0600. */
function keepPrivate(file: string): void {
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600);
}
