import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer, type TestServer } from '../../helpers/server.ts';
import { ASSET, customersPath, fullAddress, tokenFor } from './helpers.ts';

/** Every failure in FastAPI's shape, naming the field at fault; never a 500. */
describe('Asset surface: errors', () => {
  const ctx = suiteServer();
  let server: TestServer;
  let token: string;
  let base: string;
  let id: string;
  const create = (json: unknown) => server.request('POST', base, { key: token, json });
  const update = (json: unknown, target = id) => server.request('PATCH', `${base}/${target}`, { key: token, json });

  before(async () => {
    server = ctx.server;
    token = await tokenFor(server, server.tenant);
    base = customersPath(server.tenant);
    id = (await create({ name: 'Target', email: 'target@example.com' })).body.data.id;
  });

  /** A 422 whose one item names `loc`, with `type`. */
  const assert422 = (res: { status: number; body: any; text: string }, loc: (string | number)[], type?: string) => {
    assert.equal(res.status, 422, res.text);
    assert.ok(Array.isArray(res.body.detail), 'detail is a list');
    const item = res.body.detail[0];
    assert.deepEqual(Object.keys(item).filter((k) => k !== 'ctx'), ['type', 'loc', 'msg']);
    assert.deepEqual(item.loc, loc);
    assert.equal(typeof item.msg, 'string');
    if (type) assert.equal(item.type, type);
  };

  describe('validation (422), naming the field in Asset\'s notation', () => {
    it('wrong types name the field', async () => {
      assert422(await create({ name: 42 }), ['body', 'name'], 'string_type');
      assert422(await create({ name: 'x', email: true }), ['body', 'email'], 'string_type');
      assert422(await create({ name: 'x', phone_number: ['1'] }), ['body', 'phone_number'], 'string_type');
      assert422(await create({ name: 'x', billing_address: 'Main St' }), ['body', 'billing_address'], 'model_attributes_type');
      assert422(await create({ name: 'x', shipping_address: [] }), ['body', 'shipping_address'], 'model_attributes_type');
      assert422(await create({ name: 'x', billing_address: { street_1: 5 } }), ['body', 'billing_address', 'street_1'], 'string_type');
      assert422(await create({ name: 'x', shipping_address: { city: { a: 1 } } }), ['body', 'shipping_address', 'city'], 'string_type');
      assert422(await update({ name: false }), ['body', 'name'], 'string_type');
    });

    it('an address line over the limit names the line', async () => {
      assert422(await create({ name: 'x', billing_address: { street_1: 's'.repeat(5001) } }), ['body', 'billing_address', 'street_1'], 'string_too_long');
      assert422(await update({ shipping_address: { street_2: 's'.repeat(5001) } }), ['body', 'shipping_address', 'street_2'], 'string_too_long');
    });

    it('the domain\'s rules are named in Asset\'s notation: e-mail syntax, ISO country', async () => {
      assert422(await create({ name: 'x', email: 'not-an-email' }), ['body', 'email'], 'value_error');
      assert422(await update({ email: 'a@b' }), ['body', 'email'], 'value_error');
      assert422(await create({ name: 'x', billing_address: { country: 'Narnia' } }), ['body', 'billing_address', 'country'], 'value_error');
      assert422(await create({ name: 'x', shipping_address: { ...fullAddress('S'), country: 'XX' } }), ['body', 'shipping_address', 'country'], 'value_error');
      assert422(await update({ billing_address: { country: 'ZZ' } }), ['body', 'billing_address', 'country'], 'value_error');
      const res = await create({ name: 'x', billing_address: { country: 'us' } });
      assert.equal(res.body.data.billing_address.country, 'US', 'country codes are stored upper-case');
    });

    it('unknown fields are ignored, at the top and inside an address, as FastAPI models do; nothing else changes', async () => {
      const made = await create({ name: 'x', nickname: 'y', phone: '1', billing_address: { city: 'Leeds', line1: 'a' } });
      assert.equal(made.status, 200, made.text);
      assert.deepEqual(Object.keys(made.body.data), ['name', 'id', 'external_id', 'email', 'billing_address', 'shipping_address', 'phone_number']);
      assert.equal(made.body.data.phone_number, null, 'phone is not phone_number');
      assert.deepEqual(made.body.data.billing_address, { street_1: null, city: 'Leeds', state: null, postal_code: null, country: null, street_2: null });
      const before = (await server.request('GET', `${base}/${made.body.data.id}`, { key: token })).body;
      const same = await server.request('PATCH', `${base}/${made.body.data.id}`, { key: token, json: { metadata: { a: 'b' }, id: 'cus_x' } });
      assert.equal(same.status, 200, same.text);
      assert.deepEqual(same.body, before, 'an update of unknown fields only changes nothing');
      assert.equal(same.body.data.id, made.body.data.id);
    });

    it('malformed and missing bodies', async () => {
      const raw = async (method: string, path: string, body: string, type = 'application/json') => {
        const res = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
        const text = await res.text();
        return { status: res.status, text, body: JSON.parse(text) };
      };
      assert422(await raw('POST', base, '{"name": "x",'), ['body'], 'json_invalid');
      assert422(await raw('PATCH', `${base}/${id}`, 'nope'), ['body'], 'json_invalid');
      assert422(await raw('POST', base, ''), ['body'], 'missing');
      assert422(await server.request('POST', base, { key: token }), ['body'], 'missing');
      assert422(await create([{ name: 'x' }]), ['body'], 'model_attributes_type');
      assert422(await create('name'), ['body'], 'model_attributes_type');
      assert422(await create(null), ['body'], 'missing');
      const form = await raw('POST', base, 'name=x', 'application/x-www-form-urlencoded');
      assert.equal(form.status, 415);
      assert.match(form.body.detail, /Content-Type/);
      const badForm = await raw('POST', base, 'name=%ZZ', 'application/x-www-form-urlencoded');
      assert.equal(badForm.status, 415);
      assert.match(badForm.body.detail, /Content-Type/);
      const text = await raw('PATCH', `${base}/${id}`, '{"name":"x"}', 'text/plain');
      assert.equal(text.status, 415);
      assert.match(text.body.detail, /Content-Type/);
    });

    it('query parameters: unknown ones, a bad page_token, a bad page_size', async () => {
      assert.equal((await server.request('GET', `${base}?limit=5`, { key: token })).status, 200, 'an unknown query parameter is ignored');
      assert422(await server.request('GET', `${base}?page_size=abc`, { key: token }), ['query', 'page_size'], 'int_parsing');
      assert422(await server.request('GET', `${base}?page_size=500`, { key: token }), ['query', 'page_size'], 'less_than_equal');
      assert422(await server.request('GET', `${base}?page_token=garbage`, { key: token }), ['query', 'page_token']);
      assert422(await server.request('GET', `${base}?page_token=${id}`, { key: token }), ['query', 'page_token']);
      assert.equal((await server.request('GET', `${base}/${id}?expand=x`, { key: token })).status, 200);
      const bad = await server.request('GET', `${base}?page_size=%ZZ`, { key: token });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.detail[0].loc[0], 'query');
    });

    it('a page token from another business does not reveal its customers', async () => {
      const other = await server.newTenant('Paginated elsewhere');
      const otherToken = await tokenFor(server, other);
      for (let i = 0; i < 3; i++) await server.request('POST', customersPath(other), { key: otherToken, json: { name: `o${i}` } });
      const page = await server.request('GET', `${customersPath(other)}?page_size=1`, { key: otherToken });
      const foreign = page.body.pagination.next_page_token;
      assert.equal(typeof foreign, 'string');
      assert422(await server.request('GET', `${base}?page_token=${foreign}`, { key: token }), ['query', 'page_token']);
    });
  });

  describe('not found (404)', () => {
    it('an unknown customer, well-formed or not, names customer_id', async () => {
      for (const unknown of ['cus_00000000000000000', 'cus_nope', '12345', 'cus_' + 'z'.repeat(17)]) {
        for (const res of [await server.request('GET', `${base}/${unknown}`, { key: token }), await update({ name: 'x' }, unknown)]) {
          assert.equal(res.status, 404, `${unknown}: ${res.text}`);
          assert.deepEqual(Object.keys(res.body), ['detail']);
          assert.match(res.body.detail, /customer_id/);
        }
      }
    });

    it('an unknown or malformed business names business_id', async () => {
      for (const biz of ['biz_00000000000000000', 'biz_', 'acme', 'cus_00000000000000000']) {
        const res = await server.request('GET', `${ASSET}/business/${biz}/customers`, { key: token });
        assert.equal(res.status, 404, biz);
        assert.match(res.body.detail, /business_id/);
      }
    });

    it('a customer deleted through the native API is not found', async () => {
      const made = await create({ name: 'Doomed' });
      const del = await ctx.stripe.customers.del(made.body.data.id);
      assert.equal(del.deleted, true);
      assert.equal((await server.request('GET', `${base}/${made.body.data.id}`, { key: token })).status, 404);
      assert.equal((await update({ name: 'x' }, made.body.data.id)).status, 404);
      assert.equal((await update({ shipping_address: fullAddress('X') }, made.body.data.id)).status, 404);
      assert.equal((await update({}, made.body.data.id)).status, 404);
      const list = await server.request('GET', base, { key: token });
      assert.ok(!list.body.data.some((c: { id: string }) => c.id === made.body.data.id));
    });

    it('an unknown route or method under the prefix', async () => {
      for (const [method, path] of [
        ['GET', `${ASSET}/customers`],
        ['DELETE', `${base}/${id}`],
        ['PUT', `${base}/${id}`],
        ['POST', `${base}/${id}`],
        ['GET', `${ASSET}/auth/token`],
      ] as const) {
        const res = await server.request(method, path, { key: token });
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.equal(typeof res.body.detail, 'string');
      }
    });
  });

  describe('conflict (409)', () => {
    it('a duplicate e-mail on create or update names email; case does not make it new', async () => {
      for (const res of [
        await create({ name: 'Dup', email: 'target@example.com' }),
        await create({ name: 'Dup', email: 'TARGET@example.com' }),
      ]) {
        assert.equal(res.status, 409, res.text);
        assert.deepEqual(Object.keys(res.body), ['detail']);
        assert.match(res.body.detail, /email/);
      }
      const other = await create({ name: 'Other', email: 'other@example.com' });
      const res = await update({ email: 'Target@Example.com' }, other.body.data.id);
      assert.equal(res.status, 409);
      assert.match(res.body.detail, /email/);
      assert.equal((await server.request('GET', `${base}/${other.body.data.id}`, { key: token })).body.data.email, 'other@example.com');
    });

    it('the same e-mail in another business is fine', async () => {
      const other = await server.newTenant('Elsewhere');
      const res = await server.request('POST', customersPath(other), { key: await tokenFor(server, other), json: { name: 'T', email: 'target@example.com' } });
      assert.equal(res.status, 200);
    });
  });

  it('errors carry a Request-Id and never a stack', async () => {
    const res = await create({ name: 'x', billing_address: { country: 'Nowhere' } });
    assert.match(res.headers.get('request-id') ?? '', /^req_/);
    assert.doesNotMatch(res.text, /at .*\.ts:\d+/);
  });
});
