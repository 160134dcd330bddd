import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { issueAccessToken } from '../../../src/domain/tenants/clients.ts';
import { suiteServer, type TestServer, type TestTenant } from '../../helpers/server.ts';
import { ASSET, customersPath, tokenFor } from './helpers.ts';

const TOKEN = `${ASSET}/auth/token`;

describe('Asset surface: OAuth 2.0 client credentials', () => {
  const ctx = suiteServer();
  let server: TestServer;
  let tenant: TestTenant;
  const grant = (fields: Record<string, string>, headers?: Record<string, string>) =>
    server.request('POST', TOKEN, { key: null, form: new URLSearchParams(fields).toString(), ...(headers ? { headers } : {}) });
  const creds = () => ({ client_id: tenant.clients.test.client_id, client_secret: tenant.clients.test.client_secret });

  before(() => {
    server = ctx.server;
    tenant = server.tenant;
  });

  const assertOAuthError = (res: { status: number; body: any; text: string }, status: number, error: string, mentions?: RegExp) => {
    assert.equal(res.status, status, res.text);
    assert.deepEqual(Object.keys(res.body).sort(), ['error', 'error_description'], 'RFC 6749 §5.2 error body');
    assert.equal(res.body.error, error);
    if (mentions) assert.match(res.body.error_description, mentions);
  };

  /** Asset's token page: expires_in is "the token expiration time as a unix timestamp (seconds)". */
  const assertExpiresAt = (expiresIn: unknown, ttl: number) => {
    assert.equal(typeof expiresIn, 'number');
    const now = Date.now() / 1000;
    assert.ok(Math.abs((expiresIn as number) - (now + ttl)) <= 5, `expires_in ${String(expiresIn)} is not now + ${ttl} s in unix seconds`);
  };

  describe('POST /v0/auth/token', () => {
    it('grants a Bearer token for form-encoded credentials, as Asset documents the request', async () => {
      const res = await grant({ ...creds(), grant_type: 'client_credentials', business_id: tenant.wireId, expires_in: '600' });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(Object.keys(res.body), ['access_token', 'expires_in', 'token_type'], "the token page's order");
      assert.equal(res.body.token_type, 'Bearer');
      assertExpiresAt(res.body.expires_in, 600);
      assert.match(res.body.access_token, /^at_[0-9A-Za-z]{60,}$/);
      assert.equal(res.headers.get('cache-control'), 'no-store', 'RFC 6749 §5.1: tokens are not cached');
      const use = await server.request('GET', customersPath(tenant), { key: res.body.access_token });
      assert.equal(use.status, 200, use.text);
    });

    it('accepts JSON too; grant_type defaults to client_credentials, expires_in to 3600, business_id to the client\'s own', async () => {
      const res = await server.request('POST', TOKEN, { key: null, json: creds() });
      assert.equal(res.status, 200, res.text);
      assertExpiresAt(res.body.expires_in, 3600);
      const use = await server.request('GET', customersPath(tenant), { key: res.body.access_token });
      assert.equal(use.status, 200);
    });

    it('accepts expires_in as a JSON number', async () => {
      const res = await server.request('POST', TOKEN, { key: null, json: { ...creds(), expires_in: 120 } });
      assert.equal(res.status, 200, res.text);
      assertExpiresAt(res.body.expires_in, 120);
    });

    it('takes scope, and resource (RFC 8707) once or repeated, each an absolute URI without a fragment', async () => {
      const form = new URLSearchParams({ ...creds(), scope: 'customers:read customers:write' });
      form.append('resource', 'https://api.example.com');
      form.append('resource', 'https://api.example.com/v0');
      const res = await server.request('POST', TOKEN, { key: null, form: form.toString() });
      assert.equal(res.status, 200, res.text);
      assert.equal((await server.request('GET', customersPath(tenant), { key: res.body.access_token })).status, 200);
      const json = await server.request('POST', TOKEN, { key: null, json: { ...creds(), resource: ['urn:example:customers'] } });
      assert.equal(json.status, 200, json.text);
      for (const resource of ['api.example.com', '/v0/customers', 'https://api.example.com/#frag']) {
        assertOAuthError(await grant({ ...creds(), resource }), 400, 'invalid_target', /absolute URI without a fragment/);
      }
    });

    it('accepts HTTP Basic client authentication (RFC 6749 §2.3.1)', async () => {
      const { client_id, client_secret } = creds();
      const basic = Buffer.from(`${encodeURIComponent(client_id)}:${encodeURIComponent(client_secret)}`).toString('base64');
      const res = await grant({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
      assert.equal(res.status, 200, res.text);
      const wrong = Buffer.from(`${client_id}:nope`).toString('base64');
      const refused = await grant({}, { authorization: `Basic ${wrong}` });
      assertOAuthError(refused, 401, 'invalid_client');
      assert.match(refused.headers.get('www-authenticate') ?? '', /^Basic/);
    });

    it('ignores parameters it does not use (RFC 6749 §3.2), such as scope', async () => {
      const res = await grant({ ...creds(), scope: 'customers:read' });
      assert.equal(res.status, 200, res.text);
    });

    it('refuses a wrong client_secret: 401 invalid_client', async () => {
      assertOAuthError(await grant({ ...creds(), client_secret: creds().client_secret + 'x' }), 401, 'invalid_client');
      assertOAuthError(await grant({ ...creds(), client_secret: 'short' }), 401, 'invalid_client');
    });

    it('refuses the other mode\'s secret and an unknown client_id: 401 invalid_client', async () => {
      assertOAuthError(await grant({ client_id: creds().client_id, client_secret: tenant.clients.live.client_secret }), 401, 'invalid_client');
      assertOAuthError(await grant({ client_id: 'cli_test_doesnotexist', client_secret: creds().client_secret }), 401, 'invalid_client');
      assertOAuthError(await grant({ client_id: 'x'.repeat(5000), client_secret: 'y' }), 401, 'invalid_client');
    });

    it('refuses a grant_type other than client_credentials: 400 unsupported_grant_type', async () => {
      for (const grant_type of ['password', 'authorization_code', 'refresh_token', 'CLIENT_CREDENTIALS']) {
        assertOAuthError(await grant({ ...creds(), grant_type }), 400, 'unsupported_grant_type', /grant_type/);
      }
    });

    it('refuses a business_id that is not the client\'s: 400 invalid_scope, the same for another tenant and for none', async () => {
      const other = await server.newTenant('Other business');
      const a = await grant({ ...creds(), business_id: other.wireId });
      const b = await grant({ ...creds(), business_id: 'biz_00000000000000000' });
      const c = await grant({ ...creds(), business_id: 'not-an-id' });
      for (const res of [a, b, c]) assertOAuthError(res, 400, 'invalid_scope', /business_id/);
      assert.equal(a.body.error_description, b.body.error_description, 'no hint that the other business exists');
    });

    it('refuses missing credentials: 401 invalid_client naming the field (no client authentication included)', async () => {
      assertOAuthError(await grant({ client_secret: creds().client_secret }), 401, 'invalid_client', /client_id/);
      assertOAuthError(await grant({ client_id: creds().client_id }), 401, 'invalid_client', /client_secret/);
      assertOAuthError(await grant({}), 401, 'invalid_client', /client_id/);
      assertOAuthError(await server.request('POST', TOKEN, { key: null }), 401, 'invalid_client', /client_id/);
    });

    it('refuses expires_in outside 1…86400 or not a whole number: 400 invalid_request naming expires_in', async () => {
      for (const expires_in of ['0', '-5', '86401', 'soon', '1.5', '1e3']) {
        assertOAuthError(await grant({ ...creds(), expires_in }), 400, 'invalid_request', /expires_in/);
      }
      assert.equal((await grant({ ...creds(), expires_in: '86400' })).status, 200);
      assert.equal((await grant({ ...creds(), expires_in: '1' })).status, 200);
    });

    it('refuses a parameter given twice, and malformed bodies: 400 invalid_request', async () => {
      const { client_id, client_secret } = creds();
      const twice = await server.request('POST', TOKEN, {
        key: null,
        form: `client_id=${client_id}&client_id=${client_id}&client_secret=${client_secret}`,
      });
      assertOAuthError(twice, 400, 'invalid_request', /client_id/);
      const res = await fetch(server.url + TOKEN, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
      const body = await res.json();
      assert.equal(res.status, 400);
      assert.equal(body.error, 'invalid_request');
      const text = await fetch(server.url + TOKEN, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' });
      assert.equal(text.status, 400);
      assert.equal((await text.json()).error, 'invalid_request');
      assertOAuthError(await server.request('POST', TOKEN, { key: null, json: [creds()] }), 400, 'invalid_request');
      assertOAuthError(await server.request('POST', TOKEN, { key: null, json: { ...creds(), client_secret: { a: 1 } } }), 400, 'invalid_request', /client_secret/);
    });

    it('refuses credentials that have been rolled', async () => {
      const t = await server.newTenant('Roller');
      const old = await tokenFor(server, t);
      await server.tenants.rollClient(t.id, 'test', 0);
      assertOAuthError(await grant({ client_id: t.clients.test.client_id, client_secret: t.clients.test.client_secret }), 401, 'invalid_client');
      const res = await server.request('GET', customersPath(t), { key: old });
      assert.equal(res.status, 401, 'tokens of rolled credentials stop working');
    });
  });

  describe('Bearer tokens on the customer routes', () => {
    it('refuses a request without a token: 401 with a Bearer challenge', async () => {
      const res = await server.request('GET', customersPath(tenant), { key: null });
      assert.equal(res.status, 401);
      assert.equal(typeof res.body.detail, 'string');
      assert.match(res.body.detail, /Authorization/);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    });

    it('refuses a secret key (sk_test_…): it is not an access token', async () => {
      const res = await server.request('GET', customersPath(tenant), { key: tenant.keys.test });
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /invalid_token/);
      assert.ok(!res.text.includes(tenant.keys.test), 'the key is not echoed');
    });

    it('refuses a malformed Authorization header and a forged token', async () => {
      const token = await tokenFor(server, tenant);
      for (const authorization of [`Basic ${token}`, `Bearer`, `Bearer ${token} extra`, `${token}`]) {
        const res = await server.request('GET', customersPath(tenant), { key: null, headers: { authorization } });
        assert.equal(res.status, 401, authorization);
      }
      const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      assert.equal((await server.request('GET', customersPath(tenant), { key: forged })).status, 401);
    });

    it('refuses an expired token: 401, and says so', async () => {
      const found = await server.store.findClient(tenant.clients.test.client_id);
      assert.ok(found);
      const { token, record } = issueAccessToken(found.client, 60, Date.now() - 120_000);
      await server.store.insertAccessToken(record);
      const res = await server.request('GET', customersPath(tenant), { key: token });
      assert.equal(res.status, 401);
      assert.match(res.body.detail, /expired/);
      assert.match(res.headers.get('www-authenticate') ?? '', /invalid_token/);
    });

    it('a short-lived token works, then stops working', async () => {
      // Expiry is rounded up to a whole second: a 1 s token lives 1 to 2 s, never less than asked.
      const token = await tokenFor(server, tenant, tenant.clients.test, 1);
      const path = customersPath(tenant);
      assert.equal((await server.request('GET', path, { key: token })).status, 200);
      await sleep(2100);
      const res = await server.request('GET', path, { key: token });
      assert.equal(res.status, 401);
      assert.match(res.body.detail, /expired/);
    });

    it("business A's token on business B's path: 404, as if B did not exist", async () => {
      const b = await server.newTenant('Business B');
      const bToken = await tokenFor(server, b);
      const made = await server.request('POST', customersPath(b), { key: bToken, json: { name: 'B customer' } });
      assert.equal(made.status, 200);
      const aToken = await tokenFor(server, tenant);
      const list = await server.request('GET', customersPath(b), { key: aToken });
      assert.equal(list.status, 404);
      const nobody = await server.request('GET', customersPath('biz_00000000000000000'), { key: aToken });
      assert.equal(nobody.status, 404);
      assert.equal(list.body.detail.replace(b.wireId, 'X'), nobody.body.detail.replace('biz_00000000000000000', 'X'), 'same answer as for no business');
      const get = await server.request('GET', `${customersPath(b)}/${made.body.data.id}`, { key: aToken });
      assert.equal(get.status, 404);
      const patch = await server.request('PATCH', `${customersPath(b)}/${made.body.data.id}`, { key: aToken, json: { name: 'hijacked' } });
      assert.equal(patch.status, 404);
      const post = await server.request('POST', customersPath(b), { key: aToken, json: { name: 'planted' } });
      assert.equal(post.status, 404);
      const invalidBody = await server.request('POST', customersPath(b), { key: aToken, json: { bogus: true } });
      assert.equal(invalidBody.status, 404, 'the business is checked before the body');
      const after = await server.request('GET', `${customersPath(b)}/${made.body.data.id}`, { key: bToken });
      assert.equal(after.body.data.name, 'B customer');
    });

    it('an Asset account: a token without business_id serves every business of it; with business_id, that business only', async () => {
      const [one, two, outsider] = [await server.newTenant('Account one'), await server.newTenant('Account two'), await server.newTenant('Outsider')];
      for (const t of [one, two]) await server.store.updateTenantSettings(t.id, { asset_account: 'acme-holdings' });
      await server.store.updateTenantSettings(outsider.id, { asset_account: 'someone-else' });
      const oneCreds = { client_id: one.clients.test.client_id, client_secret: one.clients.test.client_secret };

      const wide = await grant(oneCreds);
      assert.equal(wide.status, 200, wide.text);
      const inTwo = await server.request('POST', customersPath(two), { key: wide.body.access_token, json: { name: 'Made through one' } });
      assert.equal(inTwo.status, 200, inTwo.text);
      const native = await server.request('GET', `/v1/customers/${inTwo.body.data.id}`, { key: two.keys.test });
      assert.equal(native.body.name, 'Made through one', "the customer is business two's");
      assert.equal((await server.request('GET', customersPath(one), { key: wide.body.access_token })).status, 200);
      assert.equal((await server.request('GET', customersPath(outsider), { key: wide.body.access_token })).status, 404, 'another account');
      assert.equal((await server.request('GET', customersPath(tenant), { key: wide.body.access_token })).status, 404, 'a tenant of no account');

      const scoped = await grant({ ...oneCreds, business_id: two.wireId });
      assert.equal(scoped.status, 200, scoped.text);
      assert.equal((await server.request('GET', customersPath(two), { key: scoped.body.access_token })).status, 200);
      assert.equal((await server.request('GET', customersPath(one), { key: scoped.body.access_token })).status, 404, 'scoped to business two only');
      const own = await grant({ ...oneCreds, business_id: one.wireId });
      assert.equal((await server.request('GET', customersPath(two), { key: own.body.access_token })).status, 404, 'scoped to its own business only');
      assertOAuthError(await grant({ ...oneCreds, business_id: outsider.wireId }), 400, 'invalid_scope', /business_id/);

      // Leaving the account ends what its tokens could do there.
      await server.store.updateTenantSettings(two.id, { asset_account: null });
      assert.equal((await server.request('GET', customersPath(two), { key: wide.body.access_token })).status, 404);
      assert.equal((await server.request('GET', customersPath(two), { key: scoped.body.access_token })).status, 401);
    });

    it('a test-mode client works on test data only; a live-mode client on live data only', async () => {
      const testToken = await tokenFor(server, tenant, tenant.clients.test);
      const liveToken = await tokenFor(server, tenant, tenant.clients.live);
      const path = customersPath(tenant);
      const live = await server.request('POST', path, { key: liveToken, json: { name: 'Live one', email: 'live-only@example.com' } });
      assert.equal(live.status, 200, live.text);
      const id = live.body.data.id;
      assert.equal((await server.request('GET', `${path}/${id}`, { key: testToken })).status, 404);
      assert.equal((await server.request('PATCH', `${path}/${id}`, { key: testToken, json: { name: 'x' } })).status, 404);
      assert.equal((await server.request('GET', `${path}/${id}`, { key: liveToken })).status, 200);
      const testList = await server.request('GET', path, { key: testToken });
      assert.ok(!testList.body.data.some((c: { id: string }) => c.id === id), 'not in the test-mode list');
      const liveList = await server.request('GET', path, { key: liveToken });
      assert.ok(liveList.body.data.some((c: { id: string }) => c.id === id), 'in the live-mode list');
      const sameEmail = await server.request('POST', path, { key: testToken, json: { name: 'Test twin', email: 'live-only@example.com' } });
      assert.equal(sameEmail.status, 200, 'e-mail uniqueness is per mode');
    });
  });
});
