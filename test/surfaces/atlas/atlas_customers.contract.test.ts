import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer } from '../../helpers/server.ts';
import { ADDRESS_FIELDS, ATLAS, CUSTOMER_FIELDS, assertError, atlas, createCustomer, uniqueEmail } from './helpers.ts';

/**
 * Atlas's "Update Customer" page (PATCH /customers/{customer_id}), line by line, and the
 * create / list / retrieve / delete endpoints that share its customer object.
 */
describe('Atlas contract: the customer object and its endpoints', () => {
  const ctx = suiteServer();

  const fullBody = () => ({
    email: uniqueEmail('full'),
    name: 'Ada Lovelace',
    phone: '+44 20 7946 0000',
    description: 'Analytical engine customer',
    billing_address: { line1: '12 St James Square', line2: 'Floor 2', city: 'London', state: 'Greater London', postal_code: 'SW1Y 4JH', country: 'GB' },
    shipping_address: { line1: '1 Dock Road', line2: 'Unit 7', city: 'Bristol', state: 'Avon', postal_code: 'BS1 6XX', country: 'GB' },
    default_payment_method: 'pm_card_123',
    tax_exempt: true,
    metadata: { plan: 'pro', seats: '12' },
  });

  describe('PATCH /customers/{customer_id} (the page)', () => {
    it('takes the page\'s whole body, with Bearer auth and a JSON body, and answers 200 with every field set', async () => {
      const c = await createCustomer(ctx.server);
      const body = fullBody();
      const res = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: body });
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const { email, name, phone, description, billing_address, shipping_address, default_payment_method, tax_exempt, metadata } = res.body;
      assert.deepEqual(
        { email, name, phone, description, billing_address, shipping_address, default_payment_method, tax_exempt, metadata },
        body,
      );
      assert.equal(res.body.id, c.id);
      assert.equal(res.body.object, 'customer');
      assert.equal(res.body.created, c.created);
    });

    it('answers with exactly the page\'s fields, in its order, addresses with exactly their six', async () => {
      const c = await createCustomer(ctx.server);
      const res = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: fullBody() });
      assert.deepEqual(Object.keys(res.body), CUSTOMER_FIELDS);
      assert.deepEqual(Object.keys(res.body.billing_address), ADDRESS_FIELDS);
      assert.deepEqual(Object.keys(res.body.shipping_address), ADDRESS_FIELDS);
    });

    it('types every response field as the page does: strings, object enum "customer", boolean, object[], object, integer', async () => {
      const before = Math.floor(Date.now() / 1000);
      const c = await createCustomer(ctx.server);
      const res = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: fullBody() });
      const b = res.body;
      assert.match(b.id, /^cus_[0-9A-Za-z]{17}$/);
      assert.equal(b.object, 'customer');
      for (const f of ['email', 'name', 'phone', 'description', 'default_payment_method']) assert.equal(typeof b[f], 'string', f);
      for (const f of ['billing_address', 'shipping_address']) {
        for (const a of ADDRESS_FIELDS) assert.equal(typeof b[f][a], 'string', `${f}.${a}`);
      }
      assert.equal(typeof b.tax_exempt, 'boolean');
      assert.ok(Array.isArray(b.tax_ids));
      assert.ok(b.metadata !== null && typeof b.metadata === 'object' && !Array.isArray(b.metadata));
      assert.ok(Number.isInteger(b.created), 'created is an integer');
      assert.ok(b.created >= before - 1 && b.created <= Math.floor(Date.now() / 1000) + 1, 'created is unix seconds');
    });

    it('names the customer by customer_id in the path; an id in the body is refused', async () => {
      const c = await createCustomer(ctx.server);
      const other = await createCustomer(ctx.server, { name: 'Other' });
      const res = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { name: 'Renamed' } });
      assert.equal(res.body.id, c.id);
      assert.equal((await atlas(ctx.server, 'GET', `/customers/${other.id}`)).body.name, 'Other');
      assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { id: other.id } }), 400, { type: 'validation_error', param: 'id' });
    });

    it('changes only the fields given: each field alone, every other field as it was', async () => {
      const c = await createCustomer(ctx.server);
      let current = (await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: fullBody() })).body;
      const changes: Record<string, unknown> = {
        email: uniqueEmail('alone'),
        name: 'Grace Hopper',
        phone: '+1 555 0100',
        description: 'Compiler customer',
        billing_address: { line1: '1 Navy Way', line2: null, city: 'Arlington', state: 'VA', postal_code: '22202', country: 'US' },
        shipping_address: { line1: '2 Fleet St', line2: null, city: 'Norfolk', state: 'VA', postal_code: '23511', country: 'US' },
        default_payment_method: 'pm_other',
        tax_exempt: false,
      };
      for (const [field, value] of Object.entries(changes)) {
        const res = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { [field]: value } });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body, { ...current, [field]: value }, `PATCH ${field} alone`);
        current = res.body;
      }
      const retrieved = await atlas(ctx.server, 'GET', `/customers/${c.id}`);
      assert.deepEqual(retrieved.body, current);
    });

    it('clears each nullable field with null: name, phone, description, both addresses, default_payment_method', async () => {
      const c = await createCustomer(ctx.server);
      const full = (await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: fullBody() })).body;
      for (const field of ['name', 'phone', 'description', 'billing_address', 'shipping_address', 'default_payment_method']) {
        const res = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { [field]: null } });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body[field], null, field);
      }
      const after = (await atlas(ctx.server, 'GET', `/customers/${c.id}`)).body;
      assert.equal(after.email, full.email, 'email untouched');
      assert.deepEqual(after.metadata, full.metadata, 'metadata untouched');
      assert.equal(after.tax_exempt, true, 'tax_exempt untouched');
    });

    it('treats "" like null for text fields (nothing is stored empty)', async () => {
      const c = await createCustomer(ctx.server, { name: 'N', phone: '1', description: 'd', default_payment_method: 'pm_1' });
      const res = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { name: '', phone: '', description: '', default_payment_method: '' } });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual([res.body.name, res.body.phone, res.body.description, res.body.default_payment_method], [null, null, null, null]);
    });

    it('replaces an address whole: fields not sent become null', async () => {
      const c = await createCustomer(ctx.server, { billing_address: fullBody().billing_address, shipping_address: fullBody().shipping_address });
      const res = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, {
        json: { billing_address: { line1: '9 Elm St', city: 'Leeds' }, shipping_address: { country: 'fr' } },
      });
      assert.deepEqual(res.body.billing_address, { line1: '9 Elm St', line2: null, city: 'Leeds', state: null, postal_code: null, country: null });
      assert.deepEqual(res.body.shipping_address, { line1: null, line2: null, city: null, state: null, postal_code: null, country: 'FR' });
    });

    it('maps tax_exempt as a boolean both ways, and null back to false', async () => {
      const c = await createCustomer(ctx.server);
      assert.equal(c.tax_exempt, false);
      assert.equal((await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { tax_exempt: true } })).body.tax_exempt, true);
      assert.equal((await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { tax_exempt: false } })).body.tax_exempt, false);
      await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { tax_exempt: true } });
      assert.equal((await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { tax_exempt: null } })).body.tax_exempt, false);
    });

    it('merges metadata: keys given are set, null (or "") removes a key, others stay; metadata: null empties it', async () => {
      const c = await createCustomer(ctx.server, { metadata: { a: '1', b: '2', c: '3' } });
      assert.deepEqual(c.metadata, { a: '1', b: '2', c: '3' });
      const merged = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { metadata: { a: 'one', b: null, c: '', d: '4' } } });
      assert.deepEqual(merged.body.metadata, { a: 'one', d: '4' });
      const noop = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { metadata: {} } });
      assert.deepEqual(noop.body.metadata, { a: 'one', d: '4' });
      const cleared = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { metadata: null } });
      assert.deepEqual(cleared.body.metadata, {});
    });

    it('keeps the e-mail as given (trimmed), and changes it', async () => {
      const c = await createCustomer(ctx.server);
      const email = uniqueEmail('Mixed.Case');
      const res = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { email: `  ${email} ` } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.email, email);
    });

    it('prints tax_ids as [{type, value}] (set on the record through the native API)', async () => {
      const c = await createCustomer(ctx.server);
      const native = await ctx.server.request('POST', `/v1/customers/${c.id}`, { json: { tax_ids: [{ type: 'eu_vat', value: 'DE123456789' }] } });
      assert.equal(native.status, 200, native.text);
      const res = await atlas(ctx.server, 'GET', `/customers/${c.id}`);
      assert.deepEqual(res.body.tax_ids, [{ type: 'eu_vat', value: 'DE123456789' }]);
    });
  });

  describe('POST /customers', () => {
    it('creates a customer from the same fields, email required, and answers 200 with the object', async () => {
      const body = fullBody();
      const res = await atlas(ctx.server, 'POST', '/customers', { json: body });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(Object.keys(res.body), CUSTOMER_FIELDS);
      const { id, object, tax_ids, created, ...rest } = res.body;
      assert.match(id, /^cus_/);
      assert.equal(object, 'customer');
      assert.deepEqual(tax_ids, []);
      assert.ok(Number.isInteger(created));
      assert.deepEqual(rest, body);
      assertError(await atlas(ctx.server, 'POST', '/customers', { json: { name: 'No email' } }), 400, { type: 'validation_error', code: 'missing_required_param', param: 'email' });
    });

    it('takes tax_ids: [{type, value}] as the create page documents, and shows them on every surface', async () => {
      const taxIds = [
        { type: 'eu_vat', value: 'DE123456789' },
        { type: 'gb_vat', value: 'GB123456789' },
      ];
      const res = await atlas(ctx.server, 'POST', '/customers', { json: { email: uniqueEmail('tax'), tax_ids: taxIds } });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body.tax_ids, taxIds);
      const native = await ctx.server.request('GET', `/v1/customers/${res.body.id}/tax_ids`);
      assert.deepEqual(native.body.data.map((t: { type: string; value: string }) => ({ type: t.type, value: t.value })).sort((a: { type: string }, b: { type: string }) => a.type.localeCompare(b.type)), taxIds);
      // An update with tax_ids (beyond the update page, as Stripe's shape suggests) replaces the list; [] empties it.
      const one = await atlas(ctx.server, 'PATCH', `/customers/${res.body.id}`, { json: { tax_ids: [taxIds[1]] } });
      assert.deepEqual(one.body.tax_ids, [taxIds[1]]);
      const kept = (await ctx.server.request('GET', `/v1/customers/${res.body.id}/tax_ids`)).body.data;
      assert.equal(kept.length, 1);
      assert.equal(kept[0].id, native.body.data.find((t: { type: string }) => t.type === 'gb_vat').id, 'an entry named again keeps its id');
      assert.deepEqual((await atlas(ctx.server, 'PATCH', `/customers/${res.body.id}`, { json: { tax_ids: [] } })).body.tax_ids, []);
    });

    it("takes the customers guide's `address` for billing_address, and answers as the reference", async () => {
      const address = { line1: '1 Guide St', city: 'Austin', state: 'TX', postal_code: '78701', country: 'us' };
      const res = await atlas(ctx.server, 'POST', '/customers', { json: { email: uniqueEmail('guide'), address } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.address, undefined);
      assert.deepEqual(res.body.billing_address, { ...address, line2: null, country: 'US' });
      const moved = await atlas(ctx.server, 'PATCH', `/customers/${res.body.id}`, { json: { address: { city: 'Dallas' } } });
      assert.deepEqual(moved.body.billing_address, { line1: null, line2: null, city: 'Dallas', state: null, postal_code: null, country: null });
      assert.equal((await atlas(ctx.server, 'PATCH', `/customers/${res.body.id}`, { json: { address: null } })).body.billing_address, null);
    });

    it('prints what was not given as null, false, [] and {}', async () => {
      const email = uniqueEmail('bare');
      const res = await atlas(ctx.server, 'POST', '/customers', { json: { email } });
      const { id, created, ...rest } = res.body;
      assert.deepEqual(rest, {
        object: 'customer',
        email,
        name: null,
        phone: null,
        description: null,
        billing_address: null,
        shipping_address: null,
        default_payment_method: null,
        tax_exempt: false,
        tax_ids: [],
        metadata: {},
      });
    });

    it('gives each customer its own id', async () => {
      const a = await createCustomer(ctx.server);
      const b = await createCustomer(ctx.server);
      assert.notEqual(a.id, b.id);
    });
  });

  describe('GET /customers/{customer_id}', () => {
    it('answers 200 with the object as the last write left it', async () => {
      const c = await createCustomer(ctx.server);
      const updated = (await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: fullBody() })).body;
      const res = await atlas(ctx.server, 'GET', `/customers/${c.id}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, updated);
    });
  });

  describe('DELETE /customers/{customer_id}', () => {
    it('answers {id, object: "customer", deleted: true}; afterwards the customer is not found nor listed', async () => {
      const email = uniqueEmail('gone');
      const c = await createCustomer(ctx.server, { email });
      const res = await atlas(ctx.server, 'DELETE', `/customers/${c.id}`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.body, { id: c.id, object: 'customer', deleted: true });
      assertError(await atlas(ctx.server, 'GET', `/customers/${c.id}`), 404, { param: 'customer_id' });
      const list = await atlas(ctx.server, 'GET', `/customers?email=${encodeURIComponent(email)}`);
      assert.deepEqual(list.body.data, []);
      assert.equal(list.body.total_count, 0);
    });
  });

  describe('GET /customers', () => {
    it('answers {object: "list", data, has_more, total_count}, newest first, 10 by default', async () => {
      const t = await ctx.server.newTenant('List default');
      const made = [];
      for (let i = 0; i < 12; i++) made.push(await createCustomer(ctx.server, { name: `n${i}` }, t.keys.test));
      const res = await atlas(ctx.server, 'GET', '/customers', { key: t.keys.test });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(Object.keys(res.body), ['object', 'data', 'has_more', 'total_count']);
      assert.equal(res.body.object, 'list');
      assert.equal(res.body.data.length, 10);
      assert.equal(res.body.has_more, true);
      assert.equal(res.body.total_count, 12);
      assert.deepEqual(res.body.data.map((c: any) => c.id), made.reverse().slice(0, 10).map((c) => c.id));
      assert.deepEqual(Object.keys(res.body.data[0]), CUSTOMER_FIELDS);
    });

    it('pages with limit and offset; total_count ignores both; has_more is false on the last page', async () => {
      const t = await ctx.server.newTenant('List paging');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.unshift((await createCustomer(ctx.server, {}, t.keys.test)).id);
      const page = async (q: string) => (await atlas(ctx.server, 'GET', `/customers?${q}`, { key: t.keys.test })).body;
      const first = await page('limit=2');
      assert.deepEqual(first.data.map((c: any) => c.id), ids.slice(0, 2));
      assert.equal(first.has_more, true);
      const second = await page('limit=2&offset=2');
      assert.deepEqual(second.data.map((c: any) => c.id), ids.slice(2, 4));
      assert.equal(second.has_more, true);
      const last = await page('limit=2&offset=4');
      assert.deepEqual(last.data.map((c: any) => c.id), ids.slice(4));
      assert.equal(last.has_more, false);
      for (const p of [first, second, last]) assert.equal(p.total_count, 5);
      const beyond = await page('offset=50');
      assert.deepEqual(beyond.data, []);
      assert.equal(beyond.has_more, false);
      assert.equal(beyond.total_count, 5);
      const huge = await page(`offset=${Number.MAX_SAFE_INTEGER}`);
      assert.deepEqual(huge.data, []);
      assert.equal((await page('limit=100')).data.length, 5);
      assert.equal((await page('limit=1')).data.length, 1);
    });

    it('filters by email: exact, compared case-insensitively, with its own total_count', async () => {
      const t = await ctx.server.newTenant('List email');
      const email = uniqueEmail('Filter');
      const target = await createCustomer(ctx.server, { email }, t.keys.test);
      await createCustomer(ctx.server, { email: 'x' + email }, t.keys.test);
      await createCustomer(ctx.server, {}, t.keys.test);
      for (const q of [email, email.toUpperCase(), email.toLowerCase()]) {
        const res = await atlas(ctx.server, 'GET', `/customers?email=${encodeURIComponent(q)}`, { key: t.keys.test });
        assert.deepEqual(res.body.data.map((c: any) => c.id), [target.id], q);
        assert.equal(res.body.total_count, 1);
        assert.equal(res.body.has_more, false);
      }
      const none = await atlas(ctx.server, 'GET', `/customers?email=${encodeURIComponent(email.slice(1))}`, { key: t.keys.test });
      assert.deepEqual(none.body, { object: 'list', data: [], has_more: false, total_count: 0 });
    });
  });

  describe('Authorization: Bearer sk_test_* or sk_live_*', () => {
    it('accepts both keys of the tenant, each seeing only its own mode', async () => {
      const live = await createCustomer(ctx.server, {}, ctx.server.tenant.keys.live);
      const test = await createCustomer(ctx.server);
      assert.equal((await atlas(ctx.server, 'GET', `/customers/${live.id}`, { key: ctx.server.tenant.keys.live })).status, 200);
      assert.equal((await atlas(ctx.server, 'GET', `/customers/${test.id}`, { key: ctx.server.tenant.keys.live })).status, 404);
      assert.equal((await atlas(ctx.server, 'GET', `/customers/${live.id}`)).status, 404);
    });

    it('is required on every route', async () => {
      const c = await createCustomer(ctx.server);
      for (const [method, path] of [['GET', '/customers'], ['POST', '/customers'], ['GET', `/customers/${c.id}`], ['PATCH', `/customers/${c.id}`], ['DELETE', `/customers/${c.id}`]] as const) {
        const init = method === 'GET' ? { key: null } : { key: null, json: { email: uniqueEmail('noauth') } };
        assertError(await atlas(ctx.server, method, path, init), 401, { type: 'authentication_error' });
      }
      assert.equal((await atlas(ctx.server, 'GET', `/customers/${c.id}`)).status, 200, 'not deleted by the unauthenticated DELETE');
    });
  });

  describe('OpenAPI', () => {
    it('documents every Atlas route under the Atlas tag, with the fields the API prints', async () => {
      const doc = (await ctx.server.request('GET', '/openapi.json', { key: null })).body;
      assert.deepEqual(Object.keys(doc.paths[`${ATLAS}/customers`]).sort(), ['get', 'post']);
      assert.deepEqual(Object.keys(doc.paths[`${ATLAS}/customers/{customer_id}`]).sort(), ['delete', 'get', 'patch']);
      for (const path of [`${ATLAS}/customers`, `${ATLAS}/customers/{customer_id}`]) {
        for (const op of Object.values(doc.paths[path]) as any[]) assert.deepEqual(op.tags, ['Atlas']);
      }
      const patch = doc.paths[`${ATLAS}/customers/{customer_id}`].patch;
      assert.deepEqual(Object.keys(patch.requestBody.content), ['application/json']);
      const documentedBody = Object.keys(patch.requestBody.content['application/json'].schema.properties);
      assert.deepEqual(documentedBody, ['email', 'name', 'phone', 'description', 'billing_address', 'address', 'shipping_address', 'default_payment_method', 'tax_exempt', 'metadata', 'tax_ids']);
      const ok = patch.responses['200'].content['application/json'].schema;
      assert.deepEqual(Object.keys(ok.properties), CUSTOMER_FIELDS);
      assert.deepEqual([...ok.required].sort(), [...CUSTOMER_FIELDS].sort());
    });
  });
});
