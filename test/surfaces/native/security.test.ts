import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { startServer, stripeError, type TestServer } from '../../helpers/server.ts';
import { buildApp } from '../../../src/server/app.ts';
import { loggerOptions } from '../../../src/server/logging.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { TenantService } from '../../../src/domain/tenants/tenant-service.ts';

describe('authentication', () => {
  let server: TestServer;
  before(async () => (server = await startServer()));
  after(async () => server.close());

  it("is 401 without a key, typed invalid_request_error with Stripe's message, as Stripe answers", async () => {
    const res = await server.request('GET', '/v1/customers', { key: null });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.type, 'invalid_request_error');
    assert.match(res.body.error.message, /did not provide an API key/);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic/);
  });

  it('is 401 for a wrong, malformed or publishable-looking key, masking it in the message', async () => {
    const wrong = 'sk_test_' + 'A'.repeat(43);
    const res = await server.request('GET', '/v1/customers', { key: wrong });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.type, 'invalid_request_error');
    assert.ok(!res.text.includes(wrong), 'the full key must not be echoed');
    assert.match(res.body.error.message, /Invalid API Key provided: sk_test_\*+AAAA/);
    for (const key of ['pk_test_abc', 'garbage', 'sk_test_', '']) {
      const r = await server.request('GET', '/v1/customers', { key: null, headers: { authorization: `Bearer ${key}` } });
      assert.equal(r.status, 401, key);
    }
    const sdk = await stripeError(server.stripe(wrong).customers.list());
    assert.equal(sdk.type, 'StripeAuthenticationError');
  });

  it('accepts HTTP Basic with the key as user name, as curl -u key: sends it', async () => {
    const basic = Buffer.from(`${server.tenant.keys.test}:`).toString('base64');
    const res = await server.request('GET', '/v1/customers', { key: null, headers: { authorization: `Basic ${basic}` } });
    assert.equal(res.status, 200, res.text);
    const wrong = Buffer.from('sk_test_nope:').toString('base64');
    assert.equal((await server.request('GET', '/v1/customers', { key: null, headers: { authorization: `Basic ${wrong}` } })).status, 401);
  });

  it('refuses malformed Authorization headers, even around a valid key', async () => {
    const key = server.tenant.keys.test;
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    for (const authorization of [
      `Bearer ${key} junk`,
      `Bearer  ${key} ${key}`,
      `Basic ${b64(`${key} extra`)}`,
      `Basic ${b64(key)}`, // no colon
      `Basic ${b64(`${key}:`)} junk`,
      `Basic ${b64(`${key}:`)}!!`,
      `Token ${key}`,
      key,
    ]) {
      const res = await server.request('GET', '/v1/customers', { key: null, headers: { authorization } });
      assert.equal(res.status, 401, authorization);
      assert.equal(res.body.error.type, 'invalid_request_error');
    }
    assert.equal((await server.request('GET', '/v1/customers', { key: null, headers: { authorization: `  bearer ${key}  ` } })).status, 200, 'the scheme is case-insensitive; outer spaces are not part of the header');
  });

  it('checks the key before the body: a bad body without a key is still 401', async () => {
    const res = await server.request('POST', '/v1/customers', { key: null, form: 'nonsense=1' });
    assert.equal(res.status, 401);
  });

  it('stops a rolled key at once, or after its grace period', async () => {
    const t = await server.newTenant('Roller');
    const rolled = await server.tenants.rollKey(t.id, 'test');
    assert.equal((await server.request('GET', '/v1/customers', { key: t.keys.test })).status, 401);
    const expired = await server.request('GET', '/v1/customers', { key: t.keys.test });
    assert.equal(expired.body.error.code, 'api_key_expired');
    assert.equal((await server.request('GET', '/v1/customers', { key: rolled.secret })).status, 200);
    assert.equal((await server.request('GET', '/v1/customers', { key: t.keys.live })).status, 200, 'live key unaffected');
    const graced = await server.tenants.rollKey(t.id, 'test', 3600);
    assert.equal((await server.request('GET', '/v1/customers', { key: rolled.secret })).status, 200);
    assert.equal((await server.request('GET', '/v1/customers', { key: graced.secret })).status, 200);
  });
});

