/**
 * Idempotency-Key on every write of every surface, over real HTTP: a retry with the same key and
 * parameters gets the first response byte for byte (Idempotent-Replayed: true) and writes nothing;
 * other parameters → 400 idempotency error in the surface's format; a bad key → 400; 50 concurrent
 * identical requests → one write and 50 identical responses; a key still held by a running request
 * → 409 after a bounded wait; a key abandoned by a dead request is taken over; keys outlive the
 * server (SQLite file reopened; on PostgreSQL, a second server on the same database).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { buildApp } from '../../src/server/app.ts';
import { requestFingerprint } from '../../src/http/idempotency.ts';
import { parseBracketForm } from '../../src/http/form-body.ts';
import { SecretBox } from '../../src/domain/tenants/secret-box.ts';
import { TenantService } from '../../src/domain/tenants/tenant-service.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { Store } from '../../src/domain/store-port.ts';
import type { App } from '../../src/http/types.ts';
import { startServer, type TestServer, type TestTenant } from '../helpers/server.ts';
import { openTestStore, TEST_STORE_KIND, type TestStore } from '../helpers/stores.ts';
import { customersPath, tokenFor } from '../surfaces/asset/helpers.ts';
import { CountClient } from '../surfaces/count/count-client.ts';
import { customerIdToCount } from '../../src/surfaces/count/wire.ts';
import { fromPrefixed, toPrefixed, toUuid } from '../../src/formats/ids.ts';

type Res = { status: number; headers: Headers; text: string; body: any };

const newKey = () => `idem-${randomUUID()}`;
let emails = 0;
const uniqueEmail = (tag: string) => `${tag}.${process.pid}.${++emails}.${Date.now()}@example.com`;
const canonical = (nativeId: string) => fromPrefixed('cus', nativeId)!;

async function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<Res> {
  const res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

/** One write route, as a client of that surface sends it. */
interface WriteCase {
  name: string;
  /** Status of a first successful request. */
  status: number;
  /** Sends the write with `headers`; `variant` changes its parameters. */
  send(headers: Record<string, string>, variant: number): Promise<Res>;
  /** A number that every write this case makes changes (a count of customers, a version). */
  effects(): Promise<number>;
  /** Asserts a 400 "same key, other parameters" in the surface's own error format. */
  mismatch(res: Res): void;
  /** Asserts a 400 "not a usable key" in the surface's format. */
  invalidKey(res: Res): void;
}

