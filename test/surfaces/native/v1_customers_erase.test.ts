/**
 * POST /v1/customers/:id/erase, end to end on the real server and store: a customer with a
 * distinctive value in every personal field, written with an Idempotency-Key, updated, its events
 * delivered to a receiver that echoes them; then erased. No surface shows a value any more, the
 * history keeps the erasure without values, the e-mail is free, and the store holds none of the
 * values: not in SQLite's files (database, WAL), not in any PostgreSQL table.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fromPrefixed, toUuid } from '../../../src/formats/ids.ts';
import { startServer, type TestServer } from '../../helpers/server.ts';
import { findStoredValues } from '../../helpers/stored-values.ts';
import { startReceiver, type Receiver } from '../../helpers/webhook-receiver.ts';
import { customersPath, tokenFor } from '../asset/helpers.ts';
import { countClient } from '../count/helpers.ts';

/** A value in every personal field, each holding `tok`. */
function distinctive(tok: string) {
  return {
    name: `Ingrid${tok}Name`,
    renamed: `Ingrid${tok}Renamed`,
    email: `ingrid.${tok}@example.com`,
    phone: `+44 ${tok}`,
    description: `Description${tok}`,
    line1: `${tok} Erasure Street`,
    shippingName: `Shipping${tok}`,
    metadataKey: `key${tok}`,
    metadataValue: `value${tok}`,
    individualName: `Individual${tok}`,
    companyName: `Company${tok}`,
    billingEmail: `billing.${tok}@example.com`,
    website: `https://w${tok}.example.com`,
    taxId: `VAT7${tok}`,
    contactName: `Contact${tok}`,
    contactEmail: `contact.${tok}@example.com`,
    externalId: `ext${tok}`,
    customField: `PO${tok}`,
    footer: `Footer${tok}`,
  };
}

function createBody(v: ReturnType<typeof distinctive>) {
  return {
    name: v.name,
    email: v.email,
    phone: v.phone,
    description: v.description,
    address: { line1: v.line1, city: 'Paris', country: 'FR' },
    shipping: { name: v.shippingName, address: { line1: v.line1 } },
    metadata: { [v.metadataKey]: v.metadataValue },
    individual_name: v.individualName,
    company_name: v.companyName,
    billing_email: v.billingEmail,
    website: v.website,
    tax_ids: [{ type: 'ae_trn', value: v.taxId }],
    contacts: [{ name: v.contactName, email: v.contactEmail, is_primary: true }],
    external_id: v.externalId,
    invoice_settings: { custom_fields: [{ name: 'PO', value: v.customField }], footer: v.footer },
  };
}

async function waitForDeliveries(server: TestServer, endpointId: string, count: number): Promise<any[]> {
  for (let tries = 0; tries < 200; tries++) {
    const res = await server.request('GET', `/v1/webhook_endpoints/${endpointId}/deliveries?limit=100`);
    assert.equal(res.status, 200, res.text);
    if (res.body.data.length >= count && res.body.data.every((d: any) => d.status === 'succeeded')) return res.body.data;
    await sleep(50);
  }
  assert.fail(`fewer than ${count} deliveries succeeded`);
}

