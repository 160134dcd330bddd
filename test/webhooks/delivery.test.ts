/**
 * Webhooks end to end, over HTTP with the official clients: an endpoint made with
 * `stripe.webhookEndpoints.create` and Count subscriptions receive every write of every surface,
 * signed so that `stripe.webhooks.constructEvent`, the `standardwebhooks` package and Count's
 * documented HMAC all verify them; `stripe.events.list` shows the same events; each customer's
 * events arrive in order.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { fromPrefixed, fromUuid, toPrefixed, toUuid } from '../../src/formats/ids.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { startReceiver, type Receiver, type Received } from '../helpers/webhook-receiver.ts';
import { tokenFor } from '../surfaces/asset/helpers.ts';
import { countClient } from '../surfaces/count/helpers.ts';

const verifier = new Stripe('sk_test_unused', { telemetry: false });

/** The event a native delivery carries, after both signatures were checked. */
function verifiedEvent(received: Received, secret: string): Stripe.Event {
  const event = verifier.webhooks.constructEvent(received.body, String(received.headers['stripe-signature']), secret);
  const headers = { 'webhook-id': String(received.headers['webhook-id']), 'webhook-timestamp': String(received.headers['webhook-timestamp']), 'webhook-signature': String(received.headers['webhook-signature']) };
  assert.deepEqual(new Webhook(secret).verify(received.body, headers), JSON.parse(received.body));
  assert.equal(headers['webhook-id'], event.id);
  return event;
}

function countSignatureOk(received: Received, secret: string): boolean {
  return received.headers['x-webhook-signature'] === `sha256=${createHmac('sha256', secret).update(received.body).digest('hex')}`;
}

