/**
 * Rate limits on every surface (src/http/rate-limits.ts), on the store the run chooses: each
 * vendor's documented default reached → 429 in that surface's format with Retry-After and its
 * headers; one key's, client's, store's or business's budget never touches another's; Atlas's
 * concurrency gate; the native API unlimited unless the tenant turns Stripe's numbers on; tenant
 * overrides; and limits off for a process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { loadConfig } from '../../src/config.ts';
import { hashSecret } from '../../src/domain/tenants/secret-keys.ts';
import { type RateLimitRule, type TenantSettings, DEFAULT_TENANT_SETTINGS } from '../../src/domain/tenants/tenant.ts';
import type { Store } from '../../src/domain/store-port.ts';
import { startServer, type TestServer, type TestTenant } from '../helpers/server.ts';
import { openTestStore } from '../helpers/stores.ts';
import { CountClient } from '../surfaces/count/count-client.ts';
import { RATE_LIMITS, RATE_LIMIT_NAMES, describeRule, effectiveRule, type RateLimitName } from '../../src/domain/tenants/rate-limit-policy.ts';
import { parseRateLimitOverride } from '../../src/domain/tenants/rate-limit-overrides.ts';

const ATLAS = '/atlas/functions/v1';
const CP = '/checkoutpage/v1';
const ASSET = '/asset/v0';
const COUNT = '/count/partners';

type Res = Awaited<ReturnType<TestServer['request']>>;

/** Runs `n` calls, at most `concurrency` at a time; the results in call order. */
async function burst<T>(n: number, call: (i: number) => Promise<T>, concurrency = 10): Promise<T[]> {
  const results = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        results[i] = await call(i);
      }
    }),
  );
  return results;
}

