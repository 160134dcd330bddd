/**
 * Count's partner OAuth (the Authorization pages of developers.getcount.com), without a browser:
 * the consent itself is the console's (test/console/ drives it in Chromium); here the code it
 * would hand out is issued through the same service. Initiate → exchange (partner signature only)
 * → a data request with both layers → refresh (the old refresh token stops working) → an expired
 * access token's 401 `token_expired`; and every refusal.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hashSecret } from '../../../src/domain/tenants/secret-keys.ts';
import { toUuid } from '../../../src/formats/ids.ts';
import { suiteServer, type TestServer } from '../../helpers/server.ts';
import { CountClient } from './count-client.ts';
import { assertError, assertSuccess, COUNT, uniqueEmail } from './helpers.ts';

const REDIRECT = 'https://partner.example/callback';

describe('Count partner OAuth: authorization code, tokens, both layers', () => {
  const ctx = suiteServer();
  let server: TestServer;
  let partner: { id: string; secret: string };
  let other: { id: string; secret: string };

  /** The partner's own client: signs as the application, no Bearer unless given. */
  const partnerClient = (app = partner, bearer?: string) =>
    new CountClient({ baseUrl: server.url + COUNT, clientId: app.id, clientSecret: app.secret, ...(bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {}) });

  const initiate = (query: Record<string, string>, spelling = 'authorize-initiate') =>
    fetch(`${server.url}/count/auth2/${spelling}?${new URLSearchParams(query)}`).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));

  /** What the consent page does once the owner approves. */
  const consent = async (app = partner, tenant = server.tenant, mode: 'test' | 'live' = 'test') => {
    const record = await server.app.partners.authorizationRequest(app.id, REDIRECT);
    return server.app.partners.issueCode(record, REDIRECT, (await server.store.getTenant(tenant.id))!, mode);
  };

  const exchange = (code: string, app = partner, extra: Record<string, unknown> = {}) =>
    partnerClient(app).request('POST', '/grant-access-token', { grantType: 'authorization_code', code, ...extra });

  before(async () => {
    server = ctx.server;
    const made = await server.app.partners.createApp('Bookkeeper', [REDIRECT]);
    partner = { id: made.app.id, secret: made.secret };
    const second = await server.app.partners.createApp('Another app', [REDIRECT]);
    other = { id: second.app.id, secret: second.secret };
  });

  it('initiate answers the consent URL, as documented and where Count\'s client reads it, under both spellings', async () => {
    for (const spelling of ['authorize-initiate', 'authorize-intiate']) {
      const res = await initiate({ clientId: partner.id, redirectUri: REDIRECT, state: 'xyz 1' }, spelling);
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'success');
      assert.equal(res.body.redirectUri, res.body.data.redirectUri);
      const url = new URL(res.body.redirectUri);
      assert.equal(url.origin, server.url);
      assert.equal(url.pathname, '/console/oauth/authorize');
      assert.deepEqual(Object.fromEntries(url.searchParams), { clientId: partner.id, redirectUri: REDIRECT, state: 'xyz 1' });
    }
  });

  it('initiate refuses an unknown client, a redirect URI not registered (exactly), and missing parameters', async () => {
    const unknown = await initiate({ clientId: 'pcl_' + '0'.repeat(24), redirectUri: REDIRECT, state: 's' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, 'VALIDATION_ERROR');
    assert.deepEqual(unknown.body.errors.map((e: any) => e.field), ['clientId']);
    for (const redirectUri of [`${REDIRECT}/other`, `${REDIRECT}?next=1`, 'https://evil.example/callback']) {
      const res = await initiate({ clientId: partner.id, redirectUri, state: 's' });
      assert.equal(res.status, 400, redirectUri);
      assert.equal(res.body.message, 'Invalid redirect uri.');
    }
    const missing = await initiate({ clientId: partner.id, redirectUri: REDIRECT });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.errors.map((e: any) => e.field), ['state']);
  });

  it('code → tokens → a signed, Bearer-carrying data request → refresh; the old refresh token is refused', async () => {
    const code = await consent();
    const res = await exchange(code, partner, { state: 'xyz' });
    const result = assertSuccess(res).result;
    assert.equal(res.body.message, 'Success on exchanging access token.');
    assert.deepEqual(Object.keys(result), ['accessToken', 'refreshToken', 'accessTokenExpiresAt', 'refreshTokenExpiresAt', 'workspaceId', 'workspaceName', 'mode']);
    assert.equal(result.workspaceId, toUuid(server.tenant.id));
    assert.equal(result.workspaceName, (await server.store.getTenant(server.tenant.id))!.name);
    assert.equal(result.mode, 'test');
    const accessExpiry = Date.parse(result.accessTokenExpiresAt);
    assert.ok(accessExpiry > Date.now() + 50 * 60_000 && accessExpiry <= Date.now() + 3600_000 + 2000, 'an hour');
    assert.ok(Date.parse(result.refreshTokenExpiresAt) > accessExpiry);

    // Both layers: the partner's signature and its token act for the workspace that consented.
    const api = partnerClient(partner, result.accessToken);
    const made = assertSuccess(await api.createCustomer({ customer: 'Via partner', email: uniqueEmail('partner') }), 201);
    const seen = await server.request('GET', `/v1/customers?email=${encodeURIComponent(made.email)}`);
    assert.equal(seen.body.data.length, 1, "the customer is in the consenting tenant's test mode");
    const history = await server.request('GET', `/v1/customers/${seen.body.data[0].id}/history`);
    assert.deepEqual(history.body.data[0].actor, { type: 'partner', id: partner.id });
    assert.equal(history.body.data[0].surface, 'count');
    // Either layer alone: 401.
    assertError(await partnerClient(partner).listCustomers(), 401, 'UNAUTHORIZED');
    assertError(
      await fetch(`${server.url}${COUNT}/customers`, { headers: { authorization: `Bearer ${result.accessToken}` } }).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.json(), text: '' })),
      401,
      'UNAUTHORIZED',
    );
    // The token is the application's: another application, or the tenant's own client, cannot carry it.
    assert.equal(assertError(await partnerClient(other, result.accessToken).listCustomers(), 401, 'UNAUTHORIZED').details.reason, 'invalid_token');
    const ownClient = new CountClient({
      baseUrl: server.url + COUNT,
      clientId: server.tenant.clients.test.client_id,
      clientSecret: server.tenant.clients.test.client_secret,
      headers: { authorization: `Bearer ${result.accessToken}` },
    });
    assertError(await ownClient.listCustomers(), 401, 'UNAUTHORIZED');

    // Refresh, as documented (snake_case) and as Count's client sends it (camelCase).
    const refreshed = assertSuccess(
      await partnerClient().request('POST', '/refresh-user-access-token', { grant_type: 'refresh_token', refresh_token: result.refreshToken, client_id: partner.id, client_secret: partner.secret }),
    ).result;
    assert.notEqual(refreshed.accessToken, result.accessToken);
    assert.notEqual(refreshed.refreshToken, result.refreshToken);
    assertSuccess(await partnerClient(partner, refreshed.accessToken).listCustomers());
    const again = await partnerClient().request('POST', '/refresh-user-access-token', { grant_type: 'refresh_token', refresh_token: result.refreshToken });
    assertError(again, 403, 'INVALID_REFRESH_TOKEN');
    const camel = assertSuccess(await partnerClient().request('POST', '/refresh-user-access-token', { grantType: 'refresh_token', refreshToken: refreshed.refreshToken })).result;
    assertSuccess(await partnerClient(partner, camel.accessToken).listCustomers());
  });

  it('a code is single use, minutes long, bound to its application; racing exchanges: one wins', async () => {
    const code = await consent();
    assertSuccess(await exchange(code));
    assertError(await exchange(code), 403, 'INVALID_AUTHORIZATION_CODE');
    assertError(await exchange(await consent(), other), 403, 'INVALID_AUTHORIZATION_CODE');
    assertError(await exchange('pac_nonsense'), 403, 'INVALID_AUTHORIZATION_CODE');
    const raced = await consent();
    const answers = await Promise.all(Array.from({ length: 8 }, () => exchange(raced)));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 403, 403, 403, 403, 403, 403, 403]);
    // An expired code (the store holds codes by hash; this one is dated back past its ten minutes).
    const stale = 'pac_stale-code-for-the-test';
    await server.store.insertPartnerGrant({
      hash: hashSecret(stale), kind: 'code', app_id: partner.id, tenant_id: server.tenant.id, mode: 'test', grant_id: 'g-stale', redirect_uri: REDIRECT,
      created: Math.floor(Date.now() / 1000) - 700, expires_at: Math.floor(Date.now() / 1000) - 100,
    });
    assertError(await exchange(stale), 403, 'INVALID_AUTHORIZATION_CODE');
    assertError(await exchange(stale), 403, 'INVALID_AUTHORIZATION_CODE');
  });

  it('an expired access token: 401 with code token_expired; the refresh token still gets a new one', async () => {
    const expired = 'pat_expired-token-for-the-test';
    await server.store.insertPartnerGrant({
      hash: hashSecret(expired), kind: 'access', app_id: partner.id, tenant_id: server.tenant.id, mode: 'test', grant_id: 'g-exp', redirect_uri: null,
      created: Math.floor(Date.now() / 1000) - 4000, expires_at: Math.floor(Date.now() / 1000) - 400,
    });
    const res = await partnerClient(partner, expired).listCustomers();
    assertError(res, 401, 'token_expired');
    assert.equal(res.body.details.reason, 'token_expired');
  });

  it('token endpoints take the partner signature only; body credentials, if sent, must be the signer\'s', async () => {
    const code = await consent();
    const tenantSigned = new CountClient({ baseUrl: server.url + COUNT, clientId: server.tenant.clients.test.client_id, clientSecret: server.tenant.clients.test.client_secret });
    const asTenant = await tenantSigned.request('POST', '/grant-access-token', { code });
    assert.equal(assertError(asTenant, 401, 'UNAUTHORIZED').details.reason, 'partner_required');
    const unsigned = await fetch(`${server.url}${COUNT}/grant-access-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    assert.equal(unsigned.status, 401);
    const wrongSecret = new CountClient({ baseUrl: server.url + COUNT, clientId: partner.id, clientSecret: 'guess' });
    assert.equal(assertError(await wrongSecret.request('POST', '/grant-access-token', { code }), 401, 'UNAUTHORIZED').details.reason, 'invalid_signature');
    assertError(await exchange(code, partner, { client_secret: 'not-it' }), 403, 'CLIENT_MISMATCH');
    assertError(await exchange(code, partner, { client_id: other.id }), 403, 'CLIENT_MISMATCH');
    assertError(await partnerClient().request('POST', '/grant-access-token', { grantType: 'password', code }), 400, 'VALIDATION_ERROR', ['grantType']);
    assertError(await partnerClient().request('POST', '/refresh-user-access-token', { grant_type: 'refresh_token' }), 400, 'VALIDATION_ERROR', ['refresh_token']);
    // The code was not spent by the refusals above.
    assertSuccess(await exchange(code, partner, { client_id: partner.id, client_secret: partner.secret }));
  });

  it('removing the application ends every grant it held; a rolled secret signs through its grace only', async () => {
    const temporary = await server.app.partners.createApp('Short-lived', [REDIRECT]);
    const app = { id: temporary.app.id, secret: temporary.secret };
    const result = assertSuccess(await exchange(await consent(app), app)).result;
    assertSuccess(await partnerClient(app, result.accessToken).listCustomers());
    const newSecret = await server.app.partners.rollSecret(app.id, 3600);
    assertSuccess(await partnerClient({ id: app.id, secret: newSecret }, result.accessToken).listCustomers());
    assertSuccess(await partnerClient(app, result.accessToken).listCustomers(), 200);
    assert.equal(await server.app.partners.remove(app.id), true);
    assert.equal(assertError(await partnerClient({ id: app.id, secret: newSecret }, result.accessToken).listCustomers(), 401, 'UNAUTHORIZED').details.reason, 'invalid_signature');
    assert.equal(await server.store.findPartnerGrant(hashSecret(result.refreshToken)), null, 'its grants are gone');
  });

  it('a live consent gives live access only', async () => {
    const result = assertSuccess(await exchange(await consent(partner, server.tenant, 'live'))).result;
    assert.equal(result.mode, 'live');
    const api = partnerClient(partner, result.accessToken);
    const made = assertSuccess(await api.createCustomer({ customer: 'Live via partner', email: uniqueEmail('live') }), 201);
    const inLive = await server.request('GET', `/v1/customers?email=${encodeURIComponent(made.email)}`, { key: server.tenant.keys.live });
    assert.equal(inLive.body.data.length, 1);
    const inTest = await server.request('GET', `/v1/customers?email=${encodeURIComponent(made.email)}`);
    assert.equal(inTest.body.data.length, 0);
  });
});