describe('webhooks: every write of every surface, signed, in order', () => {
  let server: TestServer;
  let native: Receiver;
  let count: Receiver;
  let secret: string;
  const countSecret = 'count-partner-secret';

  before(async () => {
    server = await startServer();
    native = await startReceiver();
    count = await startReceiver();
    const endpoint = await server.stripe().webhookEndpoints.create({ url: native.url, enabled_events: ['*'] });
    secret = endpoint.secret!;
    for (const event of ['customer.created', 'customer.updated', 'customer.deleted']) {
      const res = await countClient(server).request('POST', '/webhooks', { event, callbackUrl: count.url, signingSecret: countSecret, status: 'active' });
      assert.equal(res.status, 201, res.text);
    }
  });
  after(async () => {
    await server?.close();
    await native?.close();
    await count?.close();
  });

  it('native, Asset, Atlas, CheckoutPage and Count writes (bulk included) all reach both receivers', async () => {
    const stripe = server.stripe();
    const counted = countClient(server);
    const ids: string[] = [];
    // Native
    const a = await stripe.customers.create({ name: 'Native', email: 'native.hook@example.com' });
    await stripe.customers.update(a.id, { name: 'Native 2', metadata: { plan: 'pro' } });
    await stripe.customers.del(a.id);
    ids.push(a.id);
    // Asset
    const token = await tokenFor(server, server.tenant);
    const made = await server.request('POST', `/asset/v0/business/${server.tenant.wireId}/customers`, { key: token, json: { name: 'Asset', email: 'asset.hook@example.com' } });
    assert.equal(made.status, 200, made.text);
    const assetId = made.body.data.id as string;
    const patched = await server.request('PATCH', `/asset/v0/business/${server.tenant.wireId}/customers/${assetId}`, { key: token, json: { name: 'Asset 2' } });
    assert.equal(patched.status, 200, patched.text);
    ids.push(assetId);
    // Atlas
    const atlas = await server.request('POST', '/atlas/functions/v1/customers', { json: { name: 'Atlas', email: 'atlas.hook@example.com' } });
    assert.equal(atlas.status, 200, atlas.text);
    assert.equal((await server.request('PATCH', `/atlas/functions/v1/customers/${atlas.body.id}`, { json: { name: 'Atlas 2' } })).status, 200);
    assert.equal((await server.request('DELETE', `/atlas/functions/v1/customers/${atlas.body.id}`)).status, 200);
    ids.push(atlas.body.id);
    // CheckoutPage (it cannot create): an update of the Asset customer
    const cp = await server.request('PATCH', `/checkoutpage/v1/customers/${fromPrefixed('cus', assetId)}`, { json: { name: 'CheckoutPage' } });
    assert.equal(cp.status, 200, cp.text);
    // Count, one by one and in bulk
    const c = await counted.request('POST', '/customers', { customer: 'Count', email: 'count.hook@example.com' });
    assert.equal(c.status, 201, c.text);
    assert.equal((await counted.request('PUT', `/customers/${c.body.data.uuid}`, { customer: 'Count 2' })).status, 200);
    assert.equal((await counted.request('DELETE', `/customers/${c.body.data.uuid}`)).status, 200);
    ids.push(toPrefixed('cus', fromUuid(c.body.data.uuid)!));
    const bulk = await counted.request('POST', '/customers/bulk', { customers: [{ customer: 'Bulk 1', email: 'bulk1.hook@example.com' }, { customer: 'Bulk 2', email: 'bulk2.hook@example.com' }] });
    assert.equal(bulk.status, 200, bulk.text);
    for (const r of bulk.body.data.results) ids.push(toPrefixed('cus', fromUuid(r.data.uuid)!));

    // 3 native + 3 asset (create, update, checkoutpage update) + 3 atlas + 3 count + 2 bulk
    const expected = 14;
    await native.waitFor((r) => r.length >= expected, 15_000, `${expected} native deliveries`);
    await count.waitFor((r) => r.length >= expected, 15_000, `${expected} Count deliveries`);
    const events = native.received.map((r) => verifiedEvent(r, secret));
    assert.equal(new Set(events.map((e) => e.id)).size, expected, 'no event twice');

    // stripe.events.list shows the same events, newest first, with the same payloads.
    const listed = [];
    for await (const event of stripe.events.list({ limit: 5 })) listed.push(event);
    assert.deepEqual(listed.map((e) => e.id).sort(), events.map((e) => e.id).sort());
    for (const event of events) {
      const retrieved = await stripe.events.retrieve(event.id);
      assert.deepEqual({ ...retrieved, pending_webhooks: 0 }, { ...event, pending_webhooks: 0 });
    }

    // Per customer: created first, in order, each one's data as the customer was then.
    for (const id of ids) {
      const mine = events.filter((e) => (e.data.object as { id: string }).id === id);
      assert.ok(mine.length >= 1, `events of ${id}`);
      assert.equal(mine[0]!.type, 'customer.created');
      const order = mine.map((e) => e.id);
      assert.deepEqual(order, [...order].sort(), `${id}: received in the order they happened`);
    }
    const update = events.find((e) => e.type === 'customer.updated' && (e.data.object as Stripe.Customer).id === a.id)!;
    assert.deepEqual(update.data.previous_attributes, { name: 'Native', metadata: {} });
    assert.equal((update.data.object as Stripe.Customer).name, 'Native 2');

    // Count: signed with the subscription's secret, Count's envelope, UUID ids.
    for (const r of count.received) {
      assert.ok(countSignatureOk(r, countSecret), 'X-Webhook-Signature');
      const body = JSON.parse(r.body);
      assert.equal(r.headers['x-webhook-event'], body.event);
      assert.equal(r.headers['x-webhook-id'], body.id);
      assert.equal(body.apiVersion, '1');
      assert.equal(body.team.name, 'Test tenant');
    }
    const countDelete = count.received.map((r) => JSON.parse(r.body)).find((b) => b.event === 'customer.deleted' && b.data.id === toUuid(fromPrefixed('cus', a.id)!));
    assert.ok(countDelete, 'a native delete reaches Count subscribers as customer.deleted with {id}');
  });
});
