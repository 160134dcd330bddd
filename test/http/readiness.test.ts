import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { startServer, type TestServer } from '../helpers/server.ts';
import { openTestStore, type TestStore } from '../helpers/stores.ts';

/** Runs one statement on the store's database behind its back, as another process (or an older build) would. */
async function raw(testStore: TestStore, sql: string, values: unknown[] = []): Promise<void> {
  if (testStore.kind === 'sqlite') {
    const db = new Database(testStore.location);
    try {
      db.prepare(sql.replace(/\$\d/g, '?')).run(...values);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: testStore.location });
  await client.connect();
  try {
    await client.query(sql, values);
  } finally {
    await client.end();
  }
}

describe('/healthz is liveness, /readyz readiness', () => {
  let testStore: TestStore;
  let server: TestServer;

  before(async () => {
    testStore = await openTestStore();
    server = await startServer(testStore.kind, { store: { store: testStore.store, kind: testStore.kind, location: testStore.location } });
  });
  after(async () => {
    await server?.close();
    await testStore?.destroy();
  });

  it('a migrated store that answers is ready', async () => {
    assert.deepEqual(await testStore.store.pendingMigrations(), []);
    const res = await server.request('GET', '/readyz', { key: null });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { status: 'ready' });
  });

  it('a database missing one of this build\'s migrations is not ready, and says which; liveness stays 200', async () => {
    const versions = await testStore.store.pendingMigrations();
    assert.deepEqual(versions, []);
    // Forget the newest migration, as a database last migrated by an older build would have.
    const dir = new URL(`../../src/store/${testStore.kind}/migrations/`, import.meta.url);
    const last = readdirSync(dir).filter((file) => file.endsWith('.sql')).sort().at(-1)!.replace(/\.sql$/, '');
    await raw(testStore, 'DELETE FROM schema_migrations WHERE version = $1', [last]);
    try {
      assert.deepEqual(await testStore.store.pendingMigrations(), [last]);
      const res = await server.request('GET', '/readyz', { key: null });
      assert.equal(res.status, 503, res.text);
      assert.deepEqual(res.body, { status: 'unavailable', reason: 'migrations pending', pending: [last] });
      assert.equal((await server.request('GET', '/healthz', { key: null })).status, 200);
    } finally {
      await raw(testStore, 'INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [last, Date.now()]);
    }
    assert.equal((await server.request('GET', '/readyz', { key: null })).status, 200);
  });

  it('a store that does not answer is neither live nor ready', async () => {
    const own = await openTestStore(testStore.kind);
    const down = await startServer(own.kind, { store: { store: own.store, kind: own.kind } });
    try {
      await own.store.close();
      const ready = await down.request('GET', '/readyz', { key: null });
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.body, { status: 'unavailable', reason: 'the store does not answer' });
      assert.equal((await down.request('GET', '/healthz', { key: null })).status, 503);
    } finally {
      await down.close().catch(() => {});
      await own.destroy().catch(() => {});
    }
  });
});
