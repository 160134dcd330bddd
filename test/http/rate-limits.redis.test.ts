/**
 * Rate limits shared through Redis (REDIS_URL): two servers on one Redis share one budget. These
 * need a Redis server and are skipped, loudly, without REDIS_URL (.ci/run sets it when a local
 * Redis answers). A Redis that does not answer never takes the API down: that part always runs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { startServer, type TestServer } from '../helpers/server.ts';
import { openTestStore, type TestStore } from '../helpers/stores.ts';
import { connectRateLimitRedis } from '../../src/http/rate-limits/redis.ts';

const REDIS_URL = process.env.REDIS_URL;
const SKIP = 'REDIS_URL not set: Redis rate-limit tests SKIPPED';
if (!REDIS_URL) process.stderr.write(`\n!!! ${SKIP}\n\n`);

const ATLAS = '/atlas/functions/v1';
const CP = '/checkoutpage/v1';

/** Collects a client's errors instead of printing them. */
function quietClient(url: string): { redis: Redis; errors: Error[] } {
  const errors: Error[] = [];
  return { redis: connectRateLimitRedis(url, (err) => errors.push(err)), errors };
}

async function ready(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Redis did not become ready in 5 s')), 5000);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('rate limits shared through Redis', { skip: REDIS_URL ? false : SKIP }, () => {
  // A namespace of this run's own: parallel runs (and the other store's run) never share keys.
  const nameSpace = `clientele-test:${process.pid}:${randomBytes(6).toString('hex')}:`;
  let testStore: TestStore;
  let a: TestServer;
  let b: TestServer;
  const clients: Redis[] = [];

  before(async () => {
    testStore = await openTestStore();
    for (let i = 0; i < 2; i++) {
      const { redis } = quietClient(REDIS_URL!);
      await ready(redis);
      clients.push(redis);
    }
    const shared = { store: testStore.store, kind: testStore.kind };
    a = await startServer(testStore.kind, { store: shared, rateLimits: { enabled: true, redis: clients[0]!, nameSpace } });
    b = await startServer(testStore.kind, { store: shared, rateLimits: { enabled: true, redis: clients[1]!, nameSpace } });
  });

  after(async () => {
    await a?.close();
    await b?.close();
    const redis = clients[0];
    if (redis) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${nameSpace}*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
    for (const c of clients) await c.quit();
    await testStore?.destroy();
  });

  it('two servers on one Redis share one budget per key', async () => {
    const tenant = await a.newTenant('Shared budget');
    await a.store.updateTenantSettings(tenant.id, { rate_limits: { 'atlas.key': { max: 5, window_seconds: 60 } } });
    const via = (server: TestServer) => server.request('GET', `${ATLAS}/customers`, { key: tenant.keys.test });
    const seen: [string, number, string | null][] = [];
    for (const [name, server] of [['a', a], ['b', b], ['a', a], ['b', b], ['a', a], ['b', b], ['a', a]] as const) {
      const res = await via(server);
      seen.push([name, res.status, res.headers.get('x-ratelimit-remaining')]);
    }
    assert.deepEqual(seen, [
      ['a', 200, '4'],
      ['b', 200, '3'],
      ['a', 200, '2'],
      ['b', 200, '1'],
      ['a', 200, '0'],
      ['b', 429, '0'],
      ['a', 429, '0'],
    ]);
    // The key's live twin has its own budget, on either server.
    assert.equal((await b.request('GET', `${ATLAS}/customers`, { key: tenant.keys.live })).status, 200);
    const keys = await clients[0]!.keys(`${nameSpace}*`);
    assert.ok(keys.length >= 2, `windows are kept in Redis under the namespace: ${keys.join(', ')}`);
  });

  it('a per-store budget is shared too', async () => {
    const tenant = await a.newTenant('Shared store');
    await a.store.updateTenantSettings(tenant.id, { rate_limits: { 'checkoutpage.store': { max: 4, window_seconds: 60 } } });
    const other = (await a.tenants.rollKey(tenant.id, 'test', 3600)).secret;
    const results = [
      await a.request('GET', `${CP}/customers`, { key: tenant.keys.test }),
      await b.request('GET', `${CP}/customers`, { key: other }),
      await b.request('GET', `${CP}/customers`, { key: tenant.keys.test }),
      await a.request('GET', `${CP}/customers`, { key: other }),
      await b.request('GET', `${CP}/customers`, { key: other }),
    ];
    assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200, 429]);
    assert.match(results[4]!.body.errors[0].message, /4 requests per minute per store/);
  });
});

describe('Redis not answering', () => {
  let server: TestServer;
  let client: { redis: Redis; errors: Error[] };

  before(async () => {
    // Port 1 on loopback: nothing listens, every command fails at once.
    client = quietClient('redis://127.0.0.1:1');
    server = await startServer(undefined, { rateLimits: { enabled: true, redis: client.redis, nameSpace: 'clientele-test-down:' } });
  });
  after(async () => {
    await server?.close();
    client?.redis.disconnect();
  });

  it('requests go through (the limiter fails open) rather than failing', async () => {
    await server.store.updateTenantSettings(server.tenant.id, { rate_limits: { 'atlas.key': { max: 1, window_seconds: 60 }, 'native.read': { max: 1, window_seconds: 60 } } });
    const results = [];
    for (let i = 0; i < 5; i++) {
      results.push(await server.request('GET', `${ATLAS}/customers`));
      results.push(await server.request('GET', '/v1/customers'));
    }
    assert.deepEqual(
      results.map((r) => r.status),
      Array(10).fill(200),
      results.map((r) => r.text).join('\n'),
    );
    assert.notEqual(client.redis.status, 'ready');
  });
});