describe('Idempotency-Key on every write of every surface', () => {
  let server: TestServer;
  let tenant: TestTenant;
  let assetToken: string;
  const cases: WriteCase[] = [];

  before(async () => {
    server = await startServer();
    tenant = server.tenant;
    // Without uniqueness a repeated create would succeed again: a second write cannot hide behind a 409.
    await server.store.updateTenantSettings(tenant.id, { email_uniqueness: 'off' });
    assetToken = await tokenFor(server, tenant);
    const scope = { tenantId: tenant.id, mode: 'test' as const };
    const nativeHeaders = (h: Record<string, string>) => ({ authorization: `Bearer ${tenant.keys.test}`, ...h });
    const jsonHeaders = (h: Record<string, string>, bearer: string) => ({ authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...h });
    const count = (h: Record<string, string>) =>
      new CountClient({ baseUrl: `${server.url}/count/partners`, clientId: tenant.clients.test.client_id, clientSecret: tenant.clients.test.client_secret, headers: { authorization: `Bearer ${tenant.keys.test}`, ...h } });
    const customersWith = async (email: string) => (await server.store.listCustomers(scope, { limit: 100, emailFolded: email.toLowerCase() })).data.length;
    const versionOf = async (id: string) => (await server.store.getCustomer(scope, id))!.version;
    const fresh = async () => (await server.app.customers.create(scope, { name: 'Target', email: uniqueEmail('target') }, { actor: 'system', surface: 'system', requestId: null })).id;

    const stripeMismatch = (res: Res) => {
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.type, 'idempotency_error');
      assert.match(res.body.error.message, /same parameters/);
    };
    const stripeInvalid = (res: Res) => {
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.type, 'idempotency_error');
      assert.match(res.body.error.message, /Idempotency-Key/);
    };
    // Atlas's errors page: "409 Conflict - Idempotency key conflict"; a malformed key is an invalid parameter.
    const atlasMismatch = (res: Res) => {
      assert.equal(res.status, 409, res.text);
      assert.equal(res.body.error.type, 'idempotency_error');
      assert.match(res.body.error.message, /same parameters/);
    };
    const atlasInvalid = (res: Res) => {
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.type, 'invalid_request_error');
      assert.equal(res.body.error.param, 'Idempotency-Key');
    };
    const assetMismatch = (res: Res) => {
      assert.equal(res.status, 400, res.text);
      assert.match(res.body.detail, /same parameters/);
    };
    const assetInvalid = (res: Res) => {
      assert.equal(res.status, 400, res.text);
      assert.match(res.body.detail, /Idempotency-Key/);
    };
    const cpError = (pattern: RegExp) => (res: Res) => {
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.status, 'error');
      assert.equal(res.body.message, 'Bad Request');
      assert.equal(res.body.errors[0].param, 'Idempotency-Key');
      assert.match(res.body.errors[0].message, pattern);
    };
    const countError = (code: string) => (res: Res) => {
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.status, 'error');
      assert.equal(res.body.code, code);
      assert.equal(res.body.details.type, 'idempotency_error');
    };

    const nativeCreateEmail = uniqueEmail('native');
    cases.push({
      name: 'native POST /v1/customers (form)',
      status: 200,
      send: (h, v) =>
        send(`${server.url}/v1/customers`, 'POST', nativeHeaders({ 'content-type': 'application/x-www-form-urlencoded', ...h }), `email=${nativeCreateEmail}&name=v${v}&metadata[n]=${v}`),
      effects: () => customersWith(nativeCreateEmail),
      mismatch: stripeMismatch,
      invalidKey: stripeInvalid,
    });
    const nativeUpdate = await fresh();
    cases.push({
      name: 'native POST /v1/customers/:id',
      status: 200,
      send: (h, v) =>
        send(`${server.url}/v1/customers/${toPrefixed('cus', nativeUpdate)}`, 'POST', nativeHeaders({ 'content-type': 'application/x-www-form-urlencoded', ...h }), `name=v${v}`),
      effects: () => versionOf(nativeUpdate),
      mismatch: stripeMismatch,
      invalidKey: stripeInvalid,
    });
    const nativeDeletes = [await fresh(), await fresh()];
    cases.push({
      name: 'native DELETE /v1/customers/:id',
      status: 200,
      send: (h, v) => send(`${server.url}/v1/customers/${toPrefixed('cus', nativeDeletes[v % 2]!)}`, 'DELETE', nativeHeaders(h)),
      effects: async () => (await versionOf(nativeDeletes[0]!)) + (await versionOf(nativeDeletes[1]!)),
      mismatch: stripeMismatch,
      invalidKey: stripeInvalid,
    });
    const assetEmail = uniqueEmail('asset');
    cases.push({
      name: 'Asset POST /business/{biz}/customers',
      status: 200,
      send: (h, v) => send(`${server.url}${customersPath(tenant)}`, 'POST', jsonHeaders(h, assetToken), JSON.stringify({ name: `v${v}`, email: assetEmail })),
      effects: () => customersWith(assetEmail),
      mismatch: assetMismatch,
      invalidKey: assetInvalid,
    });
    const assetUpdate = await fresh();
    cases.push({
      name: 'Asset PATCH /business/{biz}/customers/{id}',
      status: 200,
      send: (h, v) =>
        send(`${server.url}${customersPath(tenant)}/${toPrefixed('cus', assetUpdate)}`, 'PATCH', jsonHeaders(h, assetToken), JSON.stringify({ name: `v${v}` })),
      effects: () => versionOf(assetUpdate),
      mismatch: assetMismatch,
      invalidKey: assetInvalid,
    });
    const cpUpdate = await fresh();
    cases.push({
      name: 'CheckoutPage PATCH /customers/:customerId',
      status: 200,
      send: (h, v) => send(`${server.url}/checkoutpage/v1/customers/${cpUpdate}`, 'PATCH', jsonHeaders(h, tenant.keys.test), JSON.stringify({ name: `v${v}` })),
      effects: () => versionOf(cpUpdate),
      mismatch: cpError(/same parameters/),
      invalidKey: cpError(/Idempotency-Key/),
    });
    const atlasEmail = uniqueEmail('atlas');
    cases.push({
      name: 'Atlas POST /customers',
      status: 200,
      send: (h, v) => send(`${server.url}/atlas/functions/v1/customers`, 'POST', jsonHeaders(h, tenant.keys.test), JSON.stringify({ email: atlasEmail, name: `v${v}` })),
      effects: () => customersWith(atlasEmail),
      mismatch: atlasMismatch,
      invalidKey: atlasInvalid,
    });
    const atlasUpdate = await fresh();
    cases.push({
      name: 'Atlas PATCH /customers/:id',
      status: 200,
      send: (h, v) =>
        send(`${server.url}/atlas/functions/v1/customers/${toPrefixed('cus', atlasUpdate)}`, 'PATCH', jsonHeaders(h, tenant.keys.test), JSON.stringify({ name: `v${v}` })),
      effects: () => versionOf(atlasUpdate),
      mismatch: atlasMismatch,
      invalidKey: atlasInvalid,
    });
    const atlasDeletes = [await fresh(), await fresh()];
    cases.push({
      name: 'Atlas DELETE /customers/:id',
      status: 200,
      send: (h, v) => send(`${server.url}/atlas/functions/v1/customers/${toPrefixed('cus', atlasDeletes[v % 2]!)}`, 'DELETE', { authorization: `Bearer ${tenant.keys.test}`, ...h }),
      effects: async () => (await versionOf(atlasDeletes[0]!)) + (await versionOf(atlasDeletes[1]!)),
      mismatch: atlasMismatch,
      invalidKey: atlasInvalid,
    });
    const countEmail = uniqueEmail('count');
    const uuidOf = async (id: string) => customerIdToCount(id);
    cases.push({
      name: 'Count POST /customers',
      status: 201,
      send: (h, v) => count(h).createCustomer({ customer: `v${v}`, email: countEmail }),
      effects: () => customersWith(countEmail),
      mismatch: countError('IDEMPOTENCY_KEY_REUSED'),
      invalidKey: countError('INVALID_IDEMPOTENCY_KEY'),
    });
    const countUpdate = await fresh();
    const countUpdateUuid = await uuidOf(countUpdate);
    cases.push({
      name: 'Count PUT /customers/:uuid',
      status: 200,
      send: (h, v) => count(h).updateCustomer(countUpdateUuid, { customer: `v${v}` }),
      effects: () => versionOf(countUpdate),
      mismatch: countError('IDEMPOTENCY_KEY_REUSED'),
      invalidKey: countError('INVALID_IDEMPOTENCY_KEY'),
    });
    const countDeletes = [await fresh(), await fresh()];
    const countDeleteUuids = [await uuidOf(countDeletes[0]!), await uuidOf(countDeletes[1]!)];
    cases.push({
      name: 'Count DELETE /customers/:uuid',
      status: 200,
      send: (h, v) => count(h).deleteCustomer(countDeleteUuids[v % 2]!),
      effects: async () => (await versionOf(countDeletes[0]!)) + (await versionOf(countDeletes[1]!)),
      mismatch: countError('IDEMPOTENCY_KEY_REUSED'),
      invalidKey: countError('INVALID_IDEMPOTENCY_KEY'),
    });
    const bulkEmail = uniqueEmail('bulk');
    cases.push({
      name: 'Count POST /customers/bulk',
      status: 200,
      send: (h, v) => count(h).request('POST', '/customers/bulk', { customers: [{ customer: `v${v}`, email: bulkEmail }] }),
      effects: () => customersWith(bulkEmail),
      mismatch: countError('IDEMPOTENCY_KEY_REUSED'),
      invalidKey: countError('INVALID_IDEMPOTENCY_KEY'),
    });
    const bulkUpdate = await fresh();
    const bulkUpdateUuid = await uuidOf(bulkUpdate);
    cases.push({
      name: 'Count PATCH /customers/bulk',
      status: 200,
      send: (h, v) => count(h).request('PATCH', '/customers/bulk', { customers: [{ uuid: bulkUpdateUuid, customer: `v${v}` }] }),
      effects: () => versionOf(bulkUpdate),
      mismatch: countError('IDEMPOTENCY_KEY_REUSED'),
      invalidKey: countError('INVALID_IDEMPOTENCY_KEY'),
    });
    // Webhook endpoints (native) and subscriptions (Count): the same hook keeps their replies.
    const endpointsOf = async (flavor: 'stripe' | 'count') => (await server.store.listEndpoints(scope, flavor, { limit: 100 })).data.length;
    const updatedOf = async (id: string) => (await server.store.getEndpoint(scope, id))?.updated ?? 0;
    const goneOf = async (ids: string[]) => (await Promise.all(ids.map((id) => server.store.getEndpoint(scope, id)))).filter((e) => e === null).length;
    const freshEndpoint = async (flavor: 'stripe' | 'count') =>
      (await server.app.webhooks.create(scope, flavor, { url: 'http://127.0.0.1:9/idem', enabledEvents: ['customer.created'] })).endpoint.id;
    const form = (h: Record<string, string>) => nativeHeaders({ 'content-type': 'application/x-www-form-urlencoded', ...h });
    cases.push({
      name: 'native POST /v1/webhook_endpoints',
      status: 200,
      send: (h, v) => send(`${server.url}/v1/webhook_endpoints`, 'POST', form(h), `url=http://127.0.0.1:9/v${v}&enabled_events[]=*`),
      effects: () => endpointsOf('stripe'),
      mismatch: stripeMismatch,
      invalidKey: stripeInvalid,
    });
    const endpointUpdate = await freshEndpoint('stripe');
    for (const [name, path, body] of [
      ['native POST /v1/webhook_endpoints/:id', '', (v: number) => `description=v${v}`],
      ['native POST /v1/webhook_endpoints/:id/roll_secret', '/roll_secret', (v: number) => `expire_old_in=${v}`],
    ] as const) {
      cases.push({
        name,
        status: 200,
        send: (h, v) => send(`${server.url}/v1/webhook_endpoints/${toPrefixed('we', endpointUpdate)}${path}`, 'POST', form(h), body(v)),
        effects: () => updatedOf(endpointUpdate),
        mismatch: stripeMismatch,
        invalidKey: stripeInvalid,
      });
    }
    const endpointDeletes = [await freshEndpoint('stripe'), await freshEndpoint('stripe')];
    cases.push({
      name: 'native DELETE /v1/webhook_endpoints/:id',
      status: 200,
      send: (h, v) => send(`${server.url}/v1/webhook_endpoints/${toPrefixed('we', endpointDeletes[v % 2]!)}`, 'DELETE', nativeHeaders(h)),
      effects: () => goneOf(endpointDeletes),
      mismatch: stripeMismatch,
      invalidKey: stripeInvalid,
    });
    cases.push({
      name: 'Count POST /webhooks',
      status: 201,
      send: (h, v) => count(h).request('POST', '/webhooks', { event: 'customer.created', callbackUrl: `http://127.0.0.1:9/v${v}` }),
      effects: () => endpointsOf('count'),
      mismatch: countError('IDEMPOTENCY_KEY_REUSED'),
      invalidKey: countError('INVALID_IDEMPOTENCY_KEY'),
    });
    const subscriptionUpdate = await freshEndpoint('count');
    cases.push({
      name: 'Count PATCH /webhooks/:uuid',
      status: 200,
      send: (h, v) => count(h).request('PATCH', `/webhooks/${toUuid(subscriptionUpdate)}`, { callbackUrl: `http://127.0.0.1:9/v${v}` }),
      effects: () => updatedOf(subscriptionUpdate),
      mismatch: countError('IDEMPOTENCY_KEY_REUSED'),
      invalidKey: countError('INVALID_IDEMPOTENCY_KEY'),
    });
    const subscriptionDeletes = [await freshEndpoint('count'), await freshEndpoint('count')];
    cases.push({
      name: 'Count DELETE /webhooks/:uuid',
      status: 200,
      send: (h, v) => count(h).request('DELETE', `/webhooks/${toUuid(subscriptionDeletes[v % 2]!)}`),
      effects: () => goneOf(subscriptionDeletes),
      mismatch: countError('IDEMPOTENCY_KEY_REUSED'),
      invalidKey: countError('INVALID_IDEMPOTENCY_KEY'),
    });
    const taxed = await fresh();
    cases.push({
      name: 'native POST /v1/customers/:id/tax_ids',
      status: 200,
      send: (h, v) =>
        send(`${server.url}/v1/customers/${toPrefixed('cus', taxed)}/tax_ids`, 'POST', nativeHeaders({ 'content-type': 'application/x-www-form-urlencoded', ...h }), `type=ae_trn&value=10000000000000${v % 10}`),
      effects: () => versionOf(taxed),
      mismatch: stripeMismatch,
      invalidKey: stripeInvalid,
    });
    const untaxed = (await server.app.customers.create(scope, { tax_ids: [{ type: 'ae_trn', value: '200000000000001' }, { type: 'ae_trn', value: '200000000000002' }] }, { actor: 'system', surface: 'system', requestId: null }));
    cases.push({
      name: 'native DELETE /v1/customers/:id/tax_ids/:tax_id',
      status: 200,
      send: (h, v) => send(`${server.url}/v1/customers/${toPrefixed('cus', untaxed.id)}/tax_ids/${toPrefixed('txi', untaxed.tax_ids[v % 2]!.id)}`, 'DELETE', nativeHeaders(h)),
      effects: () => versionOf(untaxed.id),
      mismatch: stripeMismatch,
      invalidKey: stripeInvalid,
    });
    const nativeErasures = [await fresh(), await fresh()];
    cases.push({
      name: 'native POST /v1/customers/:id/erase',
      status: 200,
      send: (h, v) => send(`${server.url}/v1/customers/${toPrefixed('cus', nativeErasures[v % 2]!)}/erase`, 'POST', nativeHeaders(h)),
      effects: async () => (await versionOf(nativeErasures[0]!)) + (await versionOf(nativeErasures[1]!)),
      mismatch: stripeMismatch,
      invalidKey: stripeInvalid,
    });
  });
  after(async () => server?.close());

  it('covers every write route of every surface (a new write route must join this table)', async () => {
    const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const writes = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    // Retrying a delivery or recovering failed ones sends deliveries, which the key's reply does not undo: their
    // replays are the generic hook's (as above), but no record here counts them.
    const excluded = [
      'POST /asset/v0/auth/token', 'POST /count/partners/grant-access-token', 'POST /count/partners/refresh-user-access-token', 'PATCH /v1/customers/{id}',
      'POST /v1/webhook_endpoints/{id}/deliveries/{delivery_id}/retry', 'POST /v1/webhook_endpoints/{id}/recover',
    ];
    assert.equal(writes.filter((w) => !excluded.includes(w)).length, cases.length, `write routes: ${writes.join(', ')}`);
  });

  it('a retry with the same key and parameters gets the first response byte for byte and writes nothing', async () => {
    for (const c of cases) {
      const key = newKey();
      const before = await c.effects();
      const first = await c.send({ 'idempotency-key': key }, 1);
      assert.equal(first.status, c.status, `${c.name}: ${first.text}`);
      assert.equal(first.headers.get('idempotent-replayed'), null, c.name);
      const afterFirst = await c.effects();
      assert.ok(afterFirst > before, `${c.name}: the first request writes`);
      for (let i = 0; i < 2; i++) {
        const retry = await c.send({ 'idempotency-key': key }, 1);
        assert.equal(retry.status, first.status, c.name);
        assert.equal(retry.text, first.text, `${c.name}: same body, byte for byte`);
        assert.equal(retry.headers.get('idempotent-replayed'), 'true', c.name);
        assert.equal(retry.headers.get('content-type'), first.headers.get('content-type'), c.name);
        assert.equal(retry.headers.get('etag'), first.headers.get('etag'), c.name);
        assert.equal(retry.headers.get('original-request'), first.headers.get('request-id'), `${c.name}: names the request it replays`);
        assert.notEqual(retry.headers.get('request-id'), first.headers.get('request-id'));
      }
      assert.equal(await c.effects(), afterFirst, `${c.name}: retries write nothing`);
    }
  });

  it('the same key with other parameters → 400 (Atlas: 409) idempotency error in the surface\'s format, nothing written', async () => {
    for (const c of cases) {
      const key = newKey();
      const first = await c.send({ 'idempotency-key': key }, 2);
      assert.ok(first.status < 300, `${c.name}: ${first.text}`);
      const before = await c.effects();
      const other = await c.send({ 'idempotency-key': key }, 3);
      c.mismatch(other);
      assert.equal(await c.effects(), before, c.name);
    }
  });

  it('without a key every request writes; a key is scoped to tenant and mode', async () => {
    const c = cases[0]!;
    const before = await c.effects();
    await c.send({}, 4);
    await c.send({}, 4);
    assert.equal(await c.effects(), before + 2);
    // Another tenant (and live mode) may use the same key string for its own request.
    const key = newKey();
    assert.equal((await c.send({ 'idempotency-key': key }, 5)).status, 200);
    const other = await server.newTenant('Other');
    const res = await server.request('POST', '/v1/customers', { key: other.keys.test, form: 'name=other', headers: { 'idempotency-key': key } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('idempotent-replayed'), null);
    const live = await server.request('POST', '/v1/customers', { key: tenant.keys.live, form: 'name=live', headers: { 'idempotency-key': key } });
    assert.equal(live.status, 200, live.text);
    assert.equal(live.body.livemode, true);
    assert.equal(live.headers.get('idempotent-replayed'), null);
  });

  it('a key longer than 255 characters, empty or not printable → 400 in the surface\'s format, nothing written', async () => {
    for (const c of cases) {
      const before = await c.effects();
      c.invalidKey(await c.send({ 'idempotency-key': 'k'.repeat(256) }, 6));
      c.invalidKey(await c.send({ 'idempotency-key': '' }, 6));
      assert.equal(await c.effects(), before, c.name);
    }
    // 255 is fine.
    const ok = await cases[0]!.send({ 'idempotency-key': 'k'.repeat(255) }, 7);
    assert.equal(ok.status, 200, ok.text);
  });

  it('a request refused for its parameters does not use up its key: the corrected retry runs', async () => {
    const key = newKey();
    const bad = await server.request('POST', '/v1/customers', { form: 'email=not-an-email', headers: { 'idempotency-key': key } });
    assert.equal(bad.status, 400);
    const good = await server.request('POST', '/v1/customers', { form: `email=${uniqueEmail('fixed')}`, headers: { 'idempotency-key': key } });
    assert.equal(good.status, 200, good.text);
    assert.equal(good.headers.get('idempotent-replayed'), null);
  });

  it('an outcome such as 404 is remembered and replayed like a success', async () => {
    const key = newKey();
    const first = await server.request('POST', '/v1/customers/cus_000000000000000000000000', { form: 'name=x', headers: { 'idempotency-key': key } });
    assert.equal(first.status, 404);
    const retry = await server.request('POST', '/v1/customers/cus_000000000000000000000000', { form: 'name=x', headers: { 'idempotency-key': key } });
    assert.equal(retry.status, 404);
    assert.equal(retry.text, first.text);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
  });

  it('a reply holding a webhook secret is stored sealed, and its replay carries the secret', async () => {
    for (const [path, body] of [['/v1/webhook_endpoints', 'url=http://127.0.0.1:9/sealed&enabled_events[]=*'], ['roll', 'expire_old_in=0']] as const) {
      const key = newKey();
      const url = path === 'roll' ? `/v1/webhook_endpoints/${(await server.stripe().webhookEndpoints.create({ url: 'http://127.0.0.1:9/r', enabled_events: ['*'] })).id}/roll_secret` : path;
      const first = await server.request('POST', url, { form: body, headers: { 'idempotency-key': key } });
      assert.equal(first.status, 200, first.text);
      const secret = (first.body as { secret: string }).secret;
      assert.match(secret, /^whsec_/);
      const retry = await server.request('POST', url, { form: body, headers: { 'idempotency-key': key } });
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.equal(retry.text, first.text);
      // What the store holds: the claim of the same request finds the reply done, as stored.
      const stored = await server.store.claimIdempotencyKey({
        ref: { tenantId: tenant.id, mode: 'test', key },
        // As validated (ajv coerces expire_old_in to a number): what the server fingerprinted.
        fingerprint: requestFingerprint('POST', url, path === 'roll' ? { expire_old_in: 0 } : parseBracketForm(body)),
        owner: 'inspector',
        nowMs: Date.now(),
        leaseMs: 1000,
        ttlMs: 60_000,
      });
      assert.equal(stored.state, 'done', `${url}: ${stored.state}`);
      const storedBody = (stored as { reply: { body: string } }).reply.body;
      assert.ok(!storedBody.includes(secret) && !storedBody.includes('whsec_'), `${url}: stored in clear`);
    }
  });

  it('the Stripe SDK\'s idempotencyKey: a retried create returns the same customer', async () => {
    const stripe = server.stripe();
    const key = newKey();
    const a = await stripe.customers.create({ email: uniqueEmail('sdk'), name: 'SDK' }, { idempotencyKey: key });
    const b = await stripe.customers.create({ email: a.email!, name: 'SDK' }, { idempotencyKey: key });
    assert.equal(b.id, a.id);
    assert.equal(b.lastResponse.headers['idempotent-replayed'], 'true');
    const err = await stripe.customers.create({ email: a.email!, name: 'Other' }, { idempotencyKey: key }).catch((e: unknown) => e);
    assert.ok(err instanceof Error);
    assert.equal((err as { type?: string }).type, 'StripeIdempotencyError');
  });

  it('50 concurrent identical requests with one key → one write, 50 identical responses', async () => {
    for (const c of [cases[0]!, cases[9]!]) {
      const key = newKey();
      const before = await c.effects();
      const responses = await Promise.all(Array.from({ length: 50 }, () => c.send({ 'idempotency-key': key }, 8)));
      const statuses = new Set(responses.map((r) => r.status));
      assert.deepEqual([...statuses], [c.status], `${c.name}: ${[...statuses].join(',')} ${responses.find((r) => r.status !== c.status)?.text ?? ''}`);
      assert.equal(new Set(responses.map((r) => r.text)).size, 1, `${c.name}: 50 identical bodies`);
      assert.equal(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 49, c.name);
      assert.equal(await c.effects(), before + 1, `${c.name}: exactly one write`);
    }
  });
});