describe('isolation', () => {
  let server: TestServer;
  let a: Stripe;
  let b: Stripe;
  let aLive: Stripe;
  let customer: Stripe.Customer;
  before(async () => {
    server = await startServer();
    const other = await server.newTenant('Tenant B');
    a = server.stripe();
    aLive = server.stripe(server.tenant.keys.live);
    b = server.stripe(other.keys.test);
    customer = await a.customers.create({ name: 'Secret', email: 'secret@example.com', metadata: { k: 'v' } });
  });
  after(async () => server.close());

  for (const [label, client] of [
    ['another tenant', () => b],
    ["the same tenant's live mode", () => aLive],
  ] as const) {
    it(`hides a customer from ${label}: 404 on every route, absent from list and search`, async () => {
      const s = client();
      assert.equal((await stripeError(s.customers.retrieve(customer.id))).statusCode, 404);
      assert.equal((await stripeError(s.customers.update(customer.id, { name: 'stolen' }))).statusCode, 404);
      assert.equal((await stripeError(s.customers.del(customer.id))).statusCode, 404);
      assert.equal((await s.customers.list({ limit: 100 })).data.length, 0);
      assert.equal((await s.customers.list({ email: 'secret@example.com' })).data.length, 0);
      assert.equal((await s.customers.search({ query: 'email:"secret@example.com"' })).data.length, 0);
      assert.equal((await s.customers.search({ query: 'metadata["k"]:"v"' })).data.length, 0);
      assert.equal((await stripeError(s.customers.list({ starting_after: customer.id }))).statusCode, 404);
      const still = (await a.customers.retrieve(customer.id)) as Stripe.Customer;
      assert.equal(still.name, 'Secret');
    });
  }
});

describe('logging', () => {
  it('never writes a secret key to the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clientele-log-'));
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const store = await SqliteStore.open(join(dir, 'c.sqlite'));
    const app = await buildApp({ store, logger: loggerOptions('trace', stream) });
    try {
      const made = (await new TenantService(store).create('Logged'))!;
      for (const key of [made.secrets.test, 'sk_test_' + 'B'.repeat(43)]) {
        await app.inject({ method: 'GET', url: '/v1/customers', headers: { authorization: `Bearer ${key}` } });
        await app.inject({ method: 'POST', url: '/v1/customers', headers: { authorization: `Basic ${Buffer.from(key + ':').toString('base64')}` }, payload: 'name=x' });
      }
      // Personal data in paths and queries: the log keeps route patterns and query names only.
      await app.inject({ method: 'GET', url: '/v1/customers?email=kelly.logged%40x.example&limit=3', headers: { authorization: `Bearer ${made.secrets.test}` } });
      await app.inject({ method: 'GET', url: "/v1/customers/search?query=name~'Secretname'", headers: { authorization: `Bearer ${made.secrets.test}` } });
      await app.inject({ method: 'GET', url: '/v1/customers/kelly.path%40x.example', headers: { authorization: `Bearer ${made.secrets.test}` } });
      await app.inject({ method: 'GET', url: '/v1/nowhere/kelly.nowhere@x.example', headers: { authorization: `Bearer ${made.secrets.test}` } });
      const log = lines.join('');
      assert.ok(log.length > 0, 'something was logged');
      for (const personal of ['kelly.logged', 'Secretname', 'kelly.path', 'kelly.nowhere']) assert.ok(!log.includes(personal), `${personal} leaked into the log`);
      assert.match(log, /"url":"\/v1\/customers\?email=…&limit=…"/);
      assert.match(log, /"url":"\/v1\/customers\/:id"/);
      assert.ok(!log.includes(made.secrets.test), 'the test key leaked into the log');
      assert.ok(!log.includes('B'.repeat(43)), 'a presented key leaked into the log');
    } finally {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