function statuses(results: { status: number }[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of results) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

/** Retry-After: whole seconds, at least 1, at most the window. */
function assertRetryAfter(res: { headers: Headers }, maxSeconds: number): number {
  const value = res.headers.get('retry-after');
  assert.ok(value !== null && /^\d+$/.test(value), `Retry-After: ${value}`);
  const n = Number(value);
  assert.ok(n >= 1 && n <= maxSeconds, `Retry-After ${n} not in 1..${maxSeconds}`);
  return n;
}

/** A reset given as unix seconds: within the window from now. */
function assertUnixReset(value: string | null, windowSeconds: number): void {
  assert.ok(value !== null && /^\d+$/.test(value), `reset: ${value}`);
  const now = Date.now() / 1000;
  const reset = Number(value);
  assert.ok(reset >= Math.floor(now) && reset <= Math.ceil(now) + windowSeconds + 1, `reset ${reset} is not unix seconds within ${windowSeconds} s of ${now}`);
}

/** The raw header names of one GET, as sent on the wire. */
function rawHeaderNames(url: string, authorization: string): Promise<{ status: number; names: string[] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { authorization }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, names: res.rawHeaders.filter((_, i) => i % 2 === 0) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function setLimits(server: TestServer, tenant: TestTenant, settings: Partial<TenantSettings>): Promise<void> {
  await server.store.updateTenantSettings(tenant.id, settings);
}

const countClient = (server: TestServer, tenant: TestTenant, mode: 'test' | 'live' = 'test') =>
  new CountClient({ baseUrl: server.url + COUNT, clientId: tenant.clients[mode].client_id, clientSecret: tenant.clients[mode].client_secret, headers: { authorization: `Bearer ${tenant.keys[mode]}` } });

async function assetToken(server: TestServer, tenant: TestTenant, mode: 'test' | 'live' = 'test'): Promise<Res> {
  const c = tenant.clients[mode];
  const form = new URLSearchParams({ client_id: c.client_id, client_secret: c.client_secret, grant_type: 'client_credentials' });
  return server.request('POST', `${ASSET}/auth/token`, { key: null, form: form.toString() });
}

async function keyIdOf(store: Store, secret: string): Promise<string> {
  const found = await store.findApiKey(hashSecret(secret));
  assert.ok(found);
  return found.key.id;
}

// ---------------------------------------------------------------------------------------------

describe('rate limit table and rules', () => {
  it('names every limit once, with the documented default', () => {
    const rule = (name: RateLimitName, mode: 'test' | 'live' = 'test', settings: TenantSettings = DEFAULT_TENANT_SETTINGS) => effectiveRule(name, mode, settings);
    assert.deepEqual(RATE_LIMIT_NAMES.sort(), [
      'asset.business', 'asset.tenant', 'atlas.concurrent', 'atlas.daily', 'atlas.key', 'checkoutpage.key', 'checkoutpage.store', 'count.client', 'native.read', 'native.write',
    ]);
    assert.deepEqual(rule('count.client'), { max: 100, window_seconds: 60 });
    assert.deepEqual(rule('atlas.key'), { max: 1000, window_seconds: 60 });
    assert.deepEqual(rule('atlas.daily'), { max: 100_000, window_seconds: 86_400 });
    assert.equal(rule('atlas.concurrent')?.max, 50);
    assert.deepEqual(rule('asset.tenant'), { max: 300, window_seconds: 60 });
    assert.deepEqual(rule('asset.business'), { max: 300, window_seconds: 60 });
    assert.deepEqual(rule('checkoutpage.key'), { max: 100, window_seconds: 60 });
    assert.deepEqual(rule('checkoutpage.store'), { max: 500, window_seconds: 60 });
    assert.equal(rule('native.read'), null);
    assert.equal(rule('native.write', 'live'), null);
    const stripe = { ...DEFAULT_TENANT_SETTINGS, native_rate_limits: 'stripe' as const };
    assert.deepEqual(rule('native.read', 'live', stripe), { max: 100, window_seconds: 1 });
    assert.deepEqual(rule('native.write', 'live', stripe), { max: 100, window_seconds: 1 });
    assert.deepEqual(rule('native.read', 'test', stripe), { max: 25, window_seconds: 1 });
    assert.deepEqual(rule('native.write', 'test', stripe), { max: 25, window_seconds: 1 });
    for (const name of RATE_LIMIT_NAMES) assert.ok(RATE_LIMITS[name].source.length > 10, `${name} names its source`);
  });

  it('tenant overrides: a rule replaces the default, null turns the limit off, a malformed rule is ignored', () => {
    const with_ = (rate_limits: Record<string, RateLimitRule | null>, extra: Partial<TenantSettings> = {}): TenantSettings => ({
      ...DEFAULT_TENANT_SETTINGS,
      ...extra,
      rate_limits,
    });
    assert.deepEqual(effectiveRule('count.client', 'test', with_({ 'count.client': { max: 3, window_seconds: 10 } })), { max: 3, window_seconds: 10 });
    assert.equal(effectiveRule('count.client', 'test', with_({ 'count.client': null })), null);
    assert.deepEqual(effectiveRule('count.client', 'test', with_({ 'count.client': { max: -1, window_seconds: 10 } })), { max: 100, window_seconds: 60 });
    assert.deepEqual(effectiveRule('count.client', 'test', with_({ 'count.client': { max: 5, window_seconds: 0 } })), { max: 100, window_seconds: 60 });
    // The native API: an explicit rule turns a limit on; null turns Stripe's off.
    assert.deepEqual(effectiveRule('native.read', 'test', with_({ 'native.read': { max: 7, window_seconds: 2 } })), { max: 7, window_seconds: 2 });
    assert.equal(effectiveRule('native.write', 'test', with_({ 'native.read': { max: 7, window_seconds: 2 } })), null);
    assert.equal(effectiveRule('native.write', 'live', with_({ 'native.write': null }, { native_rate_limits: 'stripe' })), null);
    assert.deepEqual(effectiveRule('atlas.concurrent', 'test', with_({ 'atlas.concurrent': { max: 2, window_seconds: 0 } })), { max: 2, window_seconds: 0 });
  });

  it('parses --rate-limit arguments and describes rules', () => {
    assert.deepEqual(parseRateLimitOverride('count.client=10/60'), { name: 'count.client', rule: { max: 10, window_seconds: 60 } });
    assert.deepEqual(parseRateLimitOverride('atlas.key=off'), { name: 'atlas.key', rule: null });
    assert.deepEqual(parseRateLimitOverride('atlas.key=default'), { name: 'atlas.key', rule: 'default' });
    assert.deepEqual(parseRateLimitOverride('atlas.concurrent=5'), { name: 'atlas.concurrent', rule: { max: 5, window_seconds: 0 } });
    for (const bad of ['nope=1/1', 'count.client', 'count.client=10', 'count.client=10/0', 'count.client=x/60', 'atlas.concurrent=5/60', 'count.client=1/9999999']) {
      assert.throws(() => parseRateLimitOverride(bad), Error, bad);
    }
    assert.equal(describeRule('count.client', { max: 100, window_seconds: 60 }), '100 requests per minute per client id');
    assert.equal(describeRule('native.read', { max: 25, window_seconds: 1 }), '25 requests per second per account for reads');
    assert.equal(describeRule('atlas.concurrent', { max: 50, window_seconds: 0 }), '50 requests in flight at once per API key');
  });

  it('CLIENTELE_RATE_LIMITS: on by default, off switches them off, anything else is refused', () => {
    assert.equal(loadConfig({}).rateLimits, true);
    assert.equal(loadConfig({ CLIENTELE_RATE_LIMITS: 'off' }).rateLimits, false);
    assert.equal(loadConfig({ CLIENTELE_RATE_LIMITS: 'on' }).rateLimits, true);
    assert.throws(() => loadConfig({ CLIENTELE_RATE_LIMITS: 'no' }), /CLIENTELE_RATE_LIMITS must be on or off/);
    assert.equal(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(loadConfig({}).redisUrl, null);
  });
});

describe('rate limits over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(undefined, { rateLimits: { enabled: true } });
  });
  after(async () => server?.close());

  it('Count: 100 requests a minute per client id, then 429 in Count’s envelope; other clients and keys unaffected', async () => {
    const tenant = await server.newTenant('Count limits');
    const client = countClient(server, tenant);
    const ok = await burst(100, () => client.listCustomers({ limit: 1 }));
    assert.deepEqual(statuses(ok), { 200: 100 });
    assert.equal(ok[0]!.headers.get('x-ratelimit-limit'), '100');
    const refused = await client.listCustomers({ limit: 1 });
    assert.equal(refused.status, 429, refused.text);
    assert.deepEqual(Object.keys(refused.body), ['status', 'message', 'code', 'details']);
    assert.equal(refused.body.status, 'error');
    assert.equal(refused.body.code, 'RATE_LIMIT_EXCEEDED');
    assert.match(refused.body.message, /100 requests per minute per client id/);
    const retryAfter = assertRetryAfter(refused, 60);
    assert.equal(refused.body.details.retryAfter, retryAfter);
    assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
    // A write is refused too, before its body is even looked at.
    assert.equal((await client.createCustomer({ customer: 'X' })).status, 429);

    // The live client of the same tenant, a partner application acting for it, and another tenant's client: their own budgets.
    assert.equal((await countClient(server, tenant, 'live').listCustomers()).status, 200);
    const partner = await server.app.partners.createApp('Limited partner', ['https://partner.example/cb']);
    const code = await server.app.partners.issueCode(partner.app, 'https://partner.example/cb', (await server.store.getTenant(tenant.id))!, 'test');
    const { accessToken } = await server.app.partners.exchangeCode(partner.app, code);
    const viaPartner = new CountClient({ baseUrl: server.url + COUNT, clientId: partner.app.id, clientSecret: partner.secret, headers: { authorization: `Bearer ${accessToken}` } });
    const partnerList = await viaPartner.listCustomers();
    assert.equal(partnerList.status, 200, partnerList.text);
    const other = await server.newTenant('Count other');
    assert.equal((await countClient(server, other).listCustomers()).status, 200);
  });

  it('Atlas: 1,000 requests a minute per key with X-RateLimit-* (reset in unix seconds), then 429 in Atlas’s format', async () => {
    const tenant = await server.newTenant('Atlas limits');
    const first = await server.request('GET', `${ATLAS}/customers?limit=1`, { key: tenant.keys.test });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.get('x-ratelimit-limit'), '1000');
    assert.equal(first.headers.get('x-ratelimit-remaining'), '999');
    assertUnixReset(first.headers.get('x-ratelimit-reset'), 60);
    const wire = await rawHeaderNames(`${server.url}${ATLAS}/customers?limit=1`, `Bearer ${tenant.keys.test}`);
    assert.equal(wire.status, 200);
    for (const name of ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']) assert.ok(wire.names.includes(name), `${name} in ${wire.names.join(', ')}`);

    const rest = await burst(998, () => server.request('GET', `${ATLAS}/customers/cus_000000000000000000`, { key: tenant.keys.test }), 20);
    assert.deepEqual(statuses(rest), { 404: 998 });
    assert.equal(rest.at(-1)!.headers.get('x-ratelimit-remaining') !== null, true);
    const refused = await server.request('GET', `${ATLAS}/customers`, { key: tenant.keys.test });
    assert.equal(refused.status, 429, refused.text);
    assert.deepEqual(refused.body, {
      error: {
        type: 'rate_limit_error',
        code: null,
        message: refused.body.error.message,
        decline_code: null,
        param: null,
        request_id: refused.headers.get('request-id'),
        doc_url: 'https://docs.atlaspay.cc/developer/errors',
      },
    });
    assert.match(refused.body.error.message, /1000 requests per minute per API key/);
    assertRetryAfter(refused, 60);
    assert.equal(refused.headers.get('x-ratelimit-limit'), '1000');
    assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
    assertUnixReset(refused.headers.get('x-ratelimit-reset'), 60);

    // The live key of the same tenant has its own budget.
    const live = await server.request('GET', `${ATLAS}/customers`, { key: tenant.keys.live });
    assert.equal(live.status, 200, live.text);
    assert.equal(live.headers.get('x-ratelimit-remaining'), '999');
  });

  it('Asset: 300 business-level requests a minute per business, lower-case headers, 429 as FastAPI’s detail; tenant-level requests counted apart', async () => {
    const tenant = await server.newTenant('Asset limits');
    const token = await assetToken(server, tenant);
    assert.equal(token.status, 200, token.text);
    const path = `${ASSET}/business/${tenant.wireId}/customers`;
    const wire = await rawHeaderNames(`${server.url}${path}`, `Bearer ${token.body.access_token}`);
    assert.equal(wire.status, 200);
    for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) assert.ok(wire.names.includes(name), `${name} in ${wire.names.join(', ')}`);
    const ok = await burst(299, () => server.request('GET', path, { key: token.body.access_token }));
    assert.deepEqual(statuses(ok), { 200: 299 });
    assert.equal(ok[0]!.headers.get('x-ratelimit-limit'), '300');
    assertUnixReset(ok[0]!.headers.get('x-ratelimit-reset'), 60);
    const refused = await server.request('GET', path, { key: token.body.access_token });
    assert.equal(refused.status, 429, refused.text);
    assert.deepEqual(Object.keys(refused.body), ['detail']);
    assert.match(refused.body.detail, /300 requests per minute per business/);
    assertRetryAfter(refused, 60);
    assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
    assertUnixReset(refused.headers.get('x-ratelimit-reset'), 60);

    // Tenant-level requests (the token endpoint) have their own budget, as Asset documents.
    const again = await assetToken(server, tenant);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.headers.get('x-ratelimit-limit'), '300');
    assert.equal(again.headers.get('x-ratelimit-remaining'), '298');
    // The same business in live mode, and another business: their own budgets.
    const liveToken = await assetToken(server, tenant, 'live');
    assert.equal((await server.request('GET', path, { key: liveToken.body.access_token })).status, 200);
    const other = await server.newTenant('Asset other');
    const otherToken = await assetToken(server, other);
    assert.equal((await server.request('GET', `${ASSET}/business/${other.wireId}/customers`, { key: otherToken.body.access_token })).status, 200);
  });

  it('Asset: the token endpoint past its tenant-level limit answers 429 in OAuth’s format', async () => {
    const tenant = await server.newTenant('Asset token limits');
    await setLimits(server, tenant, { rate_limits: { 'asset.tenant': { max: 2, window_seconds: 60 } } });
    assert.equal((await assetToken(server, tenant)).status, 200);
    assert.equal((await assetToken(server, tenant)).status, 200);
    const refused = await assetToken(server, tenant);
    assert.equal(refused.status, 429, refused.text);
    assert.deepEqual(Object.keys(refused.body), ['error', 'error_description']);
    assert.equal(refused.body.error, 'slow_down');
    assert.match(refused.body.error_description, /2 requests per minute per tenant/);
    assertRetryAfter(refused, 60);
    // Failed client authentication is not a tenant's request: still 401, not 429.
    const wrong = await server.request('POST', `${ASSET}/auth/token`, {
      key: null,
      form: new URLSearchParams({ client_id: tenant.clients.test.client_id, client_secret: 'nope', grant_type: 'client_credentials' }).toString(),
    });
    assert.equal(wrong.status, 401, wrong.text);
  });

  it('CheckoutPage: 100 a minute per key and 500 a minute per store, 429 in CheckoutPage’s format', async () => {
    const tenant = await server.newTenant('CheckoutPage limits');
    const keyA = tenant.keys.test;
    const okA = await burst(100, () => server.request('GET', `${CP}/customers?limit=1`, { key: keyA }));
    assert.deepEqual(statuses(okA), { 200: 100 });
    assert.equal(okA[0]!.headers.get('x-ratelimit-limit'), '100');
    const refused = await server.request('GET', `${CP}/customers`, { key: keyA });
    assert.equal(refused.status, 429, refused.text);
    assert.deepEqual(refused.body, {
      status: 'error',
      type: 'error',
      message: 'Too Many Requests',
      errors: [{ param: 'request', message: refused.body.errors[0].message, value: null }],
    });
    assert.match(refused.body.errors[0]!.message, /100 requests per minute per API key/);
    assertRetryAfter(refused, 60);

    // Other keys of the same store: their own 100 each, until the store's 500 are used up.
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) keys.push((await server.tenants.rollKey(tenant.id, 'test', 3600)).secret);
    const more = await burst(400, (i) => server.request('GET', `${CP}/customers?limit=1`, { key: keys[i % 5]! }));
    assert.deepEqual(statuses(more), { 200: 400 });
    const storeRefused = await server.request('GET', `${CP}/customers`, { key: keys[0]! });
    assert.equal(storeRefused.status, 429, storeRefused.text);
    assert.match(storeRefused.body.errors[0].message, /500 requests per minute per store/);
    assertRetryAfter(storeRefused, 60);
    // The live store is another store.
    assert.equal((await server.request('GET', `${CP}/customers`, { key: tenant.keys.live })).status, 200);
  });

  it('native: unlimited by default; no rate-limit headers', async () => {
    const tenant = await server.newTenant('Native unlimited');
    const results = await burst(300, () => server.request('GET', '/v1/customers?limit=1', { key: tenant.keys.test }), 10);
    assert.deepEqual(statuses(results), { 200: 300 });
    assert.equal(results[0]!.headers.get('x-ratelimit-limit'), null);
  });

  it("native: Stripe's numbers when the tenant turns them on (25/s in test mode, 100/s live), 429 in Stripe's envelope", async () => {
    const tenant = await server.newTenant('Native stripe');
    await setLimits(server, tenant, { native_rate_limits: 'stripe' });
    for (const [mode, max] of [['test', 25], ['live', 100]] as const) {
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: max + 10 }, () => server.request('GET', '/v1/customers?limit=1', { key: tenant.keys[mode] })));
      const elapsed = Date.now() - started;
      const counts = statuses(results);
      assert.ok((counts[429] ?? 0) >= 1, `${mode}: expected 429s, got ${JSON.stringify(counts)}`);
      // Within one second, exactly the budget got through; a slow machine may span two windows.
      if (elapsed < 900) assert.equal(counts[200], max, `${mode}: ${JSON.stringify(counts)} in ${elapsed} ms`);
      else assert.ok((counts[200] ?? 0) <= max * Math.ceil(elapsed / 1000 + 1));
      const refused = results.find((r) => r.status === 429)!;
      assert.equal(refused.body.error.type, 'invalid_request_error');
      assert.equal(refused.body.error.code, 'rate_limit');
      assert.match(refused.body.error.message, new RegExp(`${max} requests per second per account for reads`));
      assert.equal(refused.headers.get('retry-after'), '1');
    }
  });

  it('native: reads and writes have separate budgets; an explicit override turns a limit on', async () => {
    const tenant = await server.newTenant('Native overrides');
    await setLimits(server, tenant, { rate_limits: { 'native.read': { max: 3, window_seconds: 60 }, 'native.write': { max: 2, window_seconds: 60 } } });
    const reads = await burst(4, () => server.request('GET', '/v1/customers', { key: tenant.keys.test }), 1);
    assert.deepEqual(reads.map((r) => r.status), [200, 200, 200, 429]);
    const writes = await burst(3, (i) => server.request('POST', '/v1/customers', { key: tenant.keys.test, form: `name=W${i}` }), 1);
    assert.deepEqual(writes.map((r) => r.status), [200, 200, 429]);
    assert.match(writes[2]!.body.error.message, /2 requests per minute per account for writes/);
  });

  it('per-tenant overrides on every vendor surface, and null turns a documented limit off', async () => {
    const tenant = await server.newTenant('Overrides');
    const rule = { max: 3, window_seconds: 60 };
    await setLimits(server, tenant, {
      rate_limits: { 'count.client': rule, 'atlas.key': rule, 'asset.business': rule, 'checkoutpage.key': null, 'checkoutpage.store': rule },
    });
    const token = (await assetToken(server, tenant)).body.access_token as string;
    const client = countClient(server, tenant);
    const calls: [string, () => Promise<{ status: number; headers: Headers }>][] = [
      ['count', () => client.listCustomers()],
      ['atlas', () => server.request('GET', `${ATLAS}/customers`, { key: tenant.keys.test })],
      ['asset', () => server.request('GET', `${ASSET}/business/${tenant.wireId}/customers`, { key: token })],
      ['checkoutpage', () => server.request('GET', `${CP}/customers`, { key: tenant.keys.test })],
    ];
    for (const [surface, call] of calls) {
      const results = await burst(4, call, 1);
      assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 429], surface);
      assert.equal(results[0]!.headers.get('x-ratelimit-limit'), '3', surface);
    }
    // count.client off: well past the documented 100.
    await setLimits(server, tenant, { rate_limits: { 'count.client': null } });
    const many = await burst(120, () => client.listCustomers({ limit: 1 }));
    assert.deepEqual(statuses(many), { 200: 120 });
  });

  it('a 429 does not use up an Idempotency-Key; a new window lets the request through', async () => {
    const tenant = await server.newTenant('Idempotent 429');
    await setLimits(server, tenant, { rate_limits: { 'atlas.key': { max: 1, window_seconds: 1 } } });
    const body = { email: 'idem@example.com', name: 'Idem' };
    const headers = { 'idempotency-key': 'rate-limited-then-ok' };
    // Use up a window: the first request opens it.
    assert.equal((await server.request('GET', `${ATLAS}/customers`, { key: tenant.keys.test })).status, 200);
    const refused = await server.request('POST', `${ATLAS}/customers`, { key: tenant.keys.test, json: body, headers });
    assert.equal(refused.status, 429, refused.text);
    await new Promise((r) => setTimeout(r, 1100));
    const created = await server.request('POST', `${ATLAS}/customers`, { key: tenant.keys.test, json: body, headers });
    assert.ok(created.status === 200 || created.status === 201, created.text);
    assert.equal(created.headers.get('idempotent-replayed'), null);
  });
});

