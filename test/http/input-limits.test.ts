/**
 * Limits on input, on every surface, each refusal in that surface's format and never a 5xx: the
 * body (1 MiB → 413), JSON nesting (20 levels → 400, refused before any validator walks it),
 * headers and URL (16 KiB → 431, answered even though Node's parser refused the request), a URL
 * path segment (→ 414). And the log: no secret of any kind in any log line, whatever the request.
 */
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { buildApp } from '../../src/server/app.ts';
import { loggerOptions } from '../../src/server/logging.ts';
import { SecretBox } from '../../src/domain/tenants/secret-box.ts';
import { TenantService } from '../../src/domain/tenants/tenant-service.ts';
import { MAX_JSON_DEPTH } from '../../src/http/json-body.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { openTestStore } from '../helpers/stores.ts';
import { customersPath, tokenFor } from '../surfaces/asset/helpers.ts';
import { CountClient, generateSignature } from '../surfaces/count/count-client.ts';

/** Sends raw bytes and reads the whole answer: for requests no HTTP client would send. */
function rawRequest(port: number, request: string): Promise<{ status: number; body: any; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(data.split(' ')[1]);
      const text = data.slice(data.indexOf('\r\n\r\n') + 4);
      resolve({ status, text, body: text ? JSON.parse(text) : undefined });
    });
  });
}

type Format = (body: any, status: number, pattern: RegExp) => void;
const stripeFormat: Format = (body, _status, pattern) => {
  assert.equal(body.error.type, 'invalid_request_error');
  assert.match(body.error.message, pattern);
};
const FORMATS: Record<string, Format> = {
  native: stripeFormat,
  atlas: stripeFormat,
  asset: (body, _status, pattern) => assert.match(typeof body.detail === 'string' ? body.detail : JSON.stringify(body.detail), pattern),
  checkoutpage: (body, _status, pattern) => {
    assert.equal(body.status, 'error');
    assert.match(body.errors[0].message, pattern);
  },
  count: (body, _status, pattern) => {
    assert.equal(body.status, 'error');
    assert.equal(typeof body.code, 'string');
    assert.match(body.message, pattern);
  },
};

