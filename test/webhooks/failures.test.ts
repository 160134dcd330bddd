/**
 * Deliveries when receivers misbehave: retried with the same event id, disabled on 410, timed out
 * without holding up other endpoints, kept in order per customer while one is retried; secrets
 * rolled with a grace; and receivers on private addresses refused at delivery time too.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { newId } from '../../src/domain/ids.ts';
import type { DeliveryAttempt } from '../../src/domain/webhooks/delivery.ts';
import { eventMaskOf } from '../../src/domain/webhooks/endpoint.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';

const verifier = new Stripe('sk_test_unused', { telemetry: false });
const eventOf = (body: string) => JSON.parse(body) as Stripe.Event;
const customerOf = (body: string) => (eventOf(body).data.object as Stripe.Customer).id;

describe('webhooks when receivers fail', { concurrency: true }, () => {
  let server: TestServer;
  const receivers: Receiver[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };

  before(async () => {
    // A short timeout keeps the hanging receiver's test short; the retry schedule is the real one.
    server = await startServer(undefined, { webhooks: { allowPrivate: true, timeoutMs: 1000 } });
  });
  after(async () => {
    await server?.close();
    for (const r of receivers) await r.close();
  });

  it('a 500 is retried (about 5 s later) with the same event id, while later events of that customer wait and other customers do not', async () => {
    const tenant = await server.newTenant('retry');
    const stripe = server.stripe(tenant.keys.test);
    let failedOnce = false;
    const hook = await receiver((request) => {
      if (!failedOnce && eventOf(request.body).type === 'customer.created' && (eventOf(request.body).data.object as Stripe.Customer).name === 'X') {
        failedOnce = true;
        return { status: 500 };
      }
      return {};
    });
    const endpoint = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['customer.created', 'customer.updated'] });
    const x = await stripe.customers.create({ name: 'X' });
    await stripe.customers.update(x.id, { name: 'X2' });
    await stripe.customers.update(x.id, { name: 'X3' });
    const y = await stripe.customers.create({ name: 'Y' });
    await hook.waitFor((r) => r.some((d) => customerOf(d.body) === y.id), 3000, "Y's event");
    assert.deepEqual(hook.received.filter((d) => customerOf(d.body) === x.id).length, 1, "X's updates wait behind its failed create");
    await hook.waitFor((r) => r.filter((d) => customerOf(d.body) === x.id).length === 4, 15_000, "X's retry and updates");
    const forX = hook.received.filter((d) => customerOf(d.body) === x.id).map((d) => verifier.webhooks.constructEvent(d.body, String(d.headers['stripe-signature']), endpoint.secret!));
    assert.equal(forX[0]!.id, forX[1]!.id, 'the retry carries the same event');
    assert.deepEqual(forX.map((e) => [e.type, (e.data.object as Stripe.Customer).name]), [
      ['customer.created', 'X'], ['customer.created', 'X'], ['customer.updated', 'X2'], ['customer.updated', 'X3'],
    ]);
    const retryGap = hook.received.filter((d) => customerOf(d.body) === x.id)[1]!.at - hook.received[0]!.at;
    assert.ok(retryGap >= 4000, `retried after ${retryGap} ms`);
    const deliveries = await server.request('GET', `/v1/webhook_endpoints/${endpoint.id}/deliveries?limit=100`, { key: tenant.keys.test });
    const created = deliveries.body.data.find((d: any) => d.event === forX[0]!.id);
    assert.deepEqual(created.attempts.map((a: any) => a.status_code), [500, 200]);
    assert.equal(created.status, 'succeeded');
  });

  it('410 Gone disables the endpoint; its deliveries are held until it is enabled, then sent in order; retry and recover resend', async () => {
    const tenant = await server.newTenant('gone');
    const stripe = server.stripe(tenant.keys.test);
    let gone = true;
    const hook = await receiver(() => (gone ? { status: 410 } : {}));
    const endpoint = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['*'] });
    const c = await stripe.customers.create({ name: 'G' });
    await hook.waitFor((r) => r.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await stripe.webhookEndpoints.retrieve(endpoint.id)).status, 'disabled');
    await stripe.customers.update(c.id, { name: 'G2' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(hook.received.length, 1, 'a disabled endpoint gets nothing');
    gone = false;
    await stripe.webhookEndpoints.update(endpoint.id, { disabled: false });
    await stripe.customers.update(c.id, { name: 'G3' });
    await hook.waitFor((r) => r.length === 2);
    assert.equal((eventOf(hook.received[1]!.body).data.object as Stripe.Customer).name, 'G3');
    // The failed create, sent again on request.
    const list = await server.request('GET', `/v1/webhook_endpoints/${endpoint.id}/deliveries`, { key: tenant.keys.test });
    const failed = list.body.data.find((d: any) => d.status === 'failed');
    assert.ok(failed, JSON.stringify(list.body));
    const retried = await server.request('POST', `/v1/webhook_endpoints/${endpoint.id}/deliveries/${failed.id}/retry`, { key: tenant.keys.test });
    assert.equal(retried.status, 200, retried.text);
    await hook.waitFor((r) => r.length === 3);
    assert.equal(eventOf(hook.received[2]!.body).id, failed.event);
    const recovered = await server.request('POST', `/v1/webhook_endpoints/${endpoint.id}/recover`, { key: tenant.keys.test, form: 'since=0' });
    assert.deepEqual(recovered.body, { object: 'webhook_recovery', recovered: 0 }, 'nothing failed any more');
  });

  it('a receiver that hangs times out, and does not hold up another endpoint', async () => {
    const tenant = await server.newTenant('hang');
    const stripe = server.stripe(tenant.keys.test);
    const slow = await receiver(() => ({ delayMs: 30_000 }));
    const fast = await receiver();
    const slowEndpoint = await stripe.webhookEndpoints.create({ url: slow.url, enabled_events: ['*'] });
    await stripe.webhookEndpoints.create({ url: fast.url, enabled_events: ['*'] });
    const started = Date.now();
    for (let i = 0; i < 20; i++) await stripe.customers.create({ name: `H${i}` });
    await fast.waitFor((r) => r.length === 20, 5000, 'the fast endpoint');
    assert.ok(Date.now() - started < 5000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const list = await server.request('GET', `/v1/webhook_endpoints/${slowEndpoint.id}/deliveries?limit=100`, { key: tenant.keys.test });
    const attempts = list.body.data.flatMap((d: any) => d.attempts);
    assert.ok(attempts.length > 0);
    // Before the first attempt times out (1 s), no more than the per-endpoint bound (16) are in flight.
    const first = slow.received[0]!.at;
    const atOnce = slow.received.filter((r) => r.at - first < 900).length;
    assert.ok(atOnce > 0 && atOnce <= 16, `in flight to the hanging endpoint at once: ${atOnce}`);
    assert.ok(attempts.every((a: any) => a.status_code === null && /Timed out after 1 s/.test(a.error)), JSON.stringify(attempts[0]));
  });

  it('a rolled secret signs beside the new one during its grace, and not after', async () => {
    const tenant = await server.newTenant('roll');
    const stripe = server.stripe(tenant.keys.test);
    const hook = await receiver();
    const endpoint = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['*'] });
    const rolled = await server.request('POST', `/v1/webhook_endpoints/${endpoint.id}/roll_secret`, { key: tenant.keys.test, form: 'expire_old_in=2' });
    assert.equal(rolled.status, 200, rolled.text);
    const fresh = rolled.body.secret as string;
    assert.match(fresh, /^whsec_/);
    assert.notEqual(fresh, endpoint.secret);
    await stripe.customers.create({ name: 'During' });
    await hook.waitFor((r) => r.length === 1);
    const during = hook.received[0]!;
    for (const secret of [endpoint.secret!, fresh]) verifier.webhooks.constructEvent(during.body, String(during.headers['stripe-signature']), secret);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await stripe.customers.create({ name: 'After' });
    await hook.waitFor((r) => r.length === 2);
    const later = hook.received[1]!;
    verifier.webhooks.constructEvent(later.body, String(later.headers['stripe-signature']), fresh);
    assert.throws(() => verifier.webhooks.constructEvent(later.body, String(later.headers['stripe-signature']), endpoint.secret!), /signature/i);
  });

  it('test-mode endpoints get test-mode events only, live-mode ones live only', async () => {
    const tenant = await server.newTenant('modes');
    const test = await receiver();
    const live = await receiver();
    await server.stripe(tenant.keys.test).webhookEndpoints.create({ url: test.url, enabled_events: ['*'] });
    await server.stripe(tenant.keys.live).webhookEndpoints.create({ url: live.url, enabled_events: ['*'] });
    await server.stripe(tenant.keys.live).customers.create({ name: 'Live one' });
    await server.stripe(tenant.keys.test).customers.create({ name: 'Test one' });
    await test.waitFor((r) => r.length === 1);
    await live.waitFor((r) => r.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(eventOf(test.received[0]!.body).livemode, false);
    assert.equal(eventOf(live.received[0]!.body).livemode, true);
    assert.equal(test.received.length + live.received.length, 2);
  });
});

describe('a receiver that hangs with deliveries in flight', () => {
  it('does not hold up a delivery to another endpoint', async () => {
    const server = await startServer(undefined, { webhooks: { allowPrivate: true, timeoutMs: 10_000 } });
    const slow = await startReceiver(() => ({ delayMs: 30_000 }));
    const fast = await startReceiver();
    try {
      const stripe = server.stripe();
      await stripe.webhookEndpoints.create({ url: slow.url, enabled_events: ['*'] });
      for (let i = 0; i < 10; i++) await stripe.customers.create({ name: `Slow ${i}` });
      // More than half its bound (16) in flight: it gets no more until half its room is free.
      await slow.waitFor((r) => r.length === 9, 5000, 'nine hanging deliveries');
      await stripe.webhookEndpoints.create({ url: fast.url, enabled_events: ['*'] });
      const sent = Date.now();
      await stripe.customers.create({ name: 'Fast' });
      await fast.waitFor((r) => r.length === 1, 3000, 'the other endpoint');
      assert.ok(Date.now() - sent < 1000, `delivered after ${Date.now() - sent} ms while the other endpoint hangs`);
      // A delivery left due behind the bound must not make the dispatcher look again and again.
      await stripe.customers.create({ name: 'Slow, waiting its turn' });
      // (Counted where the store counts its commits: each look is a claim, a write transaction.)
      if (server.store instanceof SqliteStore) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const before = server.store.group.commits;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const commits = server.store.group.commits - before;
        assert.ok(commits <= 5, `${commits} transactions in a second with nothing to send: the dispatcher spins`);
      }
    } finally {
      await slow.close();
      await fast.close();
      await server.close();
    }
  });
});

describe('webhooks to private addresses', () => {
  it('are refused when the endpoint is made, and again when a delivery is sent', async () => {
    const strict = await startServer(undefined, { webhooks: { allowPrivate: false } });
    const hook = await startReceiver();
    try {
      const refused = await strict.request('POST', '/v1/webhook_endpoints', { form: `url=${encodeURIComponent(hook.url)}&enabled_events[]=*` });
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.body.error.param, 'url');
      assert.match(refused.body.error.message, /127\.0\.0\.1.*(private|loopback)/);
      const live = await strict.request('POST', '/v1/webhook_endpoints', { key: strict.tenant.keys.live, form: 'url=http://93.184.216.34/hook&enabled_events[]=*' });
      assert.equal(live.status, 400, live.text);
      assert.match(live.body.error.message, /https/);

      // An endpoint stored as if made when private receivers were allowed (a Count subscription
      // without a secret), delivered by a server that refuses them.
      const now = Date.now();
      const id = newId();
      await strict.store.insertEndpoint({
        id, tenantId: strict.tenant.id, mode: 'test', flavor: 'count', url: hook.url, description: null, enabledEvents: ['customer.created'],
        eventMask: eventMaskOf(['customer.created']), status: 'enabled', disabledReason: null, apiVersion: null, metadata: {}, secret: null,
        previousSecret: null, previousSecretExpires: null, created: now, updated: now, failingSince: null,
      });
      await strict.stripe().customers.create({ name: 'Nope' });
      const scope = { tenantId: strict.tenant.id, mode: 'test' as const };
      let attempts: DeliveryAttempt[] = [];
      for (let i = 0; i < 50 && attempts.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        attempts = (await strict.store.listDeliveries(scope, { endpointId: id }, { limit: 10 })).data.flatMap((d) => d.attemptLog);
      }
      assert.equal(attempts.length, 1);
      assert.match(attempts[0]!.error!, /Refused: 127\.0\.0\.1 resolves to 127\.0\.0\.1/);
      assert.equal(hook.received.length, 0);
    } finally {
      await strict.close();
      await hook.close();
    }
  });
});
