import { sqlitePath, type Config } from '../config.ts';
import { PostgresStore } from './postgres/postgres-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from '../domain/store-port.ts';

export interface OpenOptions {
  /** Errors the PostgreSQL pool reports on idle connections; they are not fatal. */
  onPoolError?: (err: Error) => void;
  /** SQLite: the connection's page cache, for bulk work (see SqliteStore.open). */
  sqliteCacheMiB?: number;
  /** The server's: statements past the read budget are stopped (PostgreSQL's statement_timeout; SQLite's reader threads have their own). */
  statementBudget?: boolean;
}

/**
 * The store the configuration names: PostgreSQL when DATABASE_URL is set, else SQLite in the
 * data dir. Either way pending migrations are applied before it is returned.
 */
export async function openStore(config: Config, options: OpenOptions = {}): Promise<Store> {
  if (config.databaseUrl) {
    return PostgresStore.open(config.databaseUrl, {
      poolMax: config.pgPoolMax,
      ...(options.statementBudget ? { statementTimeoutMs: config.readBudgetMs } : {}),
      ...(options.onPoolError ? { onPoolError: options.onPoolError } : {}),
    });
  }
  return SqliteStore.open(sqlitePath(config), {
    readerThreads: config.sqliteReaders,
    readBudgetMs: config.readBudgetMs,
    ...(options.sqliteCacheMiB === undefined ? {} : { cacheMiB: options.sqliteCacheMiB }),
  });
}
