/** GET /v1/events and /v1/events/:id through the official SDK: Stripe's event objects, filters and pages. */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { stripeError, suiteServer, type TestServer } from '../../helpers/server.ts';

describe('native: events', () => {
  const ctx = suiteServer();
  let server: TestServer;
  let stripe: Stripe;
  let customer: Stripe.Customer;
  let requestId: string;

  before(async () => {
    server = ctx.server;
    stripe = ctx.stripe;
    const made = await server.request('POST', '/v1/customers', { form: 'name=Ada&email=ada.events@example.com&address[city]=Paris&metadata[plan]=a', headers: { 'idempotency-key': 'evt-create-1' } });
    assert.equal(made.status, 200, made.text);
    customer = made.body;
    requestId = made.headers.get('request-id')!;
    await stripe.customers.update(customer.id, { name: 'Ada L.', address: { city: 'Lyon' }, metadata: { plan: 'b' } });
    await stripe.customers.update(customer.id, { name: 'Ada L.' }); // no change: no event
    await stripe.customers.del(customer.id);
  });

  it('records create, update and delete as Stripe events: data.object as retrieved then, previous_attributes, request', async () => {
    const { data } = await stripe.events.list({ limit: 10 });
    assert.deepEqual(data.map((e) => e.type), ['customer.deleted', 'customer.updated', 'customer.created'], 'a write with no change emits nothing');
    const [deleted, updated, created] = data as [Stripe.Event, Stripe.Event, Stripe.Event];
    for (const event of data) {
      assert.match(event.id, /^evt_[0-9A-Za-z]{17}$/);
      assert.equal(event.object, 'event');
      assert.equal(event.livemode, false);
      assert.equal(event.api_version, '2026-10-28.endive');
      assert.equal(typeof event.created, 'number');
      assert.equal(event.pending_webhooks, 0);
    }
    assert.deepEqual(created.data.object, customer, 'the created customer exactly as the create answered it');
    assert.deepEqual(created.request, { id: requestId, idempotency_key: 'evt-create-1' });
    assert.equal(created.data.previous_attributes, undefined);
    const object = updated.data.object as Stripe.Customer;
    assert.equal(object.name, 'Ada L.');
    assert.deepEqual(updated.data.previous_attributes, {
      name: 'Ada',
      address: { city: 'Paris', country: null, line1: null, line2: null, postal_code: null, state: null },
      metadata: { plan: 'a' },
    });
    assert.match(updated.request!.id!, /^req_/);
    assert.match(updated.request!.idempotency_key!, /^stripe-node-retry-/, "the key the SDK sent on its own");
    assert.equal((deleted.data.object as Stripe.Customer).id, customer.id, 'customer.deleted carries the whole customer, as Stripe sends it');
    assert.equal((deleted.data.object as Stripe.Customer).name, 'Ada L.');
    assert.deepEqual(await stripe.events.retrieve(updated.id), updated);
  });

  it('filters by type (with * wildcards), types[], created and delivery_success', async () => {
    assert.deepEqual((await stripe.events.list({ type: 'customer.updated' })).data.map((e) => e.type), ['customer.updated']);
    assert.equal((await stripe.events.list({ type: 'customer.*' })).data.length, 3);
    assert.equal((await stripe.events.list({ type: 'invoice.*' })).data.length, 0);
    assert.deepEqual((await stripe.events.list({ types: ['customer.created', 'customer.deleted'] })).data.map((e) => e.type), ['customer.deleted', 'customer.created']);
    const all = (await stripe.events.list()).data;
    const created = all[2]!.created;
    assert.equal((await stripe.events.list({ created: { gte: created } })).data.length, 3);
    assert.equal((await stripe.events.list({ created: { lt: created } })).data.length, 0);
    assert.equal((await stripe.events.list({ created: { gt: created + 100 } })).data.length, 0);
    assert.equal((await stripe.events.list({ delivery_success: true })).data.length, 3, 'no endpoint: nothing is undelivered');
    assert.equal((await stripe.events.list({ delivery_success: false })).data.length, 0);
  });

  it('pages both ways, and auto-pagination walks every event', async () => {
    const all = (await stripe.events.list()).data.map((e) => e.id);
    const first = await stripe.events.list({ limit: 1 });
    assert.equal(first.has_more, true);
    const second = await stripe.events.list({ limit: 1, starting_after: first.data[0]!.id });
    assert.deepEqual(second.data.map((e) => e.id), [all[1]]);
    const back = await stripe.events.list({ limit: 1, ending_before: all[2] });
    assert.deepEqual(back.data.map((e) => e.id), [all[1]]);
    const walked: string[] = [];
    for await (const event of stripe.events.list({ limit: 1 })) walked.push(event.id);
    assert.deepEqual(walked, all);
  });

  it("answers Stripe's errors: unknown ids, bad filters, another mode or tenant", async () => {
    const missing = await stripeError(stripe.events.retrieve('evt_00000000000000000'));
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.code, 'resource_missing');
    assert.match(missing.message, /^No such event: 'evt_00000000000000000'$/);
    const all = (await stripe.events.list()).data;
    const live = await stripeError(server.stripe(server.tenant.keys.live).events.retrieve(all[0]!.id));
    assert.equal(live.statusCode, 404, 'test events are not seen in live mode');
    const other = await server.newTenant('other');
    assert.equal((await server.stripe(other.keys.test).events.list()).data.length, 0);
    const cursor = await stripeError(stripe.events.list({ starting_after: 'evt_00000000000000000' }));
    assert.equal(cursor.param, 'starting_after');
    const badLimit = await stripeError(stripe.events.list({ limit: 101 }));
    assert.equal(badLimit.param, 'limit');
    const tooMany = await server.request('GET', `/v1/events?${Array.from({ length: 21 }, (_, i) => `types[]=t${i}`).join('&')}`);
    assert.equal(tooMany.status, 400, tooMany.text);
  });
});