describe('Atlas: 100,000 requests a day per key', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(undefined, { rateLimits: { enabled: true } });
  });
  after(() => server.close());

  it('past the daily budget a key gets 429 even while its per-minute budget has room; another key does not', async () => {
    const tenant = await server.newTenant('Daily budget');
    await setLimits(server, tenant, { rate_limits: { 'atlas.daily': { max: 3, window_seconds: 86_400 } } });
    const list = (key: string) => server.request('GET', `${ATLAS}/customers`, { key });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await list(tenant.keys.test));
    assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 429]);
    const refused = results[3]!;
    assert.equal(refused.body.error.type, 'rate_limit_error');
    assert.match(refused.body.error.message, /3 requests per day per API key/);
    assert.ok(Number(refused.headers.get('retry-after')) > 3600, 'Retry-After points to the next day');
    assert.equal((await list(tenant.keys.live)).status, 200, 'the live key has its own budget');
  });
});

describe('Atlas: 50 requests in flight per key (per process)', () => {
  let server: TestServer;
  let destroy: () => Promise<void>;
  /** Requests listing customers wait here while it is set. */
  let gate: Promise<void> | null = null;
  let openGate: () => void = () => {};

  before(async () => {
    const testStore = await openTestStore();
    destroy = testStore.destroy;
    const real = testStore.store;
    const gated = new Proxy(real, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        if (prop === 'listCustomers') {
          return async (...args: unknown[]) => {
            if (gate) await gate;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return value.bind(target);
      },
    });
    server = await startServer(testStore.kind, { rateLimits: { enabled: true }, store: { store: gated, kind: testStore.kind } });
  });
  after(async () => {
    openGate();
    await server?.close();
    await destroy?.();
  });

  const close = () => {
    gate = new Promise((resolve) => (openGate = resolve));
  };
  const open = () => {
    gate = null;
    openGate();
  };
  async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('the 51st concurrent request is refused with 429; other keys are not; every slot comes back', async () => {
    const tenant = await server.newTenant('Concurrency');
    const keyId = await keyIdOf(server.store, tenant.keys.test);
    const inFlight = () => server.app.rateLimits.inFlight('atlas.concurrent', keyId);
    close();
    const held = Array.from({ length: 50 }, () => server.request('GET', `${ATLAS}/customers`, { key: tenant.keys.test }));
    await until('50 requests in flight', () => inFlight() === 50);
    const refused = await server.request('GET', `${ATLAS}/customers/cus_000000000000000000`, { key: tenant.keys.test });
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.body.error.type, 'rate_limit_error');
    assert.equal(refused.body.error.code, null);
    assert.match(refused.body.error.message, /50 requests in flight at once per API key/);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.ok(refused.headers.get('x-ratelimit-limit'), 'the window headers are still sent');
    // The live key is another key.
    assert.equal((await server.request('GET', `${ATLAS}/customers/cus_000000000000000000`, { key: tenant.keys.live })).status, 404);
    open();
    assert.deepEqual(statuses(await Promise.all(held)), { 200: 50 });
    await until('every slot given back', () => inFlight() === 0);
    assert.equal((await server.request('GET', `${ATLAS}/customers`, { key: tenant.keys.test })).status, 200);
    await until('every slot given back', () => inFlight() === 0);
  });

  it('requests whose client goes away give their slot back', async () => {
    const tenant = await server.newTenant('Concurrency aborts');
    const keyId = await keyIdOf(server.store, tenant.keys.test);
    const inFlight = () => server.app.rateLimits.inFlight('atlas.concurrent', keyId);
    await server.store.updateTenantSettings(tenant.id, { rate_limits: { 'atlas.concurrent': { max: 5, window_seconds: 0 } } });
    close();
    // Plain sockets, destroyed outright: the way a client that dies or times out goes away.
    const pending = Array.from({ length: 5 }, () => {
      const req = httpRequest(`${server.url}${ATLAS}/customers`, { headers: { authorization: `Bearer ${tenant.keys.test}` }, agent: false });
      const outcome = new Promise<string>((resolve) => {
        req.on('response', () => resolve('answered'));
        req.on('error', () => resolve('aborted'));
      });
      req.end();
      return { req, outcome };
    });
    await until('5 requests in flight', () => inFlight() === 5);
    const sixth = await server.request('GET', `${ATLAS}/customers/cus_000000000000000000`, { key: tenant.keys.test });
    assert.equal(sixth.status, 429, sixth.text);
    for (const { req } of pending) req.destroy();
    assert.deepEqual(await Promise.all(pending.map((p) => p.outcome)), Array(5).fill('aborted'));
    // Freed while their handlers are still waiting at the gate.
    await until('slots of aborted requests given back', () => inFlight() === 0);
    assert.equal((await server.request('GET', `${ATLAS}/customers/cus_000000000000000000`, { key: tenant.keys.test })).status, 404);
    open();
    await until('no slot left', () => inFlight() === 0);
  });
});