describe('POST /v1/customers/:id/erase', () => {
  let server: TestServer;
  let receiver: Receiver;

  before(async () => {
    server = await startServer();
    // Echoes every delivery: the attempt then keeps the payload as the receiver's answer.
    receiver = await startReceiver((request) => ({ body: request.body }));
  });
  after(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('leaves no value in any surface, in the history or in the store; records the erasure; frees the e-mail', async () => {
    const tok = randomBytes(5).toString('hex');
    const v = distinctive(tok);
    const endpoint = await server.request('POST', '/v1/webhook_endpoints', { json: { url: receiver.url, enabled_events: ['*'] } });
    assert.equal(endpoint.status, 200, endpoint.text);
    const idempotencyKey = `erase-create-${randomBytes(6).toString('hex')}`;
    const created = await server.request('POST', '/v1/customers', { json: createBody(v), headers: { 'idempotency-key': idempotencyKey } });
    assert.equal(created.status, 200, created.text);
    const id: string = created.body.id;
    const updated = await server.request('POST', `/v1/customers/${id}`, { json: { name: v.renamed, description: `${v.description} again` } });
    assert.equal(updated.status, 200, updated.text);
    const deliveries = await waitForDeliveries(server, endpoint.body.id, 2);
    assert.ok(deliveries.some((d) => d.attempts[0].response_body.includes(v.email)), 'the receiver echoed the payload');
    const before = await findStoredValues(server.storeKind, server.storeLocation, [v.email, v.renamed]);
    assert.ok(before.length >= 2, 'the values are in the store before the erasure (the search below can find them)');
    const keyId = (await server.request('GET', `/v1/customers/${id}/history`)).body.data[0].actor.id as string;
    assert.match(keyId, /^key_/);

    const erased = await server.request('POST', `/v1/customers/${id}/erase`);
    assert.equal(erased.status, 200, erased.text);
    const { erased_at, ...rest } = erased.body;
    assert.deepEqual(rest, { id, object: 'customer', deleted: true, erased: true, erased_by: keyId });
    assert.ok(Math.abs(erased_at - Date.now() / 1000) < 60, 'erased_at: unix seconds, now');

    // Erasing again: the same tombstone, nothing written.
    const again = await server.request('POST', `/v1/customers/${id}/erase`);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body, erased.body);

    // The native API: the deleted stub, in no list or search; events and deliveries show the tombstone.
    assert.deepEqual((await server.request('GET', `/v1/customers/${id}`)).body, { id, object: 'customer', deleted: true });
    assert.equal((await server.request('GET', `/v1/customers?email=${encodeURIComponent(v.email)}`)).body.data.length, 0);
    assert.equal((await server.request('GET', `/v1/customers/search?query=${encodeURIComponent(`name~"${tok}"`)}`)).body.data.length, 0);
    const events = await server.request('GET', '/v1/events?limit=100');
    assert.deepEqual(events.body.data.filter((e: any) => e.data.object.id === id).map((e: any) => e.type), ['customer.deleted', 'customer.updated', 'customer.created']);
    assert.ok(!events.text.includes(tok), 'no event shows a value');
    await waitForDeliveries(server, endpoint.body.id, 3);
    assert.ok(!(await server.request('GET', `/v1/webhook_endpoints/${endpoint.body.id}/deliveries?limit=100`)).text.includes(tok), 'no attempt keeps an echoed value');

    // History: the erasure, by the key, without values; the earlier entries keep who, when and what action.
    const history = await server.request('GET', `/v1/customers/${id}/history`);
    assert.equal(history.status, 200, history.text);
    assert.ok(!history.text.includes(tok), 'no history entry shows a value');
    assert.deepEqual(history.body.data.map((e: any) => e.action), ['erased', 'updated', 'created']);
    const [erasure, ...earlier] = history.body.data;
    assert.deepEqual(erasure.changes, [{ field: 'deleted', before: false, after: true }, { field: 'erased', before: false, after: true }]);
    assert.deepEqual(erasure.actor, { type: 'api_key', id: keyId });
    assert.deepEqual(earlier.map((e: any) => e.changes), [[], []]);

    // The vendor surfaces: not found, and listed nowhere.
    const hex = fromPrefixed('cus', id)!;
    const count = countClient(server);
    assert.equal((await count.getCustomer(toUuid(hex))).status, 404);
    assert.equal((await count.findByEmail(v.email)).status, 404);
    assert.ok(!(await count.listCustomers()).text.includes(tok));
    assert.equal((await server.request('GET', `/atlas/functions/v1/customers/${id}`)).status, 404);
    assert.ok(!(await server.request('GET', '/atlas/functions/v1/customers')).text.includes(tok));
    assert.equal((await server.request('GET', `/checkoutpage/v1/customers/${hex}`)).status, 404);
    assert.ok(!(await server.request('GET', '/checkoutpage/v1/customers')).text.includes(tok));
    const token = await tokenFor(server, server.tenant);
    assert.equal((await server.request('GET', `${customersPath(server.tenant)}/${id}`, { key: token })).status, 404);
    assert.ok(!(await server.request('GET', customersPath(server.tenant), { key: token })).text.includes(tok));

    // The store itself: no value anywhere, as bytes on disk (SQLite) or in any table (PostgreSQL).
    const left = await findStoredValues(server.storeKind, server.storeLocation, [...Object.values(v), tok]);
    assert.deepEqual(left, [], `values left in the ${server.storeKind} store`);

    // The e-mail is free again.
    const reused = await server.request('POST', '/v1/customers', { json: { email: v.email } });
    assert.equal(reused.status, 200, reused.text);
    // The create's stored reply went with the rest: a retry with its key runs afresh, it is not replayed.
    const retried = await server.request('POST', '/v1/customers', { json: { ...createBody(v), email: null }, headers: { 'idempotency-key': idempotencyKey } });
    assert.notEqual(retried.headers.get('idempotent-replayed'), 'true');
  });

  it('erases a customer already deleted: one erasure entry, and no second customer.deleted event', async () => {
    const tok = randomBytes(5).toString('hex');
    const made = await server.request('POST', '/v1/customers', { json: { name: `Deleted${tok}`, email: `deleted.${tok}@example.com` } });
    const id: string = made.body.id;
    assert.equal((await server.request('DELETE', `/v1/customers/${id}`)).status, 200);
    const erased = await server.request('POST', `/v1/customers/${id}/erase`, { form: '' });
    assert.equal(erased.status, 200, erased.text);
    assert.equal(erased.body.erased, true);
    const history = await server.request('GET', `/v1/customers/${id}/history`);
    assert.deepEqual(history.body.data.map((e: any) => [e.action, e.changes]), [
      ['erased', [{ field: 'erased', before: false, after: true }]],
      ['deleted', []],
      ['created', []],
    ]);
    const events = await server.request('GET', '/v1/events?limit=100');
    assert.deepEqual(events.body.data.filter((e: any) => e.data.object.id === id).map((e: any) => e.type), ['customer.deleted', 'customer.created']);
    assert.ok(!events.text.includes(tok));
    assert.deepEqual(await findStoredValues(server.storeKind, server.storeLocation, [tok]), []);
  });

  it('a delivery on its way while the erasure commits records no answer from its receiver', async () => {
    const tok = randomBytes(5).toString('hex');
    const tenant = await server.newTenant('Slow receiver');
    const slow = await startReceiver((request) => ({ body: request.body, delayMs: 700 }));
    try {
      const endpoint = await server.request('POST', '/v1/webhook_endpoints', { key: tenant.keys.test, json: { url: slow.url, enabled_events: ['customer.created'] } });
      assert.equal(endpoint.status, 200, endpoint.text);
      const made = await server.request('POST', '/v1/customers', { key: tenant.keys.test, json: { name: `Slow${tok}`, email: `slow.${tok}@example.com` } });
      await slow.waitFor((received) => received.length === 1, 10_000, 'the delivery, answered 700 ms later');
      assert.equal((await server.request('POST', `/v1/customers/${made.body.id}/erase`, { key: tenant.keys.test })).status, 200);
      let delivery: any;
      for (let tries = 0; tries < 100 && delivery?.status !== 'succeeded'; tries++) {
        await sleep(50);
        delivery = (await server.request('GET', `/v1/webhook_endpoints/${endpoint.body.id}/deliveries`, { key: tenant.keys.test })).body.data[0];
      }
      assert.equal(delivery.status, 'succeeded');
      assert.equal(delivery.attempts[0].response_body, null, 'the echo came after the erasure');
      assert.deepEqual(await findStoredValues(server.storeKind, server.storeLocation, [tok]), []);
    } finally {
      await slow.close();
    }
  });

  it('is a 404 for an unknown id, for another tenant and for the other mode, which erase nothing', async () => {
    const unknown = await server.request('POST', '/v1/customers/cus_00000000000000000/erase');
    assert.equal(unknown.status, 404, unknown.text);
    assert.deepEqual({ ...unknown.body.error, message: undefined }, { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: undefined });
    assert.equal((await server.request('POST', '/v1/customers/not-an-id/erase')).status, 404);

    const testCustomer = (await server.request('POST', '/v1/customers', { json: { name: 'Kept in test' } })).body;
    const liveCustomer = (await server.request('POST', '/v1/customers', { json: { name: 'Kept in live' }, key: server.tenant.keys.live })).body;
    const other = await server.newTenant('Other');
    for (const [key, target] of [
      [other.keys.test, testCustomer],
      [server.tenant.keys.test, liveCustomer],
      [server.tenant.keys.live, testCustomer],
    ] as const) {
      const res = await server.request('POST', `/v1/customers/${target.id}/erase`, { key });
      assert.equal(res.status, 404, res.text);
      assert.equal(res.body.error.code, 'resource_missing');
    }
    assert.equal((await server.request('GET', `/v1/customers/${testCustomer.id}`)).body.name, 'Kept in test');
    assert.equal((await server.request('GET', `/v1/customers/${liveCustomer.id}`, { key: server.tenant.keys.live })).body.name, 'Kept in live');
  });

  it('honours If-Match until the erasure: a stale version is a 412 and erases nothing; once erased, the tombstone', async () => {
    const made = await server.request('POST', '/v1/customers', { json: { name: 'Versioned' } });
    const stale = await server.request('POST', `/v1/customers/${made.body.id}/erase`, { headers: { 'if-match': '"v999"' } });
    assert.equal(stale.status, 412, stale.text);
    assert.equal((await server.request('GET', `/v1/customers/${made.body.id}`)).body.name, 'Versioned');
    const current = await server.request('POST', `/v1/customers/${made.body.id}/erase`, { headers: { 'if-match': made.headers.get('etag')! } });
    assert.equal(current.status, 200, current.text);
    assert.equal(current.headers.get('etag'), '"v2"');
    const retried = await server.request('POST', `/v1/customers/${made.body.id}/erase`, { headers: { 'if-match': made.headers.get('etag')! } });
    assert.deepEqual([retried.status, retried.body], [200, current.body]);
  });

  it('takes no parameters', async () => {
    const made = (await server.request('POST', '/v1/customers', { json: { name: 'Params' } })).body;
    const res = await server.request('POST', `/v1/customers/${made.id}/erase`, { form: 'name=x' });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error.param, 'name');
    assert.equal((await server.request('GET', `/v1/customers/${made.id}`)).body.name, 'Params');
  });
});
