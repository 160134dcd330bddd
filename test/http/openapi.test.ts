import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('GET /openapi.json and /docs', () => {
  let server: TestServer;
  before(async () => (server = await startServer()));
  after(async () => server.close());

  it('serves an OpenAPI 3.1 document with every native route, without authentication', async () => {
    const res = await server.request('GET', '/openapi.json', { key: null });
    assert.equal(res.status, 200);
    const doc = res.body;
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(Object.keys(doc.paths['/v1/customers']).sort(), ['get', 'post']);
    assert.deepEqual(Object.keys(doc.paths['/v1/customers/{id}']).sort(), ['delete', 'get', 'patch', 'post']);
    assert.deepEqual(Object.keys(doc.paths['/v1/customers/search']), ['get']);
    const body = doc.paths['/v1/customers'].post.requestBody.content;
    assert.deepEqual(Object.keys(body).sort(), ['application/json', 'application/x-www-form-urlencoded']);
    assert.ok(body['application/json'].schema.properties.metadata, 'request parameters documented');
  });

  it('documents exactly the fields the API prints: the response schema and the renderer agree', async () => {
    const doc = (await server.request('GET', '/openapi.json', { key: null })).body;
    const ok = doc.paths['/v1/customers'].post.responses['200'].content['application/json'].schema;
    const documented = Object.keys(ok.properties).sort();
    const printed = await server.request('POST', '/v1/customers', { form: 'business_name=B&individual_name=I&expand[]=tax_ids' });
    assert.deepEqual(Object.keys(printed.body).sort(), documented);
    const required = new Set<string>(ok.required);
    const plain = await server.request('POST', '/v1/customers', { form: '' });
    for (const key of Object.keys(plain.body)) assert.ok(required.has(key), `${key} printed but not required`);
    for (const key of required) assert.ok(key in plain.body, `${key} required but not printed`);
  });

  it('serves the interactive documentation at /docs', async () => {
    const res = await fetch(server.url + '/docs');
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<html/i);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  it('marks every API answer no-store and nosniff, errors included', async () => {
    const created = await server.request('POST', '/v1/customers', { form: 'email=headers@example.com' });
    const answers = [
      created,
      await server.request('GET', `/v1/customers/${created.body.id}`),
      await server.request('GET', '/v1/customers?email=headers@example.com'),
      await server.request('GET', '/v1/customers', { key: null }),
      await server.request('GET', '/v1/customers/cus_00000000000000000'),
      await server.request('GET', '/checkoutpage/v1/customers'),
      await server.request('GET', '/openapi.json', { key: null }),
    ];
    for (const res of answers) {
      assert.equal(res.headers.get('cache-control'), 'no-store', `${res.status} ${res.text.slice(0, 80)}`);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    }
  });

  it('answers /healthz with ok while the store answers', async () => {
    const res = await server.request('GET', '/healthz', { key: null });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
  });

  it('answers /healthz with 503 once the store is gone', async () => {
    const other = await startServer();
    await other.store.close();
    const res = await other.request('GET', '/healthz', { key: null });
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { status: 'unavailable' });
    // A request that reaches a closed store is a 503 in the surface's format, never a 500.
    const call = await other.request('GET', '/v1/customers');
    assert.equal(call.status, 503, call.text);
    assert.equal(call.body.error.type, 'api_error');
    assert.equal(call.headers.get('stripe-should-retry'), 'true');
    await other.close();
  });
});