describe('rate limits off for the process (CLIENTELE_RATE_LIMITS=off)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(undefined, { rateLimits: { enabled: false } });
  });
  after(async () => server?.close());

  it('no limit applies, whatever the tenant sets, and no rate-limit header is sent', async () => {
    const tenant = server.tenant;
    const one = { max: 1, window_seconds: 60 };
    await setLimits(server, tenant, {
      native_rate_limits: 'stripe',
      rate_limits: Object.fromEntries(RATE_LIMIT_NAMES.map((name) => [name, one])),
    });
    assert.equal(server.app.rateLimits.enabled, false);
    const token = (await assetToken(server, tenant)).body.access_token as string;
    const client = countClient(server, tenant);
    const results = await burst(10, async () => [
      await client.listCustomers(),
      await server.request('GET', `${ATLAS}/customers`),
      await server.request('GET', `${ASSET}/business/${tenant.wireId}/customers`, { key: token }),
      await server.request('GET', `${CP}/customers`),
      await server.request('GET', '/v1/customers'),
      await server.request('POST', '/v1/customers', { form: 'name=x' }),
    ]);
    const flat = results.flat();
    assert.deepEqual(statuses(flat), { 200: 60 });
    for (const r of flat) assert.equal(r.headers.get('x-ratelimit-limit'), null);
  });
});