describe('limits on input, in every surface\'s format', () => {
  let server: TestServer;
  let assetToken: string;
  before(async () => {
    server = await startServer();
    assetToken = await tokenFor(server, server.tenant);
  });
  after(async () => server?.close());

  const writes = () => [
    { surface: 'native', method: 'POST', path: '/v1/customers', auth: `Bearer ${server.tenant.keys.test}` },
    { surface: 'atlas', method: 'POST', path: '/atlas/functions/v1/customers', auth: `Bearer ${server.tenant.keys.test}` },
    { surface: 'checkoutpage', method: 'PATCH', path: '/checkoutpage/v1/customers/0123456789abcdef01234567', auth: `Bearer ${server.tenant.keys.test}` },
    { surface: 'asset', method: 'POST', path: customersPath(server.tenant), auth: `Bearer ${assetToken}` },
    { surface: 'count', method: 'POST', path: '/count/partners/customers', auth: null },
  ];

  /** Sends a JSON body, signed for Count. */
  async function sendJson(w: ReturnType<typeof writes>[number], body: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (w.auth) headers.authorization = w.auth;
    else {
      const timestamp = String(Date.now());
      const creds = server.tenant.clients.test;
      headers['x-client-id'] = creds.client_id;
      headers['x-timestamp'] = timestamp;
      headers['x-signature'] = generateSignature({ method: w.method, path: '/customers', timestamp, body, clientSecret: creds.client_secret });
      headers.authorization = `Bearer ${server.tenant.keys.test}`;
    }
    const res = await fetch(server.url + w.path, { method: w.method, headers, body });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) };
  }

  it(`JSON nested deeper than ${MAX_JSON_DEPTH} levels → 400 naming the limit, never a 5xx; ${MAX_JSON_DEPTH} levels get past it`, async () => {
    const deepObject = (levels: number) => '{"metadata":' + '{"a":'.repeat(levels - 1) + '"x"' + '}'.repeat(levels - 1) + '}';
    const deepArray = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    for (const w of writes()) {
      for (const body of [deepObject(MAX_JSON_DEPTH + 1), deepObject(5000), deepArray(200_000)]) {
        const res = await sendJson(w, body);
        assert.equal(res.status, 400, `${w.surface}: ${res.text.slice(0, 200)}`);
        FORMATS[w.surface]!(res.body, 400, /nested too deeply/);
      }
      // At the limit the body is parsed; whatever the surface then says, it is not about nesting.
      const atLimit = await sendJson(w, deepObject(MAX_JSON_DEPTH));
      assert.ok(atLimit.status < 500, `${w.surface}: ${atLimit.text}`);
      assert.ok(!atLimit.text.includes('nested too deeply'), w.surface);
      // Brackets inside strings are text, not nesting.
      const inString = await sendJson(w, JSON.stringify({ name: '['.repeat(100) }));
      assert.ok(!inString.text.includes('nested too deeply'), w.surface);
    }
  });

  it('headers or URL over 16 KiB → 431 in the format of the surface the URL names', async () => {
    const prefixes: Record<string, string> = {
      native: '/v1/customers',
      atlas: '/atlas/functions/v1/customers',
      checkoutpage: '/checkoutpage/v1/customers',
      asset: '/asset/v0/business/biz_x/customers',
      count: '/count/partners/customers',
    };
    for (const [surface, prefix] of Object.entries(prefixes)) {
      const longUrl = await rawRequest(server.port, `GET ${prefix}?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      assert.equal(longUrl.status, 431, surface);
      FORMATS[surface]!(longUrl.body, 431, /headers are too large/);
      const bigHeader = await rawRequest(server.port, `GET ${prefix} HTTP/1.1\r\nHost: x\r\nX-Filler: ${'b'.repeat(20_000)}\r\n\r\n`);
      assert.equal(bigHeader.status, 431, surface);
      FORMATS[surface]!(bigHeader.body, 431, /headers are too large/);
    }
    // The server is still there.
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  it('a path segment over 500 characters → 414 in the surface\'s format', async () => {
    const res = await server.request('GET', `/v1/customers/cus_${'a'.repeat(600)}`);
    assert.equal(res.status, 414);
    stripeFormat(res.body, 414, /./);
    const count = await new CountClient({
      baseUrl: `${server.url}/count/partners`,
      clientId: server.tenant.clients.test.client_id,
      clientSecret: server.tenant.clients.test.client_secret,
      headers: { authorization: `Bearer ${server.tenant.keys.test}` },
    }).getCustomer('u'.repeat(600));
    assert.equal(count.status, 414);
    assert.equal(count.body.status, 'error');
  });

  it('a lone UTF-16 surrogate in any text → 400 naming the field on every store (it was a 500 on PostgreSQL); pairs are fine', async () => {
    for (const body of ['{"description":"\\ud800"}', '{"metadata":{"k":"a\\udfffb"}}', '{"metadata":{"\\ud800":"v"}}', '{"website":"https://x.example/\\udc00"}']) {
      const res = await fetch(`${server.url}/v1/customers`, { method: 'POST', headers: { authorization: `Bearer ${server.tenant.keys.test}`, 'content-type': 'application/json' }, body });
      const json = (await res.json()) as any;
      assert.equal(res.status, 400, body);
      assert.match(json.error.message, /surrogate/);
      assert.ok(json.error.param === undefined || /^(description|metadata|website)/.test(json.error.param), json.error.param);
    }
    const ok = await server.request('POST', '/v1/customers', { json: { description: 'emoji 😀 ok', metadata: { '🔑': '😀' } } });
    assert.equal(ok.status, 200, ok.text);
    const back = await server.request('GET', `/v1/customers/${ok.body.id}`);
    assert.equal(back.body.description, 'emoji 😀 ok');
    assert.equal(back.body.metadata['🔑'], '😀');
    const count = await new CountClient({
      baseUrl: `${server.url}/count/partners`,
      clientId: server.tenant.clients.test.client_id,
      clientSecret: server.tenant.clients.test.client_secret,
      headers: { authorization: `Bearer ${server.tenant.keys.test}` },
    }).request('POST', '/customers/bulk', { customers: [{ customer: 'Bulk', email: 'bulk.surrogate@example.com', website: 'https://x.example/\udfff' }] });
    assert.equal(count.status, 200, count.text);
    assert.equal(count.body.data.results[0].statusCode, 400, 'a bulk row fails alone');
  });

  it('client credentials that cannot exist (a NUL in client_id) → 401 invalid_client, never a 500', async () => {
    const res = await fetch(`${server.url}/asset/v0/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"grant_type":"client_credentials","client_id":"\\u0000","client_secret":"wrong"}',
    });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as any).error, 'invalid_client');
  });

  it('a body over 1 MiB → 413 in every surface\'s format', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024) });
    for (const w of writes()) {
      const res = await sendJson(w, big);
      assert.equal(res.status, 413, `${w.surface}: ${res.text.slice(0, 200)}`);
      FORMATS[w.surface]!(res.body, 413, /too large/);
    }
  });
});

