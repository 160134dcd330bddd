import { sqlitePath, type Config } from '../config.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

/** The store the configuration names: SQLite in the data dir unless DATABASE_URL is set. */
export async function openStore(config: Config): Promise<Store> {
  if (config.databaseUrl) {
    throw new Error('DATABASE_URL is set, but the PostgreSQL store is not available in this version. Unset it to use the embedded SQLite store.');
  }
  return SqliteStore.open(sqlitePath(config));
}
