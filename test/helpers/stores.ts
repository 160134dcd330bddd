import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/domain/store-port.ts';
import { createTestDatabase } from './postgres.ts';

export type StoreKind = Store['kind'];
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

/** The store the HTTP suites run on: CLIENTELE_TEST_STORE (test/run.ts runs them once per kind). */
export const TEST_STORE_KIND: StoreKind = process.env.CLIENTELE_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export interface TestStore {
  kind: StoreKind;
  store: Store;
  /** Where the data lives: the SQLite file, or the PostgreSQL database URL. */
  location: string;
  /** Closes the store and removes its data (the temp dir, or the database). */
  destroy(): Promise<void>;
}

/** A fresh, migrated, empty store of `kind`: a new SQLite file, or a new PostgreSQL database. */
export async function openTestStore(kind: StoreKind = TEST_STORE_KIND): Promise<TestStore> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'clientele-test-'));
    const file = join(dir, 'clientele.sqlite');
    const store = await SqliteStore.open(file);
    return {
      kind,
      store,
      location: file,
      async destroy() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const db = await createTestDatabase();
  const store = await PostgresStore.open(db.url, { poolMax: 10 });
  return {
    kind,
    store,
    location: db.url,
    async destroy() {
      await store.close();
      await db.drop();
    },
  };
}
