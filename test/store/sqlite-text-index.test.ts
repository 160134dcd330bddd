/**
 * SQLite's substring index (customers_text, migration 0007): built for the customers a database
 * already holds when it migrates, kept in every write's transaction (insert, batch, update,
 * delete), and used only where it pays: a rare substring is looked up there, a common one tested
 * along the list order. Either way a search answers the same customers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { newCustomer } from '../../src/domain/customers/factory.ts';
import { applyPatch } from '../../src/domain/customers/patch.ts';
import { CUSTOMER_SEARCH_FIELDS } from '../../src/domain/customers/search-fields.ts';
import { parseSearchQuery } from '../../src/domain/customers/search-parser.ts';
import { SYSTEM_WRITE } from '../../src/domain/customers/write-context.ts';
import { CustomerWrites, FOLDED_COPIES } from '../../src/store/sql/customer-sql.ts';
import { SQLITE } from '../../src/store/sql/dialect.ts';
import { registerFunctions } from '../../src/store/sqlite/functions.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

const MIGRATIONS = new URL('../../src/store/sqlite/migrations/', import.meta.url);
const scope = { tenantId: 'tenant_text', mode: 'test' as const };
const search = (store: SqliteStore, query: string) => store.searchCustomers(scope, parseSearchQuery(query, CUSTOMER_SEARCH_FIELDS), { limit: 100 });
const names = async (store: SqliteStore, query: string) => (await search(store, query)).data.map((c) => c.name).sort();

async function withDir(fn: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-text-'));
  try {
    await fn(join(dir, 'clientele.sqlite'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A store on `file` (a fresh one unless given), closed after `fn`. */
async function withStore(fn: (store: SqliteStore, file: string) => Promise<void>, file?: string): Promise<void> {
  const run = async (path: string) => {
    const store = await SqliteStore.open(path);
    try {
      await fn(store, path);
    } finally {
      await store.close();
    }
  };
  return file ? run(file) : withDir(run);
}

describe('SQLite substring index', () => {
  it('a database from before the index migrates: its customers keep their ids and order, and are found by substring', async () => {
    await withDir(async (file) => {
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      registerFunctions(db);
      db.exec('CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
      for (const name of readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql') && f < '0007').sort()) {
        db.exec(readFileSync(new URL(name, MIGRATIONS), 'utf8'));
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(name.replace(/\.sql$/, ''), Date.now());
      }
      const writes = new CustomerWrites(SQLITE, { derived: FOLDED_COPIES, value: () => '?' });
      const old = ['Zelda Quarrington', 'Quentin Blake', 'Ada Lovelace'].map((name, i) => newCustomer(scope, { name, email: `old${i}@example.com` }, 1_700_000_000_000 + i * 1000));
      for (const c of old) db.prepare(writes.insert).run(writes.values(c, true));
      db.close();

      await withStore(async (store) => {
        assert.deepEqual(await names(store, 'name~"quarr"'), ['Zelda Quarrington']);
        assert.deepEqual(await names(store, 'email~"old1@"'), ['Quentin Blake']);
        assert.deepEqual((await store.listCustomers(scope, { limit: 10 })).data.map((c) => c.id), old.map((c) => c.id).reverse());
        const added = newCustomer(scope, { name: 'Quarrington Junior' });
        await store.insertCustomer(added, SYSTEM_WRITE);
        assert.deepEqual(await names(store, 'name~"quarr"'), ['Quarrington Junior', 'Zelda Quarrington']);
      }, file);
    });
  });

  it('kept in every write: single and batch inserts, renames, deletes', async () => {
    await withStore(async (store, file) => {
      const single = newCustomer(scope, { name: 'Gwendolyn Fairweather', phone: '+1 555 0100' });
      await store.insertCustomer(single, SYSTEM_WRITE);
      const batch = ['Bartholomew Fairweather', 'Cressida Fairweather'].map((name) => newCustomer(scope, { name }));
      await store.insertCustomers(batch, batch.map(() => SYSTEM_WRITE));
      assert.deepEqual(await names(store, 'name~"fairweather"'), ['Bartholomew Fairweather', 'Cressida Fairweather', 'Gwendolyn Fairweather']);
      assert.deepEqual(await names(store, 'phone~"555 01"'), ['Gwendolyn Fairweather']);

      await store.updateCustomer(scope, single.id, (c) => applyPatch(c, { name: 'Gwendolyn Stormcloud' }), SYSTEM_WRITE);
      assert.deepEqual(await names(store, 'name~"stormcloud"'), ['Gwendolyn Stormcloud']);
      assert.deepEqual(await names(store, 'name~"fairweather"'), ['Bartholomew Fairweather', 'Cressida Fairweather']);
      // An update that leaves the text alone leaves the index alone.
      await store.updateCustomer(scope, single.id, (c) => applyPatch(c, { description: 'unrelated' }), SYSTEM_WRITE);
      assert.deepEqual(await names(store, 'name~"stormcloud"'), ['Gwendolyn Stormcloud']);

      await store.deleteCustomer(scope, batch[0]!.id, Date.now(), SYSTEM_WRITE);
      assert.deepEqual(await names(store, 'name~"fairweather"'), ['Cressida Fairweather']);
      // What the index holds is what the table holds (FTS5's own consistency check).
      const db = new Database(file);
      try {
        db.exec("INSERT INTO customers_text (customers_text, rank) VALUES ('integrity-check', 1)");
      } finally {
        db.close();
      }
    });
  });

  it('a common substring (tested along the list order) and a rare one (looked up in the index) answer alike', async () => {
    await withStore(async (store) => {
      // 1,200 customers share "common"; only 3 have "rarity": the first is past the lookup's limit.
      const customers = Array.from({ length: 1200 }, (_, i) => newCustomer(scope, { name: `Common ${i}${i % 400 === 0 ? ' Rarity' : ''}` }));
      await store.insertCustomers(customers, customers.map(() => SYSTEM_WRITE));
      const common = await search(store, 'name~"common"');
      assert.equal(common.data.length, 100);
      assert.equal(common.hasMore, true);
      assert.deepEqual(await names(store, 'name~"rarity"'), ['Common 0 Rarity', 'Common 400 Rarity', 'Common 800 Rarity']);
      assert.deepEqual(await names(store, 'name~"rarity" AND name~"common"'), ['Common 0 Rarity', 'Common 400 Rarity', 'Common 800 Rarity']);
      assert.deepEqual(await names(store, 'name~"xqzw" OR name~"800 rar"'), ['Common 800 Rarity']);
      assert.deepEqual(await names(store, '-name~"common"'), []);
    });
  });
});
