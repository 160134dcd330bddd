/**
 * Optimistic concurrency on every surface: each single-customer response carries the customer's
 * ETag; an update or delete with an If-Match that no longer matches → 412 in the surface's format
 * with the current ETag, and nothing is written; without If-Match writes behave as before.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SYSTEM_WRITE } from '../../src/domain/customers/write-context.ts';
import { customerIdToCount } from '../../src/surfaces/count/wire.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { customersPath, tokenFor } from '../surfaces/asset/helpers.ts';
import { CountClient } from '../surfaces/count/count-client.ts';
import { fromPrefixed, toPrefixed } from '../../src/formats/ids.ts';

type Res = { status: number; headers: Headers; text: string; body: any };

async function send(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<Res> {
  const init: RequestInit = { method, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
}

/** One surface's single-customer routes for one customer (its canonical id). */
interface Surface {
  name: string;
  retrieve(id: string): Promise<Res>;
  update(id: string, name: string, headers?: Record<string, string>): Promise<Res>;
  delete?(id: string, headers?: Record<string, string>): Promise<Res>;
  /** Asserts a 412 in the surface's own format. */
  preconditionFailed(res: Res): void;
}

describe('ETag and If-Match on every surface', () => {
  let server: TestServer;
  const surfaces: Surface[] = [];
  const scope = () => ({ tenantId: server.tenant.id, mode: 'test' as const });
  const newCustomer = async () => (await server.app.customers.create(scope(), { name: 'Original', email: `etag.${Math.random()}@example.com` }, SYSTEM_WRITE)).id;
  const version = async (id: string) => (await server.store.getCustomer(scope(), id))!.version;

  before(async () => {
    server = await startServer();
    const key = server.tenant.keys.test;
    const bearer = (h: Record<string, string> = {}, token = key) => ({ authorization: `Bearer ${token}`, ...h });
    const token = await tokenFor(server, server.tenant);
    const creds = server.tenant.clients.test;
    const count = (h: Record<string, string> = {}) =>
      new CountClient({ baseUrl: `${server.url}/count/partners`, clientId: creds.client_id, clientSecret: creds.client_secret, headers: { authorization: `Bearer ${key}`, ...h } });
    const stripeLike = (res: Res) => {
      assert.equal(res.status, 412, res.text);
      assert.equal(res.body.error.type, 'invalid_request_error');
      assert.equal(res.body.error.code, 'precondition_failed');
    };
    surfaces.push(
      {
        name: 'native',
        retrieve: (id) => send(`${server.url}/v1/customers/${toPrefixed('cus', id)}`, 'GET', bearer()),
        update: (id, name, h) => send(`${server.url}/v1/customers/${toPrefixed('cus', id)}`, 'POST', bearer(h), { name }),
        delete: (id, h) => send(`${server.url}/v1/customers/${toPrefixed('cus', id)}`, 'DELETE', bearer(h)),
        preconditionFailed: stripeLike,
      },
      {
        name: 'Asset',
        retrieve: (id) => send(`${server.url}${customersPath(server.tenant)}/${toPrefixed('cus', id)}`, 'GET', bearer({}, token)),
        update: (id, name, h) => send(`${server.url}${customersPath(server.tenant)}/${toPrefixed('cus', id)}`, 'PATCH', bearer(h, token), { name }),
        preconditionFailed: (res) => {
          assert.equal(res.status, 412, res.text);
          assert.match(res.body.detail, /If-Match/);
        },
      },
      {
        name: 'CheckoutPage',
        retrieve: (id) => send(`${server.url}/checkoutpage/v1/customers/${id}`, 'GET', bearer()),
        update: (id, name, h) => send(`${server.url}/checkoutpage/v1/customers/${id}`, 'PATCH', bearer(h), { name }),
        preconditionFailed: (res) => {
          assert.equal(res.status, 412, res.text);
          assert.equal(res.body.message, 'Precondition Failed');
          assert.equal(res.body.errors[0].param, 'If-Match');
        },
      },
      {
        name: 'Atlas',
        retrieve: (id) => send(`${server.url}/atlas/functions/v1/customers/${toPrefixed('cus', id)}`, 'GET', bearer()),
        update: (id, name, h) => send(`${server.url}/atlas/functions/v1/customers/${toPrefixed('cus', id)}`, 'PATCH', bearer(h), { name }),
        delete: (id, h) => send(`${server.url}/atlas/functions/v1/customers/${toPrefixed('cus', id)}`, 'DELETE', bearer(h)),
        // Atlas's errors page has no code for it: the type, and If-Match as the parameter at fault.
        preconditionFailed: (res) => {
          assert.equal(res.status, 412, res.text);
          assert.equal(res.body.error.type, 'invalid_request_error');
          assert.equal(res.body.error.code, null);
          assert.equal(res.body.error.param, 'If-Match');
        },
      },
      {
        name: 'Count',
        retrieve: (id) => count().getCustomer(customerIdToCount(id)),
        update: (id, name, h) => count(h).updateCustomer(customerIdToCount(id), { customer: name }),
        delete: (id, h) => count(h).deleteCustomer(customerIdToCount(id)),
        preconditionFailed: (res) => {
          assert.equal(res.status, 412, res.text);
          assert.equal(res.body.code, 'PRECONDITION_FAILED');
          assert.equal(res.body.details.etag, res.headers.get('etag'));
        },
      },
    );
  });
  after(async () => server?.close());

  it('every single-customer response carries the ETag of the version it shows', async () => {
    for (const s of surfaces) {
      const id = await newCustomer();
      const got = await s.retrieve(id);
      assert.equal(got.status, 200, `${s.name}: ${got.text}`);
      assert.equal(got.headers.get('etag'), `"v${await version(id)}"`, s.name);
      const updated = await s.update(id, 'Renamed');
      assert.equal(updated.status, 200, `${s.name}: ${updated.text}`);
      assert.equal(updated.headers.get('etag'), `"v${await version(id)}"`, s.name);
      assert.notEqual(updated.headers.get('etag'), got.headers.get('etag'), `${s.name}: a write changes the ETag`);
    }
    const created = await server.request('POST', '/v1/customers', { form: 'name=fresh' });
    assert.equal(created.status, 200);
    assert.equal(created.headers.get('etag'), `"v${await version(fromPrefixed('cus', created.body.id)!)}"`);
  });

  it('If-Match with the current ETag (or *) writes; a stale or weak one → 412 with the current ETag, nothing written', async () => {
    for (const s of surfaces) {
      const id = await newCustomer();
      const etag = (await s.retrieve(id)).headers.get('etag')!;
      const ok = await s.update(id, 'First', { 'if-match': etag });
      assert.equal(ok.status, 200, `${s.name}: ${ok.text}`);
      const current = ok.headers.get('etag')!;
      for (const stale of [etag, `W/${current}`, 'garbage', `"v999", ${etag}`]) {
        const refused = await s.update(id, 'Second', { 'if-match': stale });
        s.preconditionFailed(refused);
        assert.equal(refused.headers.get('etag'), current, `${s.name}: 412 names the current ETag`);
      }
      const after = await s.retrieve(id);
      assert.equal(after.headers.get('etag'), current, `${s.name}: nothing written`);
      assert.equal((await server.store.getCustomer(scope(), id))!.name, 'First', s.name);
      assert.equal((await s.update(id, 'Third', { 'if-match': `"v0", ${current}` })).status, 200, `${s.name}: a list with the current tag matches`);
      assert.equal((await s.update(id, 'Fourth', { 'if-match': '*' })).status, 200, `${s.name}: * matches any version`);
      assert.equal((await s.update(id, 'Fifth')).status, 200, `${s.name}: without If-Match, as before`);
    }
  });

  it('delete honours If-Match too', async () => {
    for (const s of surfaces.filter((x) => x.delete)) {
      const id = await newCustomer();
      const etag = (await s.retrieve(id)).headers.get('etag')!;
      await s.update(id, 'Moved on');
      s.preconditionFailed(await s.delete!(id, { 'if-match': etag }));
      assert.equal((await server.store.getCustomer(scope(), id))!.deleted, false, s.name);
      const current = (await s.retrieve(id)).headers.get('etag')!;
      assert.equal((await s.delete!(id, { 'if-match': current })).status, 200, s.name);
      assert.equal((await server.store.getCustomer(scope(), id))!.deleted, true, s.name);
    }
  });

  it('two editors of one version: exactly one wins, the other gets 412 and loses nothing silently', async () => {
    for (const s of surfaces) {
      const id = await newCustomer();
      const initial = await version(id);
      const etag = (await s.retrieve(id)).headers.get('etag')!;
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => s.update(id, `Editor ${i}`, { 'if-match': etag })));
      const winners = results.filter((r) => r.status === 200);
      assert.equal(winners.length, 1, `${s.name}: ${results.map((r) => r.status).join(',')}`);
      for (const r of results.filter((x) => x.status !== 200)) s.preconditionFailed(r);
      assert.equal(await version(id), initial + 1, `${s.name}: one write`);
    }
  });
});