describe('the log never holds a secret', () => {
  it('keys, client secrets, access tokens and signatures, on every surface, in successes and failures, at trace level', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const testStore = await openTestStore();
    const secrets = new SecretBox(randomBytes(32));
    const app = await buildApp({ store: testStore.store, secretBox: secrets, logger: loggerOptions('trace', stream) });
    try {
      const made = (await new TenantService(testStore.store, secrets).create('Logged'))!;
      const key = made.secrets.test;
      const client = made.clients!.test;
      const wrongKey = 'sk_test_' + 'W'.repeat(43);
      const inject = (opts: InjectOptions) => app.inject(opts);
      const biz = (await import('../../src/formats/ids.ts')).tenantIdToWire(made.tenant.id);
      // Asset tokens, through the form, JSON and HTTP Basic, right and wrong.
      const form = await inject({ method: 'POST', url: '/asset/v0/auth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `grant_type=client_credentials&client_id=${client.client_id}&client_secret=${client.client_secret}` });
      assert.equal(form.statusCode, 200, form.body);
      const token = JSON.parse(form.body).access_token as string;
      await inject({ method: 'POST', url: '/asset/v0/auth/token', headers: { 'content-type': 'application/json' }, payload: { grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret + 'x' } });
      await inject({ method: 'POST', url: '/asset/v0/auth/token', headers: { authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=client_credentials' });
      for (const bearer of [key, wrongKey, token]) {
        for (const url of ['/v1/customers', '/atlas/functions/v1/customers', '/checkoutpage/v1/customers', `/asset/v0/business/${biz}/customers`, '/count/partners/customers']) {
          await inject({ method: 'GET', url, headers: { authorization: `Bearer ${bearer}` } });
          await inject({ method: 'POST', url, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', 'idempotency-key': 'k' }, payload: { email: 'not-an-email' } });
        }
      }
      // Count's signature, valid and not.
      const timestamp = String(Date.now());
      const body = JSON.stringify({ customer: 'Signed', email: 'signed@example.com' });
      const signature = generateSignature({ method: 'POST', path: '/customers', timestamp, body, clientSecret: client.client_secret });
      const signed = await inject({ method: 'POST', url: '/count/partners/customers', headers: { 'x-client-id': client.client_id, 'x-timestamp': timestamp, 'x-signature': signature, authorization: `Bearer ${key}`, 'content-type': 'application/json' }, payload: body });
      assert.equal(signed.statusCode, 201, signed.body);
      await inject({ method: 'POST', url: '/count/partners/customers', headers: { 'x-client-id': client.client_id, 'x-timestamp': timestamp, 'x-signature': 'f'.repeat(64), authorization: `Bearer ${key}`, 'content-type': 'application/json' }, payload: body });
      // Count's partner flow: the application's secret, the code, both tokens.
      const partner = await app.partners.createApp('Logged partner', ['https://partner.example/cb']);
      const code = await app.partners.issueCode(partner.app, 'https://partner.example/cb', made.tenant, 'test');
      const grantBody = JSON.stringify({ code, client_id: partner.app.id, client_secret: partner.secret });
      const partnerSigned = (path: string, payload: string) => ({
        'x-client-id': partner.app.id, 'x-timestamp': timestamp, 'content-type': 'application/json',
        'x-signature': generateSignature({ method: 'POST', path, timestamp, body: payload, clientSecret: partner.secret }),
      });
      const granted = await inject({ method: 'POST', url: '/count/partners/grant-access-token', headers: partnerSigned('/grant-access-token', grantBody), payload: grantBody });
      assert.equal(granted.statusCode, 200, granted.body);
      const { accessToken, refreshToken } = JSON.parse(granted.body).data.result;
      const refreshBody = JSON.stringify({ refresh_token: refreshToken });
      const refreshed = await inject({ method: 'POST', url: '/count/partners/refresh-user-access-token', headers: partnerSigned('/refresh-user-access-token', refreshBody), payload: refreshBody });
      assert.equal(refreshed.statusCode, 200, refreshed.body);
      const partnerRead = await inject({ method: 'GET', url: '/count/partners/customers', headers: { ...partnerSigned('/customers', ''), 'x-signature': generateSignature({ method: 'GET', path: '/customers', timestamp, body: undefined, clientSecret: partner.secret }), authorization: `Bearer ${accessToken}` } });
      assert.equal(partnerRead.statusCode, 200, partnerRead.body);

      const log = lines.join('');
      assert.ok(lines.length > 20, 'requests were logged');
      for (const [what, secret] of [['test key', key], ['live key', made.secrets.live], ['wrong key', 'W'.repeat(43)], ['client secret', client.client_secret], ['access token', token], ['signature', signature],
        ['partner secret', partner.secret], ['authorization code', code], ['partner access token', accessToken], ['refresh token', refreshToken], ['rotated refresh token', JSON.parse(refreshed.body).data.result.refreshToken]] as const) {
        assert.ok(!log.includes(secret), `the ${what} leaked into the log`);
      }
    } finally {
      await app.close();
      await testStore.destroy();
    }
  });
});
