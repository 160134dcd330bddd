import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { issueAccessToken } from '../../../src/domain/tenants/clients.ts';
import { suiteServer, type TestServer } from '../../helpers/server.ts';
import { CountClient } from './count-client.ts';
import { assertError, assertSuccess, COUNT, countClient, createCustomer, rawSigned, sleep, uniqueEmail } from './helpers.ts';

const MINUTE = 60_000;

describe('Count surface: request signing and bearer keys', () => {
  const ctx = suiteServer();
  let server: TestServer;
  let count: CountClient;
  let target: any;

  before(async () => {
    server = ctx.server;
    count = countClient(server);
    target = await createCustomer(count);
  });

  const reason = (res: Awaited<ReturnType<typeof rawSigned>>, expected: string) => {
    const body = assertError(res, 401, 'UNAUTHORIZED');
    assert.equal(body.details.reason, expected, res.text);
    assert.equal(body.errors, undefined);
    return body;
  };

  describe('HMAC signature: METHOD:path:timestamp:bodyHash', () => {
    it('a correctly signed GET, POST, PUT and DELETE are accepted', async () => {
      assertSuccess(await rawSigned(server, { method: 'GET', path: `/customers/${target.uuid}` }));
      const body = JSON.stringify({ customer: 'Signed', email: uniqueEmail() });
      const made = assertSuccess(await rawSigned(server, { method: 'POST', path: '/customers', body }), 201);
      assertSuccess(await rawSigned(server, { method: 'PUT', path: `/customers/${made.uuid}`, body: '{"website":"https://a.example"}' }));
      assertSuccess(await rawSigned(server, { method: 'DELETE', path: `/customers/${made.uuid}` }));
    });

    it('the signing client (ms timestamps) works end to end', async () => {
      assertSuccess(await count.getCustomer(target.uuid));
    });

    it('timestamps in seconds (as Count\'s page says) and in milliseconds (as Count\'s client sends) both work', async () => {
      assertSuccess(await rawSigned(server, { method: 'GET', path: '/customers', timestamp: String(Math.floor(Date.now() / 1000)) }));
      assertSuccess(await rawSigned(server, { method: 'GET', path: '/customers', timestamp: String(Date.now()) }));
    });

    it('a timestamp more than 5 minutes off, past or future, in seconds or ms, is a 401; 4 minutes is fine', async () => {
      for (const offset of [-6 * MINUTE, 6 * MINUTE]) {
        reason(await rawSigned(server, { method: 'GET', path: '/customers', timestamp: String(Date.now() + offset) }), 'timestamp_out_of_range');
        reason(
          await rawSigned(server, { method: 'GET', path: '/customers', timestamp: String(Math.floor((Date.now() + offset) / 1000)) }),
          'timestamp_out_of_range',
        );
      }
      assertSuccess(await rawSigned(server, { method: 'GET', path: '/customers', timestamp: String(Date.now() - 4 * MINUTE) }));
      assertSuccess(await rawSigned(server, { method: 'GET', path: '/customers', timestamp: String(Date.now() + 4 * MINUTE) }));
    });

    it('a timestamp that is not a number is a 401', async () => {
      for (const timestamp of ['yesterday', '1.7e12', '-5', new Date().toISOString()]) {
        reason(await rawSigned(server, { method: 'GET', path: '/customers', timestamp }), 'invalid_timestamp');
      }
    });

    it('signed with the wrong secret: 401', async () => {
      reason(await rawSigned(server, { method: 'GET', path: '/customers', secret: 'cs_test_wrong' }), 'invalid_signature');
      reason(await rawSigned(server, { method: 'GET', path: '/customers', secret: server.tenant.clients.live.client_secret }), 'invalid_signature');
    });

    it('a tampered body (signed one body, sent another): 401, and nothing is written', async () => {
      const email = uniqueEmail('tampered');
      const signed = JSON.stringify({ customer: 'Honest', email });
      const sent = JSON.stringify({ customer: 'Forged', email });
      reason(await rawSigned(server, { method: 'POST', path: '/customers', body: sent, signBody: signed }), 'invalid_signature');
      assertError(await count.findByEmail(email), 404, 'NOT_FOUND');
      // Even a whitespace change breaks it: the hash is over the raw bytes.
      reason(await rawSigned(server, { method: 'POST', path: '/customers', body: signed + ' ', signBody: signed }), 'invalid_signature');
      reason(await rawSigned(server, { method: 'PUT', path: `/customers/${target.uuid}`, body: '{"customer":"Forged"}', signBody: '{}' }), 'invalid_signature');
      assert.equal(assertSuccess(await count.getCustomer(target.uuid)).customer, target.customer);
    });

    it('a tampered path or method: 401', async () => {
      const other = await createCustomer(count);
      reason(await rawSigned(server, { method: 'DELETE', path: `/customers/${other.uuid}`, signPath: `/customers/${target.uuid}` }), 'invalid_signature');
      reason(await rawSigned(server, { method: 'GET', path: '/customers', signPath: '/customers/bulk' }), 'invalid_signature');
      // The path is signed without the /count/partners prefix, as Count's is without /partners.
      reason(await rawSigned(server, { method: 'GET', path: '/customers', signPath: `${COUNT}/customers` }), 'invalid_signature');
      // A signature made for GET does not authorize DELETE of the same path.
      const ts = String(Date.now());
      const getSig = createHmac('sha256', server.tenant.clients.test.client_secret).update(`GET:/customers/${other.uuid}:${ts}:`).digest('hex');
      reason(await rawSigned(server, { method: 'DELETE', path: `/customers/${other.uuid}`, timestamp: ts, signature: getSig }), 'invalid_signature');
      assertSuccess(await count.getCustomer(other.uuid));
    });

    it('the query string is not signed: any query goes with a signature over the bare path', async () => {
      assertSuccess(await rawSigned(server, { method: 'GET', path: `/customers?search=${encodeURIComponent(target.customer)}&limit=5` }));
      assertSuccess(await rawSigned(server, { method: 'GET', path: `/customers/find-by-email?email=${encodeURIComponent(target.email)}` }));
      // Signing the query too is not Count's scheme.
      reason(await rawSigned(server, { method: 'GET', path: '/customers?limit=5', signPath: '/customers?limit=5' }), 'invalid_signature');
    });

    it('a write without a body may hash nothing or "{}" (Count\'s sample client hashes `config.data || {}`)', async () => {
      assertSuccess(await rawSigned(server, { method: 'PUT', path: `/customers/${target.uuid}` }));
      assertSuccess(await rawSigned(server, { method: 'PUT', path: `/customers/${target.uuid}`, signBody: '{}' }));
      reason(await rawSigned(server, { method: 'PUT', path: `/customers/${target.uuid}`, signBody: '{"a":1}' }), 'invalid_signature');
    });

    it('an unknown client id: 401, worded as a bad signature (client ids are not enumerable)', async () => {
      const unknown = reason(await rawSigned(server, { method: 'GET', path: '/customers', clientId: 'cli_test_doesnotexist' }), 'invalid_signature');
      const wrong = reason(await rawSigned(server, { method: 'GET', path: '/customers', secret: 'nope' }), 'invalid_signature');
      assert.equal(unknown.message, wrong.message);
    });

    it('a malformed signature and any missing signing header: 401', async () => {
      reason(await rawSigned(server, { method: 'GET', path: '/customers', signature: 'zz' }), 'invalid_signature');
      reason(await rawSigned(server, { method: 'GET', path: '/customers', signature: '' }), 'missing_header');
      for (const header of ['x-client-id', 'x-timestamp', 'x-signature']) {
        const ts = String(Date.now());
        const headers: Record<string, string> = { 'x-client-id': server.tenant.clients.test.client_id, 'x-timestamp': ts, 'x-signature': 'a'.repeat(64) };
        delete headers[header];
        const res = await fetch(`${server.url}${COUNT}/customers`, { headers });
        const body = (await res.json()) as any;
        assert.equal(res.status, 401);
        assert.equal(body.details.reason, 'missing_header');
        assert.equal(body.details.header, header);
      }
    });

    it('an unsigned request is a 401 before its body is even parsed', async () => {
      const res = await fetch(`${server.url}${COUNT}/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
      assert.equal(res.status, 401);
      const bad = await rawSigned(server, { method: 'POST', path: '/customers', body: '{oops', secret: 'wrong' });
      reason(bad, 'invalid_signature');
    });

    it('credentials rolled with no grace stop at once (401); the new ones work; with a grace period the old ones work until it ends', async () => {
      const tenant = await server.newTenant('Rolling');
      const old = countClient(server, 'test', tenant.clients.test, tenant.keys.test);
      assertSuccess(await old.listCustomers());
      const fresh = await server.tenants.rollClient(tenant.id, 'test', 0);
      await sleep(1100); // expiry is in whole seconds
      const res = await old.listCustomers();
      assertError(res, 401, 'UNAUTHORIZED');
      assert.equal(res.body.details.reason, 'credentials_expired');
      assertSuccess(await countClient(server, 'test', fresh, tenant.keys.test).listCustomers());
      // A forged request with the expired client id learns nothing about the expiry.
      reason(await rawSigned(server, { method: 'GET', path: '/customers', clientId: tenant.clients.test.client_id, secret: 'guess', bearer: tenant.keys.test }), 'invalid_signature');

      const graced = await server.tenants.rollClient(tenant.id, 'test', 3600);
      assertSuccess(await countClient(server, 'test', fresh, tenant.keys.test).listCustomers(), 200);
      assertSuccess(await countClient(server, 'test', graced, tenant.keys.test).listCustomers());
    });
  });

  describe('modes and tenants', () => {
    it('the test client cannot see live customers, nor the live client test ones', async () => {
      const live = countClient(server, 'live');
      const liveCustomer = await createCustomer(live);
      assertError(await count.getCustomer(liveCustomer.uuid), 404, 'NOT_FOUND');
      assertError(await count.updateCustomer(liveCustomer.uuid, { customer: 'x' }), 404, 'NOT_FOUND');
      assertError(await count.deleteCustomer(liveCustomer.uuid), 404, 'NOT_FOUND');
      assertError(await count.findByEmail(liveCustomer.email), 404, 'NOT_FOUND');
      const listed = assertSuccess(await count.listCustomers({ search: liveCustomer.email }));
      assert.equal(listed.totalRecords, 0);
      assertError(await live.getCustomer(target.uuid), 404, 'NOT_FOUND');
      assert.equal(assertSuccess(await live.getCustomer(liveCustomer.uuid)).uuid, liveCustomer.uuid);
      // E-mails are unique per mode: the same e-mail can exist in test.
      assertSuccess(await count.createCustomer({ customer: 'Same e-mail', email: liveCustomer.email }), 201);
    });

    it("another tenant's uuid is a 404", async () => {
      const other = await server.newTenant('Other');
      const theirs = await createCustomer(countClient(server, 'test', other.clients.test, other.keys.test));
      assertError(await count.getCustomer(theirs.uuid), 404, 'NOT_FOUND');
      assertError(await count.updateCustomer(theirs.uuid, { customer: 'Mine' }), 404, 'NOT_FOUND');
      assertError(await count.deleteCustomer(theirs.uuid), 404, 'NOT_FOUND');
    });
  });

  describe('two layers: the signature and Authorization: Bearer', () => {
    const bearerOnly = (token: string, path = '/customers', init: RequestInit = {}) =>
      fetch(`${server.url}${COUNT}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } }).then(
        async (res) => {
          const text = await res.text();
          return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
        },
      );

    it('either layer alone is a 401: a secret key unsigned, a signature without a Bearer', async () => {
      const unsigned = await bearerOnly(server.tenant.keys.test, `/customers/${target.uuid}`);
      reason(unsigned, 'missing_header');
      assert.equal(unsigned.body.details.header, 'x-client-id');
      const unsignedWrite = await bearerOnly(server.tenant.keys.test, '/customers', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customer: 'By key alone', email: uniqueEmail() }),
      });
      assertError(unsignedWrite, 401, 'UNAUTHORIZED');
      reason(await rawSigned(server, { method: 'GET', path: `/customers/${target.uuid}`, bearer: null }), 'missing_bearer');
      reason(await rawSigned(server, { method: 'POST', path: '/customers', body: JSON.stringify({ customer: 'Signed alone', email: uniqueEmail() }), bearer: null }), 'missing_bearer');
      assert.equal(assertSuccess(await rawSigned(server, { method: 'GET', path: `/customers/${target.uuid}` })).uuid, target.uuid, 'both layers: 200');
    });

    it("with the tenant's own client, the Bearer is that tenant's secret key of the client's mode", async () => {
      reason(await rawSigned(server, { method: 'GET', path: '/customers', bearer: server.tenant.keys.live }), 'credentials_mismatch');
      const other = await server.newTenant('Other key');
      reason(await rawSigned(server, { method: 'GET', path: '/customers', bearer: other.keys.test }), 'credentials_mismatch');
      assertError(await rawSigned(server, { method: 'GET', path: '/customers', bearer: 'sk_test_' + 'x'.repeat(40) }), 401, 'UNAUTHORIZED');
      // Asset's client-credentials tokens are not Count's Bearer.
      const found = await server.store.findClient(server.tenant.clients.test.client_id);
      const { token, record } = issueAccessToken(found!.client, 600);
      await server.store.insertAccessToken(record);
      assertError(await rawSigned(server, { method: 'GET', path: '/customers', bearer: token }), 401, 'UNAUTHORIZED');
      for (const authorization of ['count-user-access-token', `Basic ${Buffer.from(`${server.tenant.keys.test}:`).toString('base64')}`]) {
        reason(await rawSigned(server, { method: 'GET', path: '/customers', bearer: null, headers: { authorization } }), 'invalid_authorization');
      }
    });

    it('a valid Bearer does not excuse a bad signature', async () => {
      reason(await rawSigned(server, { method: 'GET', path: '/customers', secret: 'wrong' }), 'invalid_signature');
    });
  });
});
