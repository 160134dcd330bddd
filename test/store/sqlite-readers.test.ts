/**
 * SQLite lists and searches run on reader threads: a search running in a reader does not stop the
 * HTTP thread from answering other requests, and a search past its budget is stopped with a 503
 * in the surface's format while the pool replaces its thread.
 *
 * The costly search is real: ten `description~` clauses over 20,000 customers with 1 KB
 * descriptions (no index serves them; each row's text is folded in JavaScript) take hundreds of
 * milliseconds, where a retrieve takes about one. The first test asserts an order, not a time:
 * five retrieves sent after the search are all answered before it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newCustomer } from '../../src/domain/customers/factory.ts';
import { SYSTEM_WRITE } from '../../src/domain/customers/write-context.ts';
import { toPrefixed } from '../../src/formats/ids.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { ReaderPool } from '../../src/store/sqlite/readers/reader-pool.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const CUSTOMERS = 20_000;
const COSTLY = Array.from({ length: 10 }, (_, i) => `description~"zq${i}x"`).join(' OR ');

async function withServer(budgetMs: number, fn: (server: TestServer, probeId: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-readers-'));
  const store = await SqliteStore.open(join(dir, 'clientele.sqlite'), { readerThreads: 2, readBudgetMs: budgetMs });
  const server = await startServer('sqlite', { store: { store, kind: 'sqlite' } });
  try {
    const scope = { tenantId: server.tenant.id, mode: 'test' as const };
    const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(18);
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => newCustomer(scope, { name: `Filler ${i}`, description: filler }));
    await store.insertCustomers(customers, customers.map(() => SYSTEM_WRITE));
    await fn(server, customers[0]!.id);
  } finally {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const costlySearch = (server: TestServer) => server.request('GET', `/v1/customers/search?query=${encodeURIComponent(COSTLY)}`);

describe('SQLite reader threads', () => {
  it('a search running in a reader does not stop the HTTP thread from answering another request', async () => {
    await withServer(60_000, async (server, probeId) => {
      let searched = false;
      const search = costlySearch(server).then((res) => {
        searched = true;
        return res;
      });
      for (let i = 0; i < 5; i++) {
        const probe = await server.request('GET', `/v1/customers/${toPrefixed('cus', probeId)}`);
        assert.equal(probe.status, 200, probe.text);
      }
      assert.equal(searched, false, 'five retrieves answered while the search still ran');
      const res = await search;
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.data.length, 0);
    });
  });

  it('a search past its budget → 503 in the surface\'s format; the pool replaces its reader and answers the next', async () => {
    await withServer(40, async (server) => {
      const res = await costlySearch(server);
      assert.equal(res.status, 503, res.text);
      assert.equal(res.body.error.type, 'api_error');
      assert.match(res.body.error.message, /budget of 40 ms/);
      // The budget counts the wait for a reader too: the replacement answers once it has started.
      let next;
      for (let i = 0; i < 100; i++) {
        next = await server.request('GET', `/v1/customers/search?query=${encodeURIComponent('name:"Filler 7"')}`);
        if (next.status !== 503) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(next!.status, 200, next!.text);
      assert.equal(next!.body.data.length, 1);
    });
  });
});

describe('ReaderPool fairness', () => {
  it('one lane never holds every reader: another lane\'s read runs while the first lane\'s queue waits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clientele-readers-'));
    const file = join(dir, 'clientele.sqlite');
    const store = await SqliteStore.open(file);
    const pool = new ReaderPool(file, { threads: 2, budgetMs: 60_000, cacheMiB: 2, busyTimeoutMs: 1000 });
    try {
      const slow = { queries: [{ text: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) SELECT count(*) AS n FROM c', values: [], raw: false }] };
      const fast = { queries: [{ text: 'SELECT 42 AS n', values: [], raw: false }] };
      const order: string[] = [];
      const a = [1, 2, 3].map((i) => pool.read('tenant-a', slow).then(() => order.push(`a${i}`)));
      const b = pool.read('tenant-b', fast).then((rows) => {
        order.push('b');
        assert.deepEqual(rows, [[{ n: 42 }]]);
      });
      await Promise.all([...a, b]);
      assert.equal(order[0], 'b', `order: ${order.join(', ')}`);
      assert.deepEqual(order.slice(1), ['a1', 'a2', 'a3'], 'tenant a ran one read at a time, in order');
    } finally {
      await pool.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
