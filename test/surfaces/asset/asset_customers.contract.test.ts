import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer, type TestServer } from '../../helpers/server.ts';
import { ADDRESS_FIELDS, ASSET, CUSTOMER_FIELDS, customersPath, emailOfLength, fullAddress, tokenFor } from './helpers.ts';
import { SYSTEM_WRITE } from '../../../src/domain/customers/write-context.ts';

/**
 * Asset's create and update pages (docs.getasset.com, API v0), line by line, and the list page's
 * shape. Each assertion names the rule it checks.
 */
describe('Asset surface: the pages, line by line', () => {
  const ctx = suiteServer();
  let server: TestServer;
  let token: string;
  let base: string;
  const create = (json: unknown) => server.request('POST', base, { key: token, json });
  const update = (id: string, json: unknown) => server.request('PATCH', `${base}/${id}`, { key: token, json });
  const retrieve = (id: string) => server.request('GET', `${base}/${id}`, { key: token });

  before(async () => {
    server = ctx.server;
    token = await tokenFor(server, server.tenant);
    base = customersPath(server.tenant);
  });

  const assertShape = (customer: Record<string, unknown>) => {
    assert.deepEqual(Object.keys(customer), CUSTOMER_FIELDS, 'Customer object: exactly the seven documented fields, in order');
    for (const field of ['billing_address', 'shipping_address']) {
      const address = customer[field];
      if (address !== null) assert.deepEqual(Object.keys(address as object), ADDRESS_FIELDS, `${field}: exactly the six Address fields`);
    }
  };

  describe('POST /v0/business/{business_id}/customers — "Create a new customer"', () => {
    it('answers 200 "Successful Response" with `data`, the Customer object, required', async () => {
      const res = await create({ name: 'Ada' });
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body), ['data'], 'response body: exactly { data }');
      assertShape(res.body.data);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    });

    it('takes every documented body field and prints each back', async () => {
      const body = {
        name: 'Grace Hopper',
        external_id: 'ext-001',
        email: 'grace@example.com',
        billing_address: fullAddress('Billing'),
        shipping_address: fullAddress('Shipping', 'GB'),
        phone_number: '+1 415 555 0100',
      };
      const res = await create(body);
      assert.equal(res.status, 200, res.text);
      const { id, ...rest } = res.body.data;
      assert.deepEqual(rest, body);
      assert.match(id, /^cus_[0-9A-Za-z]{17}$/, 'id: string<cus_string>');
      const again = await retrieve(id);
      assert.deepEqual(again.body, res.body, 'retrieve prints what create printed');
    });

    it('"Authorization: Bearer <token>": the access token from the OAuth 2.0 flow is required', async () => {
      const res = await server.request('POST', base, { key: null, json: { name: 'x' } });
      assert.equal(res.status, 401);
    });

    it('"business_id string<biz_string> required": the biz_ id of the token\'s business', async () => {
      assert.match(server.tenant.wireId, /^biz_/);
      const res = await server.request('POST', `${ASSET}/business/not-a-business/customers`, { key: token, json: { name: 'x' } });
      assert.equal(res.status, 404);
    });

    it('"name string required": missing → 422 naming body.name', async () => {
      const res = await create({ email: 'noname@example.com' });
      assert.equal(res.status, 422);
      assert.deepEqual(res.body.detail, [{ type: 'missing', loc: ['body', 'name'], msg: 'Field required' }]);
    });

    it('"name string required": an empty name is no name', async () => {
      const res = await create({ name: '' });
      assert.equal(res.status, 422);
      assert.deepEqual(res.body.detail[0].loc, ['body', 'name']);
      assert.equal(res.body.detail[0].type, 'string_too_short');
    });

    it('"name string": null is not a string', async () => {
      const res = await create({ name: null });
      assert.equal(res.status, 422);
      assert.deepEqual(res.body.detail[0].loc, ['body', 'name']);
      assert.equal(res.body.detail[0].type, 'string_type');
    });

    const limits = [
      { field: 'name', max: 255, value: (n: number) => 'n'.repeat(n) },
      { field: 'external_id', max: 255, value: (n: number) => 'e'.repeat(n) },
      { field: 'email', max: 255, value: (n: number) => emailOfLength(n) },
      { field: 'phone_number', max: 32, value: (n: number) => '1'.repeat(n) },
    ];
    for (const { field, max, value } of limits) {
      it(`"${field}: Maximum string length: ${max}": ${max} is stored whole, ${max + 1} → 422 naming body.${field}`, async () => {
        const atMax = await create({ name: 'Limits', [field]: value(max) });
        assert.equal(atMax.status, 200, atMax.text);
        assert.equal(atMax.body.data[field], value(max));
        const over = await create({ name: 'Limits', [field]: value(max + 1) });
        assert.equal(over.status, 422);
        assert.deepEqual(over.body.detail[0].loc, ['body', field]);
        assert.equal(over.body.detail[0].type, 'string_too_long');
        assert.deepEqual(over.body.detail[0].ctx, { max_length: max });
      });
    }

    it('counts the limit in characters, not bytes or UTF-16 units', async () => {
      const res = await create({ name: '😀'.repeat(255) });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.data.name, '😀'.repeat(255));
    });

    for (const field of ['external_id', 'email', 'phone_number']) {
      it(`"${field} string | null": null is accepted and printed as null`, async () => {
        const res = await create({ name: 'Nulls', [field]: null });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body.data[field], null);
      });
    }

    it('prints fields not given as null: external_id, email, phone_number, both addresses', async () => {
      const res = await create({ name: 'Minimal' });
      assert.deepEqual(res.body.data, {
        name: 'Minimal',
        id: res.body.data.id,
        external_id: null,
        email: null,
        billing_address: null,
        shipping_address: null,
        phone_number: null,
      });
    });

    it('"billing_address / shipping_address Address · object": street_2 optional, absent lines printed null', async () => {
      const { street_2: _, ...withoutLine2 } = fullAddress('Only');
      const res = await create({ name: 'Addr', billing_address: withoutLine2, shipping_address: { city: 'Cairo', country: 'EG' } });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.data.billing_address, { ...withoutLine2, street_2: null });
      assert.deepEqual(res.body.data.shipping_address, { street_1: null, city: 'Cairo', state: null, postal_code: null, country: 'EG', street_2: null });
    });

    it('billing and shipping addresses are independent', async () => {
      const res = await create({ name: 'Two', billing_address: fullAddress('B'), shipping_address: fullAddress('S') });
      assert.equal(res.body.data.billing_address.street_1, '1 B St');
      assert.equal(res.body.data.shipping_address.street_1, '1 S St');
    });

    it('"Body application/json": a JSON body, not a form', async () => {
      const res = await server.request('POST', base, { key: token, form: 'name=Form' });
      assert.equal(res.status, 415);
    });
  });

  describe('PATCH /v0/business/{business_id}/customers/{customer_id} — "Update a customer"', () => {
    let id: string;
    const original = {
      name: 'Original',
      external_id: 'ext-orig',
      email: 'original@example.com',
      billing_address: fullAddress('OrigBill'),
      shipping_address: fullAddress('OrigShip'),
      phone_number: '+44 20 7946 0000',
    };
    before(async () => {
      const res = await create(original);
      id = res.body.data.id;
    });

    it('"customer_id string<cus_string> required": the id create printed; answers { data: Customer }', async () => {
      const res = await update(id, {});
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(Object.keys(res.body), ['data']);
      assertShape(res.body.data);
      assert.deepEqual(res.body.data, { ...original, id }, 'an empty body changes nothing');
    });

    const changes: [string, unknown][] = [
      ['name', 'Renamed'],
      ['email', 'renamed@example.com'],
      ['billing_address', fullAddress('NewBill', 'FR')],
      ['shipping_address', fullAddress('NewShip', 'DE')],
      ['phone_number', '+33 1 23 45 67 89'],
    ];
    for (const [field, value] of changes) {
      it(`"${field}": changes it, and only it`, async () => {
        const before = (await retrieve(id)).body.data;
        const res = await update(id, { [field]: value });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body.data, { ...before, [field]: value });
        assert.deepEqual((await retrieve(id)).body.data, res.body.data, 'the change is stored');
      });
    }

    it('addresses are replaced whole: fields left out become null', async () => {
      await update(id, { billing_address: fullAddress('Whole') });
      const res = await update(id, { billing_address: { city: 'Lyon' } });
      assert.deepEqual(res.body.data.billing_address, { street_1: null, city: 'Lyon', state: null, postal_code: null, country: null, street_2: null });
    });

    for (const field of ['email', 'phone_number', 'billing_address', 'shipping_address']) {
      it(`"${field}" null removes it`, async () => {
        const res = await update(id, { [field]: null });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body.data[field], null);
        assert.equal((await retrieve(id)).body.data[field], null);
      });
    }

    it('"name string | null": null leaves the name (a name is required on create); an empty name is refused', async () => {
      const named = await update(id, { name: 'Kept' });
      assert.equal(named.body.data.name, 'Kept');
      const res = await update(id, { name: null });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.data.name, 'Kept');
      const empty = await update(id, { name: '' });
      assert.equal(empty.status, 422);
      assert.deepEqual(empty.body.detail[0].loc, ['body', 'name']);
    });

    it('an empty string in a nullable field removes it, as null does', async () => {
      await update(id, { email: 'empty-test@example.com', phone_number: '123' });
      const res = await update(id, { email: '', phone_number: '' });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.data.email, null);
      assert.equal(res.body.data.phone_number, null);
    });

    const limits = [
      { field: 'name', max: 255, value: (n: number) => 'u'.repeat(n) },
      { field: 'email', max: 255, value: (n: number) => emailOfLength(n, 'u') },
      { field: 'phone_number', max: 32, value: (n: number) => '2'.repeat(n) },
    ];
    for (const { field, max, value } of limits) {
      it(`"${field}: Maximum string length: ${max}" on update too`, async () => {
        const ok = await update(id, { [field]: value(max) });
        assert.equal(ok.status, 200, ok.text);
        assert.equal(ok.body.data[field], value(max));
        const over = await update(id, { [field]: value(max + 1) });
        assert.equal(over.status, 422);
        assert.deepEqual(over.body.detail[0].loc, ['body', field]);
        assert.equal(over.body.detail[0].type, 'string_too_long');
        assert.equal((await retrieve(id)).body.data[field], value(max), 'a refused update changes nothing');
      });
    }

    it('external_id, not on the update page, is accepted with create\'s rules (a Clientele extension)', async () => {
      const res = await update(id, { external_id: 'ext-new' });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.data.external_id, 'ext-new');
      const over = await update(id, { external_id: 'e'.repeat(256) });
      assert.equal(over.status, 422);
      assert.deepEqual(over.body.detail[0].loc, ['body', 'external_id']);
      const cleared = await update(id, { external_id: null });
      assert.equal(cleared.body.data.external_id, null);
    });
  });

  describe('GET /v0/business/{business_id}/customers — "List customers for a business"', () => {
    it('answers { data: Customer[], pagination: { next_page_token, previous_page_token } }', async () => {
      const res = await server.request('GET', `${base}?page_size=1`, { key: token });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(Object.keys(res.body), ['data', 'pagination']);
      assert.deepEqual(Object.keys(res.body.pagination), ['next_page_token', 'previous_page_token']);
      assert.equal(res.body.data.length, 1);
      assertShape(res.body.data[0]);
      assert.equal(typeof res.body.pagination.next_page_token, 'string', 'more customers: a next page');
      assert.equal(res.body.pagination.previous_page_token, null, 'first page: no previous page');
    });

    it('"page_size integer, default: 100, Required range: 1 <= x <= 100"', async () => {
      const tenant = await server.newTenant('Hundred and one');
      const scope = { tenantId: tenant.id, mode: 'test' as const };
      for (let i = 0; i < 101; i++) await server.app.customers.create(scope, { name: `c${i}` }, SYSTEM_WRITE);
      const t = await tokenFor(server, tenant);
      const path = customersPath(tenant);
      const byDefault = await server.request('GET', path, { key: t });
      assert.equal(byDefault.body.data.length, 100, 'default page size 100');
      assert.notEqual(byDefault.body.pagination.next_page_token, null);
      const max = await server.request('GET', `${path}?page_size=100`, { key: t });
      assert.equal(max.body.data.length, 100);
      const one = await server.request('GET', `${path}?page_size=1`, { key: t });
      assert.equal(one.body.data.length, 1);
      for (const bad of ['0', '101', '-1', 'ten', '1.5']) {
        const res = await server.request('GET', `${path}?page_size=${bad}`, { key: t });
        assert.equal(res.status, 422, `page_size=${bad}`);
        assert.deepEqual(res.body.detail[0].loc, ['query', 'page_size'], `page_size=${bad}`);
      }
    });

    it('"page_token string | null": empty means the first page', async () => {
      const first = await server.request('GET', `${base}?page_size=2`, { key: token });
      const empty = await server.request('GET', `${base}?page_size=2&page_token=`, { key: token });
      assert.equal(empty.status, 200);
      assert.deepEqual(empty.body, first.body);
    });
  });

  describe('GET /v0/business/{business_id}/customers/{customer_id}', () => {
    it('answers { data: Customer }', async () => {
      const made = await create({ name: 'Fetched' });
      const res = await retrieve(made.body.data.id);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, made.body);
    });
  });

  describe('/openapi.json', () => {
    it('documents every Asset route under the Asset tag, with the fields the API prints', async () => {
      const doc = (await server.request('GET', '/openapi.json', { key: null })).body;
      const paths = {
        [`${ASSET}/auth/token`]: ['post'],
        [`${ASSET}/business/{business_id}/customers`]: ['get', 'post'],
        [`${ASSET}/business/{business_id}/customers/{customer_id}`]: ['get', 'patch'],
      };
      for (const [path, methods] of Object.entries(paths)) {
        assert.deepEqual(Object.keys(doc.paths[path] ?? {}).sort(), methods, path);
        for (const m of methods) assert.deepEqual(doc.paths[path][m].tags, ['Asset'], `${m} ${path}`);
      }
      const schema = doc.paths[`${ASSET}/business/{business_id}/customers`].post.responses['200'].content['application/json'].schema;
      assert.deepEqual(Object.keys(schema.properties), ['data']);
      assert.deepEqual(Object.keys(schema.properties.data.properties), CUSTOMER_FIELDS);
      const body = doc.paths[`${ASSET}/business/{business_id}/customers`].post.requestBody.content['application/json'].schema;
      assert.deepEqual(body.required, ['name']);
      assert.equal(body.properties.name.maxLength, 255);
      assert.equal(body.properties.phone_number.maxLength, 32);
      assert.deepEqual(doc.paths[`${ASSET}/auth/token`].post.security, [], 'the token endpoint needs no token');
    });
  });
});
