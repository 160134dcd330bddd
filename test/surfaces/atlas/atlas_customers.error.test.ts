import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UnavailableError } from '../../../src/domain/errors.ts';
import { suiteServer } from '../../helpers/server.ts';
import { ATLAS, assertError, atlas, createCustomer, uniqueEmail } from './helpers.ts';

/** Every failure leaves in one Stripe-shaped format: {"error": {type, code, message, param}}. */
describe('Atlas errors', () => {
  const ctx = suiteServer();

  describe('401: the secret key', () => {
    it('is missing', async () => {
      const res = await atlas(ctx.server, 'GET', '/customers', { key: null });
      assertError(res, 401, { type: 'authentication_error', param: null });
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="Atlas"');
    });

    it('is not a key, or not one of ours, or not in a Bearer header', async () => {
      assertError(await atlas(ctx.server, 'GET', '/customers', { key: 'not-a-key' }), 401, { type: 'authentication_error' });
      const unknown = await atlas(ctx.server, 'GET', '/customers', { key: 'sk_test_' + 'a'.repeat(40) });
      assertError(unknown, 401, { type: 'authentication_error', message: /aaaa$/ });
      assert.ok(!unknown.text.includes('a'.repeat(30)), 'the key is masked in the message');
      const scheme = await atlas(ctx.server, 'GET', '/customers', { key: null, headers: { authorization: `Token ${ctx.server.tenant.keys.test}` } });
      assertError(scheme, 401, { type: 'authentication_error' });
      assertError(await atlas(ctx.server, 'GET', '/customers', { key: 'pk_test_' + 'a'.repeat(40) }), 401, { type: 'authentication_error' });
    });

    it('has expired after being rolled', async () => {
      const t = await ctx.server.newTenant('Rolled');
      const old = t.keys.test;
      const fresh = await ctx.server.tenants.rollKey(t.id, 'test', 0);
      assertError(await atlas(ctx.server, 'GET', '/customers', { key: old }), 401, { type: 'authentication_error' });
      assert.equal((await atlas(ctx.server, 'GET', '/customers', { key: fresh.secret })).status, 200);
    });

    it('is checked before anything else: an unknown route or a bad body without a key is 401', async () => {
      assertError(await atlas(ctx.server, 'GET', '/nowhere', { key: null }), 401, { type: 'authentication_error' });
      assertError(await atlas(ctx.server, 'POST', '/customers', { key: null, json: { nope: 1 } }), 401, { type: 'authentication_error' });
    });
  });

  describe('404', () => {
    it('for an id that does not exist, or cannot exist, on every route; never a 500', async () => {
      for (const id of ['cus_00000000000000000', 'cus_nope', 'nope', 'cus_zzzzzzzzzzzzzzzzz', '123', 'cus_' + 'A'.repeat(100), encodeURIComponent('cus_ü')]) {
        for (const method of ['GET', 'PATCH', 'DELETE']) {
          const res = await atlas(ctx.server, method, `/customers/${id}`, method === 'PATCH' ? { json: { name: 'x' } } : {});
          assertError(res, 404, { param: 'customer_id', message: /^No such customer: '/ });
        }
      }
      const res = await atlas(ctx.server, 'GET', '/customers/cus_00000000000000000');
      assert.equal(res.body.error.message, "No such customer: 'cus_00000000000000000'");
    });

    it("for another tenant's customer, and for the other mode's", async () => {
      const c = await createCustomer(ctx.server);
      const other = await ctx.server.newTenant('Other');
      for (const key of [other.keys.test, other.keys.live, ctx.server.tenant.keys.live]) {
        assertError(await atlas(ctx.server, 'GET', `/customers/${c.id}`, { key }), 404, {});
        assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { key, json: { name: 'hijack' } }), 404, {});
        assertError(await atlas(ctx.server, 'DELETE', `/customers/${c.id}`, { key }), 404, {});
      }
      const after = await atlas(ctx.server, 'GET', `/customers/${c.id}`);
      assert.equal(after.status, 200);
      assert.equal(after.body.name, null, 'not renamed by another tenant');
    });

    it('for a deleted customer, on every route (including empty and shipping updates)', async () => {
      const c = await createCustomer(ctx.server);
      assert.equal((await atlas(ctx.server, 'DELETE', `/customers/${c.id}`)).status, 200);
      assertError(await atlas(ctx.server, 'GET', `/customers/${c.id}`), 404, { param: 'customer_id' });
      assertError(await atlas(ctx.server, 'DELETE', `/customers/${c.id}`), 404, { param: 'customer_id' });
      for (const json of [{ name: 'back' }, {}, { shipping_address: { city: 'X' } }, { tax_exempt: true }]) {
        assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json }), 404, { param: 'customer_id' });
      }
    });

    it('for an unknown route under the prefix, and a known path with another method', async () => {
      const c = await createCustomer(ctx.server);
      assertError(await atlas(ctx.server, 'GET', '/nowhere'), 404, { message: /GET \/atlas\/functions\/v1\/nowhere/ });
      assertError(await atlas(ctx.server, 'POST', `/customers/${c.id}`, { json: { name: 'x' } }), 404, {});
      assertError(await atlas(ctx.server, 'PUT', `/customers/${c.id}`, { json: { name: 'x' } }), 404, {});
      assertError(await atlas(ctx.server, 'DELETE', '/customers'), 404, {});
    });
  });

  describe('400: a duplicate e-mail (Atlas keeps 409 for idempotency conflicts)', () => {
    it('on create, compared case-insensitively; nothing is written', async () => {
      const t = await ctx.server.newTenant('Dup create');
      const email = uniqueEmail('dup');
      await createCustomer(ctx.server, { email }, t.keys.test);
      const res = await atlas(ctx.server, 'POST', '/customers', { key: t.keys.test, json: { email: email.toUpperCase(), name: 'Second' } });
      assertError(res, 400, { type: 'validation_error', param: 'email' });
      assert.equal((await atlas(ctx.server, 'GET', '/customers', { key: t.keys.test })).body.total_count, 1);
    });

    it('on update; nothing is written', async () => {
      const first = await createCustomer(ctx.server);
      const second = await createCustomer(ctx.server, { name: 'Second' });
      const res = await atlas(ctx.server, 'PATCH', `/customers/${second.id}`, { json: { email: first.email.toUpperCase(), name: 'Changed' } });
      assertError(res, 400, { type: 'validation_error', param: 'email' });
      const after = (await atlas(ctx.server, 'GET', `/customers/${second.id}`)).body;
      assert.equal(after.email, second.email);
      assert.equal(after.name, 'Second');
    });

    it('is per tenant and mode, and a deleted customer frees its e-mail', async () => {
      const email = uniqueEmail('scoped');
      const c = await createCustomer(ctx.server, { email });
      await createCustomer(ctx.server, { email }, ctx.server.tenant.keys.live);
      await createCustomer(ctx.server, { email }, (await ctx.server.newTenant('Scoped')).keys.test);
      await atlas(ctx.server, 'DELETE', `/customers/${c.id}`);
      await createCustomer(ctx.server, { email });
    });

    it('one winner among concurrent creates', async () => {
      const email = uniqueEmail('race');
      const results = await Promise.all(Array.from({ length: 10 }, () => atlas(ctx.server, 'POST', '/customers', { json: { email } })));
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, ...Array(9).fill(400)]);
    });
  });

  describe('400: the body', () => {
    it('requires email on create, and refuses it blank or null', async () => {
      assertError(await atlas(ctx.server, 'POST', '/customers', { json: {} }), 400, { type: 'validation_error', code: 'missing_required_param', param: 'email', message: /email/ });
      assertError(await atlas(ctx.server, 'POST', '/customers'), 400, { type: 'validation_error', code: 'missing_required_param', param: 'email' });
      for (const email of ['', '   ', null, 5]) {
        assertError(await atlas(ctx.server, 'POST', '/customers', { json: { email } }), 400, { type: 'validation_error', param: 'email' });
      }
    });

    it('refuses an invalid e-mail, naming the field', async () => {
      assertError(await atlas(ctx.server, 'POST', '/customers', { json: { email: 'not-an-email' } }), 400, {
        type: 'validation_error',
        param: 'email',
        message: /Invalid email address: not-an-email/,
      });
      const c = await createCustomer(ctx.server);
      assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { email: 'a@b' } }), 400, { type: 'validation_error', param: 'email' });
    });

    it('refuses clearing the e-mail: Atlas requires one', async () => {
      const c = await createCustomer(ctx.server);
      for (const email of [null, '', ' ']) {
        assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { email } }), 400, { type: 'validation_error', param: 'email' });
      }
      assert.equal((await atlas(ctx.server, 'GET', `/customers/${c.id}`)).body.email, c.email);
    });

    it('refuses an unknown country, naming billing_address.country or shipping_address.country', async () => {
      assertError(await atlas(ctx.server, 'POST', '/customers', { json: { email: uniqueEmail(), billing_address: { country: 'XX' } } }), 400, {
        type: 'validation_error',
        param: 'billing_address.country',
      });
      const c = await createCustomer(ctx.server);
      assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { shipping_address: { country: 'Narnia' } } }), 400, {
        type: 'validation_error',
        param: 'shipping_address.country',
      });
    });

    it('refuses values of the wrong JSON type, without converting them', async () => {
      const c = await createCustomer(ctx.server);
      const cases: [Record<string, unknown>, string][] = [
        [{ name: 5 }, 'name'],
        [{ phone: 123456 }, 'phone'],
        [{ description: ['x'] }, 'description'],
        [{ tax_exempt: 'true' }, 'tax_exempt'],
        [{ tax_exempt: 1 }, 'tax_exempt'],
        [{ billing_address: 'Main St' }, 'billing_address'],
        [{ billing_address: { line1: 7 } }, 'billing_address.line1'],
        [{ shipping_address: [] }, 'shipping_address'],
        [{ metadata: 'x' }, 'metadata'],
        [{ metadata: { seats: 12 } }, 'metadata.seats'],
        [{ metadata: { on: true } }, 'metadata.on'],
        [{ default_payment_method: {} }, 'default_payment_method'],
        [{ email: 42 }, 'email'],
      ];
      for (const [json, param] of cases) {
        assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json }), 400, { type: 'validation_error', param });
      }
      const after = (await atlas(ctx.server, 'GET', `/customers/${c.id}`)).body;
      assert.deepEqual(after, c, 'nothing written');
    });

    it('refuses unknown fields by name, top-level and nested, with a hint for other APIs\' names', async () => {
      const c = await createCustomer(ctx.server);
      const res = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { name: 'x', nickname: 'y' } });
      assertError(res, 400, { type: 'validation_error', param: 'nickname', message: /Unknown field: nickname/ });
      assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { billing_address: { planet: 'Mars' } } }), 400, {
        type: 'validation_error',
        param: 'billing_address.planet',
      });
      assertError(
        await atlas(ctx.server, 'POST', '/customers', { json: { email: uniqueEmail(), address: { city: 'X' }, billing_address: { city: 'Y' } } }),
        400,
        { type: 'validation_error', param: 'billing_address', message: /billing_address or as address, not both/ },
      );
      assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { tax_ids: [{ type: 'eu_vat', value: 'DE123456789', id: 'txi_x' }] } }), 400, {
        type: 'validation_error',
        param: 'tax_ids.0.id',
      });
      assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { tax_ids: [{ type: 'eu_vat' }] } }), 400, {
        type: 'validation_error',
        code: 'missing_required_param',
        param: 'tax_ids.0.value',
      });
      for (const [taxId, param] of [
        [{ type: 'xx_nope', value: 'DE123456789' }, 'tax_ids.0.type'],
        [{ type: 'unknown', value: 'DE123456789' }, 'tax_ids.0.type'],
        [{ type: 'eu_vat', value: 'nope' }, 'tax_ids.0.value'],
      ] as const) {
        assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { tax_ids: [taxId] } }), 400, { type: 'validation_error', param });
      }
      for (const field of ['object', 'created', 'livemode', 'shipping', 'invoice_settings']) {
        assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { [field]: null } }), 400, { type: 'validation_error', param: field });
      }
      assertError(await atlas(ctx.server, 'DELETE', `/customers/${c.id}`, { json: { force: true } }), 400, { type: 'validation_error', param: 'force' });
      assert.equal((await atlas(ctx.server, 'GET', `/customers/${c.id}`)).status, 200, 'not deleted');
      assert.equal((await atlas(ctx.server, 'GET', `/customers/${c.id}`)).body.name, null, 'not renamed');
    });

    it('refuses text over the limits, naming the field', async () => {
      const c = await createCustomer(ctx.server);
      const cases: [Record<string, unknown>, string][] = [
        [{ name: 'n'.repeat(257) }, 'name'],
        [{ phone: '1'.repeat(51) }, 'phone'],
        [{ description: 'd'.repeat(5001) }, 'description'],
        [{ billing_address: { line1: 'l'.repeat(5001) } }, 'billing_address.line1'],
        [{ metadata: { k: 'v'.repeat(501) } }, 'metadata.k'],
      ];
      for (const [json, param] of cases) {
        assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json }), 400, { type: 'validation_error', param, message: /at most/ });
      }
      assert.equal((await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { name: 'n'.repeat(256) } })).status, 200);
    });

    it("applies the domain's metadata rules, naming the key", async () => {
      const c = await createCustomer(ctx.server);
      assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { metadata: { ['k'.repeat(41)]: 'v' } } }), 400, { type: 'validation_error', param: `metadata.${'k'.repeat(41)}` });
      assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { metadata: { 'a[b]': 'v' } } }), 400, { type: 'validation_error', param: 'metadata.a[b]' });
      assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { metadata: { '': 'v' } } }), 400, { type: 'validation_error', param: 'metadata' });
      const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
      assert.equal((await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { metadata: fifty } })).status, 200);
      assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { metadata: { another: 'v' } } }), 400, { type: 'validation_error', param: 'metadata', message: /50/ });
      const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`x${i}`, 'v']));
      assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { metadata: tooMany } }), 400, { type: 'validation_error', param: 'metadata' });
    });

    it('writes nothing when any field of an update is invalid', async () => {
      const c = await createCustomer(ctx.server, { name: 'Keep' });
      assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { name: 'Changed', billing_address: { country: 'ZZ' } } }), 400, {
        type: 'validation_error',
        param: 'billing_address.country',
      });
      assert.equal((await atlas(ctx.server, 'GET', `/customers/${c.id}`)).body.name, 'Keep');
    });

    it('refuses malformed JSON, and JSON that is not an object', async () => {
      const c = await createCustomer(ctx.server);
      const send = (body: string) =>
        fetch(`${ctx.server.url}${ATLAS}/customers/${c.id}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${ctx.server.tenant.keys.test}`, 'content-type': 'application/json' },
          body,
        }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }));
      for (const body of ['{bad', '{"name": "x",}', '[1,2]', 'null', '"name"', '42', 'true', '{"__proto__": {"x": 1}}']) {
        const res = await send(body);
        assertError({ ...res, body: JSON.parse(res.text) }, 400, { param: null });
      }
    });

    it('refuses bodies that are not JSON with 415', async () => {
      const c = await createCustomer(ctx.server);
      assertError(await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { form: 'name=x' }), 415, {});
      assertError(await atlas(ctx.server, 'POST', '/customers', { form: `email=${uniqueEmail()}` }), 415, {});
      for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x']) {
        const res = await fetch(`${ctx.server.url}${ATLAS}/customers/${c.id}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${ctx.server.tenant.keys.test}`, 'content-type': type },
          body: '{"name": "x"}',
        });
        const body = await res.json();
        assert.equal(res.status, 415, type);
        assert.equal(body.error.type, 'invalid_request_error');
        assert.match(body.error.message, /application\/json/);
      }
      assert.equal((await atlas(ctx.server, 'GET', `/customers/${c.id}`)).body.name, null);
    });

    it('refuses a body over 1 MiB with 413', async () => {
      const res = await atlas(ctx.server, 'POST', '/customers', { json: { email: uniqueEmail(), description: 'x'.repeat(1024 * 1024) } });
      assertError(res, 413, {});
    });
  });

  describe('an empty update', () => {
    it('({} or no body at all) changes nothing and answers 200 with the customer', async () => {
      const c = await createCustomer(ctx.server, { name: 'Same', metadata: { a: '1' } });
      const before = await ctx.server.request('GET', `/v1/customers/${c.id}`);
      const empty = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: {} });
      assert.equal(empty.status, 200, empty.text);
      assert.deepEqual(empty.body, c);
      const none = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`);
      assert.equal(none.status, 200, none.text);
      assert.deepEqual(none.body, c);
      const blank = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { headers: { 'content-type': 'application/json' } });
      assert.equal(blank.status, 200, blank.text);
      const after = await ctx.server.request('GET', `/v1/customers/${c.id}`);
      assert.equal(after.body.updated, before.body.updated, 'no write happened');
    });
  });

  describe('400: the list query', () => {
    it('refuses limit outside 1..100 or not an integer', async () => {
      for (const limit of ['0', '101', '-1', '1.5', 'abc', '', '1e1', '0x10', '%201', '10abc']) {
        assertError(await atlas(ctx.server, 'GET', `/customers?limit=${limit}`), 400, {
          type: 'validation_error',
          param: 'limit',
          message: /limit must be an integer from 1 to 100/,
        });
      }
      assertError(await atlas(ctx.server, 'GET', '/customers?limit[]=5'), 400, { type: 'validation_error', param: 'limit' });
    });

    it('refuses offset below 0, not an integer, or beyond an exact integer', async () => {
      for (const offset of ['-1', '1.5', 'x', '', '9007199254740992', '99999999999999999999']) {
        assertError(await atlas(ctx.server, 'GET', `/customers?offset=${offset}`), 400, { type: 'validation_error', param: 'offset' });
      }
    });

    it('refuses an empty or structured email filter, and unknown parameters', async () => {
      assertError(await atlas(ctx.server, 'GET', '/customers?email='), 400, { type: 'validation_error', param: 'email' });
      assertError(await atlas(ctx.server, 'GET', '/customers?email[a]=b'), 400, { type: 'validation_error', param: 'email' });
      assertError(await atlas(ctx.server, 'GET', '/customers?starting_after=cus_00000000000000000'), 400, {
        type: 'validation_error',
        param: 'starting_after',
        message: /Unknown query parameter/,
      });
      assertError(await atlas(ctx.server, 'GET', '/customers?email=%ZZ'), 400, { param: null });
    });
  });

  describe('503', () => {
    it('when the store cannot answer, as api_error with Retry-After, on reads and writes', async () => {
      const c = await createCustomer(ctx.server);
      const store = ctx.server.store;
      const saved = { list: store.listCustomers, get: store.getCustomer, insert: store.insertCustomer };
      const down = async (): Promise<never> => {
        throw new UnavailableError('The database is unavailable; retry the request.');
      };
      store.listCustomers = down;
      store.getCustomer = down;
      store.insertCustomer = down;
      try {
        for (const res of [
          await atlas(ctx.server, 'GET', '/customers'),
          await atlas(ctx.server, 'GET', `/customers/${c.id}`),
          await atlas(ctx.server, 'POST', '/customers', { json: { email: uniqueEmail() } }),
        ]) {
          assertError(res, 503, { type: 'api_error' });
          assert.equal(res.headers.get('retry-after'), '1');
        }
      } finally {
        store.listCustomers = saved.list;
        store.getCustomer = saved.get;
        store.insertCustomer = saved.insert;
      }
      assert.equal((await atlas(ctx.server, 'GET', `/customers/${c.id}`)).status, 200);
    });
  });

  describe('malformed URLs', () => {
    it('are 400 in the same format', async () => {
      const res = await fetch(`${ctx.server.url}${ATLAS}/customers/%E0%A4%A`, { headers: { authorization: `Bearer ${ctx.server.tenant.keys.test}` } });
      const body = await res.json();
      assert.equal(res.status, 400);
      assert.equal(body.error.type, 'invalid_request_error');
      assert.equal(body.error.message, 'The URL is malformed.');
    });
  });
});
