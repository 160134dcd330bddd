/**
 * Events and deliveries through the Store port, on both backends: every write records its event
 * in its own transaction, deliveries of one customer to one endpoint go out in order, claims
 * never hand one delivery to two dispatchers, and endpoints that stop delivering hold theirs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newCustomer } from '../../src/domain/customers/factory.ts';
import { applyPatch } from '../../src/domain/customers/patch.ts';
import type { CustomerScope } from '../../src/domain/customers/model.ts';
import { SYSTEM_WRITE, type WriteContext } from '../../src/domain/customers/write-context.ts';
import { newId } from '../../src/domain/ids.ts';
import type { Store } from '../../src/domain/store-port.ts';
import { DEFAULT_TENANT_SETTINGS } from '../../src/domain/tenants/tenant.ts';
import type { AttemptResult, DeliveryJob } from '../../src/domain/webhooks/delivery.ts';
import { eventMaskOf, type WebhookEndpoint } from '../../src/domain/webhooks/endpoint.ts';
import { afterAttempt } from '../../src/domain/webhooks/retry-policy.ts';
import { PG_SKIP_REASON } from '../helpers/postgres.ts';
import { openTestStore, STORE_KINDS, type StoreKind, type TestStore } from '../helpers/stores.ts';

function endpoint(scope: CustomerScope, events: string[] = ['*'], status: WebhookEndpoint['status'] = 'enabled'): WebhookEndpoint {
  const now = Date.now();
  return {
    id: newId(), tenantId: scope.tenantId, mode: scope.mode, flavor: 'stripe', url: 'http://127.0.0.1:9/hook', description: null,
    enabledEvents: events, eventMask: eventMaskOf(events), status, disabledReason: null, apiVersion: null, metadata: {},
    secret: null, previousSecret: null, previousSecretExpires: null, created: now, updated: now, failingSince: null,
  };
}

const ok = (job: DeliveryJob, status = 200): AttemptResult =>
  afterAttempt(job, { at: Date.now() - 10, durationMs: 3, statusCode: status, error: null, responseBody: 'ok', retryAfterMs: null }, 5);

function suite(kind: StoreKind) {
  let opened: TestStore;
  let store: Store;
  let scope: CustomerScope;
  const claim = (owner = 'a', limit = 100, nowMs = Date.now(), leaseMs = 60_000) => store.claimDeliveries({ owner, nowMs, leaseMs, limit, skipEndpoints: [] });

  before(async () => {
    opened = await openTestStore(kind);
    store = opened.store;
    const tenant = { id: newId(), name: 'acme', created: Math.floor(Date.now() / 1000), settings: DEFAULT_TENANT_SETTINGS };
    await store.createTenant(tenant, []);
    scope = { tenantId: tenant.id, mode: 'test' };
  });
  after(() => opened.destroy());

  it('records one event per write, with the customer and the old values of what changed; no event without a change or with withoutEvent', async () => {
    const created = await store.insertCustomer(newCustomer(scope, { name: 'Ada', metadata: { set: { plan: 'a' } } }), { ...SYSTEM_WRITE, requestId: 'req_1' });
    const updated = await store.updateCustomer(scope, created.id, (c) => applyPatch(c, { name: 'Ada L.', metadata: { set: { plan: 'b' } } }), SYSTEM_WRITE);
    await store.updateCustomer(scope, created.id, (c) => c, SYSTEM_WRITE);
    await store.deleteCustomer(scope, created.id, Date.now(), SYSTEM_WRITE);
    const silent: WriteContext = { ...SYSTEM_WRITE, withoutEvent: true };
    await store.insertCustomer(newCustomer(scope, { name: 'Quiet' }), silent);
    await store.insertCustomers([newCustomer(scope, { name: 'Quiet too' })], [silent]);

    const page = await store.listEvents(scope, { limit: 10 });
    assert.deepEqual(page.data.map((e) => e.type), ['customer.deleted', 'customer.updated', 'customer.created']);
    const [deleted, update, create] = page.data;
    assert.equal(create!.requestId, 'req_1');
    assert.deepEqual(create!.customer, created);
    assert.equal(create!.previous, null);
    assert.deepEqual(update!.customer, updated);
    assert.deepEqual(update!.previous, { name: 'Ada', metadata: { plan: 'a' } });
    assert.equal(deleted!.customer.deleted, true);
    assert.deepEqual([create!.customerVersion, update!.customerVersion, deleted!.customerVersion], [1, 2, 3]);
    assert.deepEqual(await store.getEvent(scope, update!.id), { ...update!, pendingWebhooks: 0 });
    assert.equal(await store.getEvent({ ...scope, mode: 'live' }, update!.id), null);
  });

  it("sends a customer's deliveries to an endpoint one at a time, in order; other customers do not wait", async () => {
    const hook = endpoint(scope);
    await store.insertEndpoint(hook);
    const only = endpoint(scope, ['customer.created']);
    await store.insertEndpoint(only);
    const first = await store.insertCustomer(newCustomer(scope, { name: 'One' }), SYSTEM_WRITE);
    await store.updateCustomer(scope, first.id, (c) => applyPatch(c, { name: 'One b' }), SYSTEM_WRITE);
    await store.updateCustomer(scope, first.id, (c) => applyPatch(c, { name: 'One c' }), SYSTEM_WRITE);

    let jobs = await claim();
    // The created event to both endpoints; the updates wait behind it (and `only` never gets them).
    assert.deepEqual(jobs.map((j) => [j.endpoint.id, j.event.type, j.delivery.seq]).sort(), [
      [hook.id, 'customer.created', 1], [only.id, 'customer.created', 1],
    ].sort());
    assert.equal((await store.getEvent(scope, jobs[0]!.event.id))!.pendingWebhooks, 2);
    assert.deepEqual(await claim(), [], 'claimed deliveries are not claimed again');

    const second = await store.insertCustomer(newCustomer(scope, { name: 'Two' }), SYSTEM_WRITE);
    const others = await claim('b');
    assert.deepEqual(others.map((j) => j.delivery.customerId), [second.id, second.id], 'another customer does not wait');

    const toHook = jobs.find((j) => j.endpoint.id === hook.id)!;
    assert.equal(await store.recordAttempt(toHook.delivery, 'b', ok(toHook)), false, 'only the claim owner records');
    assert.equal(await store.recordAttempt(toHook.delivery, 'a', ok(toHook, 500)), true);
    assert.deepEqual(await claim(), [], 'a failed delivery waits for its retry, and the next update waits behind it');
    const due = await store.nextDueAt();
    assert.ok(due !== null && due > Date.now() + 3000, `retry due in about 5 s, got ${due! - Date.now()} ms`);

    jobs = await claim('a', 100, due! + 1);
    assert.deepEqual(jobs.map((j) => [j.delivery.id, j.delivery.attempts]), [[toHook.delivery.id, 1]]);
    assert.equal(await store.recordAttempt(jobs[0]!.delivery, 'a', ok(jobs[0]!)), true);
    const next = await claim();
    assert.deepEqual(next.map((j) => [j.event.type, j.delivery.seq]), [['customer.updated', 2]], 'done: the next one goes');
    const log = await store.getDelivery(scope, hook.id, toHook.delivery.id);
    assert.deepEqual(log!.attemptLog.map((a) => a.statusCode), [500, 200]);
    assert.equal(log!.state, 'succeeded');
    for (const job of [...next, ...others]) await store.recordAttempt(job.delivery, job === next[0] ? 'a' : 'b', ok(job));
    assert.deepEqual((await claim()).map((j) => j.delivery.seq), [3]);
  });

  it('holds the deliveries of an endpoint that stops delivering, and releases them when it starts again', async () => {
    for (const job of await claim('sweep', 100, Date.now() + 86_400_000)) await store.recordAttempt(job.delivery, 'sweep', ok(job));
    const hook = endpoint(scope);
    await store.insertEndpoint(hook);
    const customer = await store.insertCustomer(newCustomer(scope, { name: 'Held' }), SYSTEM_WRITE);
    await store.updateEndpoint(scope, hook.id, (e) => ({ ...e, status: 'paused' }));
    assert.deepEqual((await claim()).filter((j) => j.endpoint.id === hook.id), []);
    // While paused, writes queue nothing for it.
    await store.updateCustomer(scope, customer.id, (c) => applyPatch(c, { name: 'Held b' }), SYSTEM_WRITE);
    await store.updateEndpoint(scope, hook.id, (e) => ({ ...e, status: 'enabled' }));
    const jobs = (await claim()).filter((j) => j.endpoint.id === hook.id);
    assert.deepEqual(jobs.map((j) => j.event.type), ['customer.created']);
    const events = await store.listEvents(scope, { limit: 100, deliverySuccess: false });
    assert.ok(events.data.some((e) => e.id === jobs[0]!.event.id));
    assert.equal(await store.deleteEndpoint(scope, hook.id), true);
    assert.equal(await store.getDelivery(scope, hook.id, jobs[0]!.delivery.id), null);
  });

  it('a lapsed claim goes to another dispatcher, and the first can no longer record', async () => {
    const hook = endpoint(scope);
    await store.insertEndpoint(hook);
    await store.insertCustomer(newCustomer(scope, { name: 'Lease' }), SYSTEM_WRITE);
    const [job] = (await claim('a', 100, Date.now(), 1)).filter((j) => j.endpoint.id === hook.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const [again] = (await claim('b')).filter((j) => j.endpoint.id === hook.id);
    assert.equal(again!.delivery.id, job!.delivery.id);
    assert.equal(await store.recordAttempt(job!.delivery, 'a', ok(job!)), false);
    assert.equal(await store.recordAttempt(again!.delivery, 'b', ok(again!)), true);
    await store.deleteEndpoint(scope, hook.id);
  });

  it('a delivery that failed for good is sent again by retry and by recover, on a fresh schedule', async () => {
    for (const job of await claim('sweep', 100, Date.now() + 86_400_000)) await store.recordAttempt(job.delivery, 'sweep', ok(job));
    const hook = endpoint(scope);
    await store.insertEndpoint(hook);
    await store.insertCustomer(newCustomer(scope, { name: 'Gone' }), SYSTEM_WRITE);
    const [job] = (await claim()).filter((j) => j.endpoint.id === hook.id);
    assert.equal(await store.recordAttempt(job!.delivery, 'a', ok(job!, 410)), true);
    assert.equal((await store.getDelivery(scope, hook.id, job!.delivery.id))!.state, 'failed');
    assert.equal((await store.getEndpoint(scope, hook.id))!.status, 'disabled', '410 disables the endpoint');
    await store.updateEndpoint(scope, hook.id, (e) => ({ ...e, status: 'enabled', disabledReason: null }));
    assert.equal(await store.recoverDeliveries(scope, hook.id, Date.now() + 60_000, Date.now()), 0, 'none failed since then');
    assert.equal(await store.recoverDeliveries(scope, hook.id, 0, Date.now()), 1);
    const [again] = (await claim()).filter((j) => j.endpoint.id === hook.id);
    assert.equal(again!.delivery.id, job!.delivery.id);
    assert.equal(again!.delivery.scheduleFrom, 1, 'a fresh retry schedule');
    assert.equal(await store.recordAttempt(again!.delivery, 'a', ok(again!, 500)), true);
    assert.equal((await store.getDelivery(scope, hook.id, job!.delivery.id))!.state, 'ready', 'retried on the new schedule, not given up');
    assert.ok((await store.retryDelivery(scope, hook.id, job!.delivery.id, Date.now()))!.nextAttemptAt! <= Date.now(), 'retry: due now');
    const [now] = (await claim()).filter((j) => j.endpoint.id === hook.id);
    assert.equal(now!.delivery.attempts, 2);
    await store.recordAttempt(now!.delivery, 'a', ok(now!));
    await store.deleteEndpoint(scope, hook.id);
  });

  it('filters events by type, pattern, time and delivery success, and pages both ways', async () => {
    const all = await store.listEvents(scope, { limit: 100 });
    const types = await store.listEvents(scope, { limit: 100, types: ['customer.deleted'] });
    assert.ok(types.data.length > 0 && types.data.every((e) => e.type === 'customer.deleted'));
    assert.equal((await store.listEvents(scope, { limit: 100, typePattern: 'customer.*' })).data.length, all.data.length);
    assert.equal((await store.listEvents(scope, { limit: 100, typePattern: 'customer_*' })).data.length, 0, '_ is literal');
    const middle = all.data[2]!;
    assert.ok((await store.listEvents(scope, { limit: 100, created: { lte: middle.created } })).data.every((e) => e.created <= middle.created));
    const older = await store.listEvents(scope, { limit: 2, cursor: { after: middle.id, field: ['starting_after'] } });
    assert.deepEqual(older.data.map((e) => e.id), all.data.slice(3, 5).map((e) => e.id));
    const newer = await store.listEvents(scope, { limit: 2, cursor: { before: middle.id, field: ['ending_before'] } });
    assert.deepEqual(newer.data.map((e) => e.id), all.data.slice(0, 2).map((e) => e.id));
    await assert.rejects(store.listEvents(scope, { limit: 2, cursor: { after: newId(), field: ['starting_after'] } }), { kind: 'not_found' });
  });

  it('retention deletes old events whose deliveries are done, and keeps those still pending', async () => {
    const hook = endpoint(scope);
    await store.insertEndpoint(hook);
    await store.insertCustomer(newCustomer(scope, { name: 'Pending' }), SYSTEM_WRITE);
    const before = (await store.listEvents(scope, { limit: 100 })).data.length;
    const deleted = await store.deleteEventsBefore(scope.tenantId, Date.now() + 1000);
    const left = await store.listEvents(scope, { limit: 100 });
    assert.equal(deleted, before - left.data.length);
    assert.ok(left.data.length >= 1 && left.data.every((e) => e.pendingWebhooks > 0), 'only events with pending deliveries are left');
  });

  it('two dispatchers claiming at once never take the same delivery', async () => {
    const hook = endpoint(scope);
    await store.insertEndpoint(hook);
    for (let i = 0; i < 40; i++) await store.insertCustomer(newCustomer(scope, { name: `C${i}` }), SYSTEM_WRITE);
    const [a, b] = await Promise.all([claim('x', 30), claim('y', 30)]);
    const ids = [...a!, ...b!].filter((j) => j.endpoint.id === hook.id).map((j) => j.delivery.id);
    assert.equal(new Set(ids).size, ids.length);
  });
}

for (const kind of STORE_KINDS) {
  describe(`Events and deliveries: ${kind}`, { skip: kind === 'postgres' ? PG_SKIP_REASON : undefined }, () => suite(kind));
}
