/**
 * GET /v1/customers/:id/history: every write, through any surface, recorded in the write's own
 * transaction — who (key or client id, never a secret), which surface, which request, when, and a
 * field-level before/after diff — newest first, with cursor pagination, outliving deletion.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hashSecret } from '../../../src/domain/tenants/secret-keys.ts';
import { customerIdToCount } from '../../../src/surfaces/count/wire.ts';
import { startServer, type TestServer } from '../../helpers/server.ts';
import { customersPath, tokenFor } from '../asset/helpers.ts';
import { CountClient } from '../count/count-client.ts';
import { fromPrefixed, keyIdToWire, toPrefixed } from '../../../src/formats/ids.ts';

describe('GET /v1/customers/:id/history', () => {
  let server: TestServer;
  let keyId: string;
  before(async () => {
    server = await startServer();
    keyId = keyIdToWire((await server.store.findApiKey(hashSecret(server.tenant.keys.test)))!.key.id);
  });
  after(async () => server?.close());

  const history = (id: string, query = '', key?: string) => server.request('GET', `/v1/customers/${id}/history${query}`, key === undefined ? {} : { key });

  it('records each write through every surface: action, actor, surface, request, and what changed', async () => {
    const created = await server.request('POST', '/v1/customers', {
      form: 'email=hist@example.com&name=Ada&metadata[plan]=basic&metadata[seats]=3&address[city]=Paris&address[country]=FR',
    });
    assert.equal(created.status, 200);
    const id = created.body.id as string;
    const canonical = fromPrefixed('cus', id)!;

    const creds = server.tenant.clients.test;
    const count = new CountClient({ baseUrl: `${server.url}/count/partners`, clientId: creds.client_id, clientSecret: creds.client_secret, headers: { authorization: `Bearer ${server.tenant.keys.test}` } });
    const viaCount = await count.updateCustomer(customerIdToCount(canonical), { customer: 'Ada Lovelace' });
    assert.equal(viaCount.status, 200, viaCount.text);

    const token = await tokenFor(server, server.tenant);
    const viaAsset = await fetch(`${server.url}${customersPath(server.tenant)}/${id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phone_number: '+33 1 23 45 67 89' }),
    });
    assert.equal(viaAsset.status, 200);

    const viaNative = await server.request('POST', `/v1/customers/${id}`, { form: 'metadata[plan]=pro&metadata[seats]=&address[city]=Lyon&address[country]=FR' });
    assert.equal(viaNative.status, 200);
    const viaAtlas = await server.request('DELETE', `/atlas/functions/v1/customers/${id}`);
    assert.equal(viaAtlas.status, 200, viaAtlas.text);

    const res = await history(id);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.object, 'list');
    assert.equal(res.body.url, `/v1/customers/${id}/history`);
    assert.equal(res.body.has_more, false);
    const entries = res.body.data as any[];
    assert.deepEqual(entries.map((e) => e.action), ['deleted', 'updated', 'updated', 'updated', 'created']);
    assert.deepEqual(entries.map((e) => e.surface), ['atlas', 'native', 'asset', 'count', 'native']);
    assert.deepEqual(
      entries.map((e) => e.request_id),
      [viaAtlas.headers.get('request-id'), viaNative.headers.get('request-id'), viaAsset.headers.get('request-id'), viaCount.headers.get('request-id'), created.headers.get('request-id')],
    );
    assert.deepEqual(entries.map((e) => e.actor), [
      { type: 'api_key', id: keyId },
      { type: 'api_key', id: keyId },
      { type: 'client', id: creds.client_id },
      { type: 'client', id: creds.client_id },
      { type: 'api_key', id: keyId },
    ]);
    // Versions number the writes: newest first, contiguous, ending at the customer's own.
    const version = (await server.store.getCustomer({ tenantId: server.tenant.id, mode: 'test' }, canonical))!.version;
    assert.deepEqual(entries.map((e) => e.version), [version, version - 1, version - 2, version - 3, version - 4]);
    for (const e of entries) {
      assert.equal(e.object, 'customer_history_entry');
      assert.equal(e.customer, id);
      assert.equal(e.livemode, false);
      assert.equal(e.id, `hist_${id.slice(4)}_${e.version}`);
      assert.ok(Math.abs(e.created * 1000 - Date.now()) < 60_000);
      assert.equal(e.created, Math.floor(e.created_ms / 1000));
    }
    const changes = (i: number) => Object.fromEntries((entries[i].changes as any[]).map((c) => [c.field, [c.before, c.after]]));
    assert.deepEqual(changes(0), { deleted: [false, true] });
    assert.deepEqual(changes(1), {
      address: [
        { city: 'Paris', country: 'FR', line1: null, line2: null, postal_code: null, state: null },
        { city: 'Lyon', country: 'FR', line1: null, line2: null, postal_code: null, state: null },
      ],
      'metadata[plan]': ['basic', 'pro'],
      'metadata[seats]': ['3', null],
    });
    assert.deepEqual(changes(2), { phone: [null, '+33 1 23 45 67 89'] });
    assert.deepEqual(changes(3), { name: ['Ada', 'Ada Lovelace'] });
    const first = changes(4);
    assert.deepEqual(first.email, [null, 'hist@example.com']);
    assert.deepEqual(first.name, [null, 'Ada']);
    assert.deepEqual(first['metadata[plan]'], [null, 'basic']);
    // Secrets never appear in the history.
    for (const secret of [server.tenant.keys.test, server.tenant.keys.live, creds.client_secret, token]) assert.ok(!res.text.includes(secret));
  });

  it('pages newest first with limit, starting_after and ending_before', async () => {
    const created = await server.request('POST', '/v1/customers', { form: 'name=v0' });
    const id = created.body.id as string;
    for (let i = 1; i <= 6; i++) assert.equal((await server.request('POST', `/v1/customers/${id}`, { form: `name=v${i}` })).status, 200);
    const all = (await history(id, '?limit=100')).body.data as any[];
    assert.equal(all.length, 7);
    const page1 = await history(id, '?limit=3');
    assert.deepEqual(page1.body.data.map((e: any) => e.id), all.slice(0, 3).map((e) => e.id));
    assert.equal(page1.body.has_more, true);
    const page2 = await history(id, `?limit=3&starting_after=${page1.body.data[2].id}`);
    assert.deepEqual(page2.body.data.map((e: any) => e.id), all.slice(3, 6).map((e) => e.id));
    assert.equal(page2.body.has_more, true);
    const page3 = await history(id, `?limit=3&starting_after=${page2.body.data[2].id}`);
    assert.deepEqual(page3.body.data.map((e: any) => e.id), all.slice(6).map((e) => e.id));
    assert.equal(page3.body.has_more, false);
    const back = await history(id, `?limit=3&ending_before=${page3.body.data[0].id}`);
    assert.deepEqual(back.body.data.map((e: any) => e.id), all.slice(3, 6).map((e) => e.id), 'the page before, still newest first');
    assert.equal((await history(id)).body.data.length, 7, 'default limit 10');
  });

  it('bad cursors and limits are refused in Stripe\'s format', async () => {
    const id = (await server.request('POST', '/v1/customers', { form: 'name=x' })).body.id as string;
    const other = (await server.request('POST', '/v1/customers', { form: 'name=y' })).body.id as string;
    const foreign = await history(id, `?starting_after=hist_${other.slice(4)}_1`);
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.param, 'starting_after');
    const both = await history(id, `?starting_after=hist_${id.slice(4)}_1&ending_before=hist_${id.slice(4)}_1`);
    assert.equal(both.status, 400);
    const limit = await history(id, '?limit=101');
    assert.equal(limit.status, 400);
    assert.equal(limit.body.error.param, 'limit');
    const unknown = await history(id, '?foo=1');
    assert.equal(unknown.status, 400);
  });

  it('404 for a customer that never was, another tenant\'s, or the other mode\'s; a deleted one keeps its history', async () => {
    const id = (await server.request('POST', '/v1/customers', { form: 'name=kept' })).body.id as string;
    assert.equal((await server.request('DELETE', `/v1/customers/${id}`)).status, 200);
    const kept = await history(id);
    assert.equal(kept.status, 200);
    assert.deepEqual(kept.body.data.map((e: any) => e.action), ['deleted', 'created']);
    assert.equal((await history('cus_000000000000000000000000')).status, 404);
    assert.equal((await history('not-an-id')).status, 404);
    const other = await server.newTenant('Other');
    const cross = await history(id, '', other.keys.test);
    assert.equal(cross.status, 404);
    assert.ok(!cross.text.includes('kept'));
    assert.equal((await history(id, '', server.tenant.keys.live)).status, 404);
  });

  it('a write that fails records nothing; an update that changes nothing records nothing', async () => {
    const a = await server.request('POST', '/v1/customers', { form: 'email=taken@example.com' });
    const b = await server.request('POST', '/v1/customers', { form: 'email=free@example.com' });
    const conflict = await server.request('POST', `/v1/customers/${b.body.id}`, { form: 'email=taken@example.com&name=Nope' });
    assert.equal(conflict.status, 409);
    assert.equal((await history(b.body.id)).body.data.length, 1);
    const empty = await server.request('POST', `/v1/customers/${b.body.id}`, { form: '' });
    assert.equal(empty.status, 200);
    assert.equal((await history(b.body.id)).body.data.length, 1);
    assert.equal((await history(a.body.id)).body.data.length, 1);
  });

  it('every customer has exactly one entry per write: entries = version', async () => {
    const scope = { tenantId: server.tenant.id, mode: 'test' as const };
    const page = await server.store.listCustomers(scope, { limit: 100 });
    assert.ok(page.data.length > 3);
    for (const c of page.data) {
      const entries = await server.store.listCustomerHistory(scope, c.id, { limit: 1000 });
      assert.equal(entries.data.length, c.version, toPrefixed('cus', c.id));
    }
  });

  it('is in the OpenAPI document', async () => {
    const spec = (await server.request('GET', '/openapi.json', { key: null })).body;
    assert.ok(spec.paths['/v1/customers/{id}/history'].get);
  });
});