/** Servers built here, with a short wait for keys in use, and restarted on the same store. */
describe('Idempotency keys across waits, crashes and restarts', () => {
  let testStore: TestStore;
  const apps: App[] = [];
  let tenantKey = '';
  let tenantId = '';
  const secrets = new SecretBox(randomBytes(32));

  async function serve(store: Store): Promise<string> {
    const app = await buildApp({ store, secretBox: secrets, idempotency: { waitMs: 300 } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    apps.push(app);
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    return `http://127.0.0.1:${address.port}`;
  }

  before(async () => {
    testStore = await openTestStore();
    const made = await new TenantService(testStore.store, secrets).create('Restarts');
    tenantKey = made!.secrets.test;
    tenantId = made!.tenant.id;
  });
  after(async () => {
    for (const app of apps) await app.close();
    await testStore?.destroy();
  });

  const deleteWith = (url: string, id: string, key: string) =>
    send(`${url}/v1/customers/${toPrefixed('cus', id)}`, 'DELETE', { authorization: `Bearer ${tenantKey}`, 'idempotency-key': key });

  it('a key held by a request still running → 409 idempotency error after a bounded wait; nothing written', async () => {
    const url = await serve(testStore.store);
    const scope = { tenantId, mode: 'test' as const };
    const system = { actor: 'system', surface: 'system', requestId: null };
    const customer = await testStore.store.insertCustomer((await import('../../src/domain/customers/factory.ts')).newCustomer(scope, { name: 'held' }), system);
    const key = newKey();
    const path = `/v1/customers/${toPrefixed('cus', customer.id)}`;
    // Another server's request holds the key (same parameters: a DELETE with no body is `{}`).
    const claim = await testStore.store.claimIdempotencyKey({
      ref: { tenantId, mode: 'test', key },
      fingerprint: requestFingerprint('DELETE', path, {}),
      owner: 'someone-else',
      nowMs: Date.now(),
      leaseMs: 60_000,
      ttlMs: 60_000,
    });
    assert.equal(claim.state, 'claimed');
    const started = Date.now();
    const res = await deleteWith(url, customer.id, key);
    assert.equal(res.status, 409, res.text);
    assert.ok(Date.now() - started >= 250, 'it waited for the first request before giving up');
    assert.equal(res.body.error.type, 'idempotency_error');
    assert.equal(res.body.error.code, 'idempotency_key_in_use');
    assert.equal(res.headers.get('stripe-should-retry'), 'true');
    assert.equal((await testStore.store.getCustomer(scope, customer.id))!.deleted, false, 'nothing written');
    // The holder finishes: the retry now gets its response.
    const stored = { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"from":"the first request"}' };
    assert.equal(await testStore.store.completeIdempotencyKey({ tenantId, mode: 'test', key }, 'someone-else', stored), true);
    const replay = await deleteWith(url, customer.id, key);
    assert.equal(replay.status, 200);
    assert.equal(replay.text, stored.body);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
  });

  it('a key whose holder died (lease over, no response) is taken over by the retry, which runs once', async () => {
    const url = await serve(testStore.store);
    const scope = { tenantId, mode: 'test' as const };
    const { newCustomer } = await import('../../src/domain/customers/factory.ts');
    const customer = await testStore.store.insertCustomer(newCustomer(scope, { name: 'orphan' }), { actor: 'system', surface: 'system', requestId: null });
    const key = newKey();
    const path = `/v1/customers/${toPrefixed('cus', customer.id)}`;
    await testStore.store.claimIdempotencyKey({
      ref: { tenantId, mode: 'test', key },
      fingerprint: requestFingerprint('DELETE', path, {}),
      owner: 'crashed-server',
      nowMs: Date.now() - 120_000,
      leaseMs: 60_000,
      ttlMs: 24 * 3600_000,
    });
    const res = await deleteWith(url, customer.id, key);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.deleted, true);
    const again = await deleteWith(url, customer.id, key);
    assert.equal(again.text, res.text);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    // The crashed holder can no longer complete the key.
    assert.equal(await testStore.store.completeIdempotencyKey({ tenantId, mode: 'test', key }, 'crashed-server', { status: 500, headers: {}, body: '' }), false);
  });

  it('a write stores its response in its own transaction: the retry replays it even if the server dies before sending', async () => {
    // This server's store cannot complete keys after the fact (as if it died between the write's
    // commit and its response): only the write's own transaction can have stored the response.
    const forgetful = new Proxy(testStore.store, {
      get(target, prop, receiver) {
        if (prop === 'completeIdempotencyKey') return async () => false;
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const url = await serve(forgetful);
    const healthy = await serve(testStore.store);
    const key = newKey();
    const body = `name=atomic&email=${uniqueEmail('atomic')}`;
    const create = (at: string) =>
      send(`${at}/v1/customers`, 'POST', { authorization: `Bearer ${tenantKey}`, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key }, body);
    const first = await create(url);
    assert.equal(first.status, 200, first.text);
    const retry = await create(healthy);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal(retry.text, first.text);
  });

  it('keys survive a restart (SQLite file reopened) and are shared by servers on one PostgreSQL', async () => {
    const first = await serve(testStore.store);
    const key = newKey();
    const body = `name=restart&email=${uniqueEmail('restart')}`;
    const create = (url: string) =>
      send(`${url}/v1/customers`, 'POST', { authorization: `Bearer ${tenantKey}`, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key }, body);
    const original = await create(first);
    assert.equal(original.status, 200, original.text);
    // A new process on the same data: another store object on the same file or database.
    const reopened = TEST_STORE_KIND === 'sqlite' ? await SqliteStore.open(testStore.location) : await PostgresStore.open(testStore.location, { poolMax: 2 });
    try {
      const second = await serve(reopened);
      const retry = await create(second);
      assert.equal(retry.status, 200);
      assert.equal(retry.text, original.text);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.equal(canonical(retry.body.id), canonical(original.body.id));
    } finally {
      await apps.pop()?.close();
      await reopened.close();
    }
  });

  it('expired keys are swept, and a swept key starts afresh', async () => {
    const key = newKey();
    const ref = { tenantId, mode: 'test' as const, key };
    const request = { ref, fingerprint: 'f', owner: 'o', nowMs: Date.now() - 10_000, leaseMs: 1000, ttlMs: 5000 };
    assert.equal((await testStore.store.claimIdempotencyKey(request)).state, 'claimed');
    assert.ok((await testStore.store.deleteExpiredIdempotencyKeys(Date.now())) >= 1);
    const again = await testStore.store.claimIdempotencyKey({ ...request, fingerprint: 'g', owner: 'p', nowMs: Date.now() });
    assert.equal(again.state, 'claimed', 'a new request may use the key once it has expired');
  });
});
