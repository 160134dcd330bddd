import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer } from '../../helpers/server.ts';
import { CP, fullNative, UNAUTHORIZED, assertErrorBody, createCustomer, errorFor, nativeId, paramsOf } from './helpers.ts';

describe('CheckoutPage customers: errors', () => {
  const ctx = suiteServer();
  const patch = (id: string, json: unknown, key?: string) =>
    ctx.server.request('PATCH', `${CP}/customers/${id}`, { json, ...(key ? { key } : {}) });
  const raw = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    fetch(ctx.server.url + path, { method, headers: { authorization: `Bearer ${ctx.server.tenant.keys.test}`, ...headers }, ...(body !== undefined ? { body } : {}) }).then(
      async (res) => ({ status: res.status, headers: res.headers, body: JSON.parse(await res.text()) }),
    );

  describe('validation: 400 listing each bad param with the value sent', () => {
    it('lists every schema failure at once, named in camelCase dot notation', async () => {
      const id = await createCustomer(ctx.server, {});
      const res = await patch(id, {
        name: 5,
        companyName: 'c'.repeat(256),
        phone: '1'.repeat(51),
        address: { line1: true, postalCode: 12345 },
        shipping: { address: { country: ['US'] } },
        taxIdType: 't'.repeat(41),
      });
      assert.equal(res.status, 400);
      assertErrorBody(res.body, 'Bad Request');
      assert.deepEqual(paramsOf(res.body), ['address.line1', 'address.postalCode', 'companyName', 'name', 'phone', 'shipping.address.country', 'taxIdType']);
      assert.deepEqual(errorFor(res.body, 'name'), { param: 'name', message: 'Must be a string or null.', value: 5 });
      assert.deepEqual(errorFor(res.body, 'address.postalCode'), { param: 'address.postalCode', message: 'Must be a string or null.', value: 12345 });
      assert.deepEqual(errorFor(res.body, 'companyName'), { param: 'companyName', message: 'Must be at most 255 characters.', value: 'c'.repeat(256) });
      assert.deepEqual(errorFor(res.body, 'phone'), { param: 'phone', message: 'Must be at most 50 characters.', value: '1'.repeat(51) });
      assert.deepEqual(errorFor(res.body, 'shipping.address.country').value, ['US']);
      assert.deepEqual(errorFor(res.body, 'taxIdType').message, 'Must be at most 40 characters.');
    });

    it('accepts the limits themselves', async () => {
      const id = await createCustomer(ctx.server, {});
      const res = await patch(id, { name: 'n'.repeat(255), phone: '1'.repeat(50), taxId: '1'.repeat(100), taxIdType: 'ae_trn', address: { line1: 'l'.repeat(255) } });
      assert.equal(res.status, 200, res.text);
    });

    it('lists every domain failure at once: e-mails, countries', async () => {
      const id = await createCustomer(ctx.server, {});
      const res = await patch(id, {
        email: 'not-an-email',
        billingEmail: 'also@bad',
        address: { country: 'Atlantis' },
        shipping: { name: 'S', address: { country: 'XX' } },
      });
      assert.equal(res.status, 400);
      assertErrorBody(res.body, 'Bad Request');
      assert.deepEqual(paramsOf(res.body), ['address.country', 'billingEmail', 'email', 'shipping.address.country']);
      assert.equal(errorFor(res.body, 'email').value, 'not-an-email');
      assert.match(errorFor(res.body, 'email').message, /email/i);
      assert.equal(errorFor(res.body, 'billingEmail').value, 'also@bad');
      assert.equal(errorFor(res.body, 'address.country').value, 'Atlantis');
      assert.match(errorFor(res.body, 'address.country').message, /ISO 3166-1/);
      assert.equal(errorFor(res.body, 'shipping.address.country').value, 'XX');
      assert.equal((await ctx.server.request('GET', `${CP}/customers/${id}`)).body.data.email, null, 'nothing stored');
    });

    it('refuses unknown fields, at the top and inside address and shipping', async () => {
      const id = await createCustomer(ctx.server, {});
      const res = await patch(id, { nickname: 'x', address: { zip: '1' }, shipping: { address: { postal_code: '1' } } });
      assert.equal(res.status, 400);
      assert.deepEqual(paramsOf(res.body), ['address.zip', 'nickname', 'shipping.address.postal_code']);
      assert.equal(errorFor(res.body, 'nickname').value, 'x');
      assert.match(errorFor(res.body, 'nickname').message, /Unknown field: nickname/);
      assert.equal(errorFor(res.body, 'shipping.address.postal_code').value, '1');
    });

    it('refuses what is not an object where address and shipping belong', async () => {
      const id = await createCustomer(ctx.server, {});
      const res = await patch(id, { address: 'Main St 1', shipping: [] });
      assert.equal(res.status, 400);
      assert.deepEqual(errorFor(res.body, 'address'), { param: 'address', message: 'Must be an object or null.', value: 'Main St 1' });
      assert.deepEqual(errorFor(res.body, 'shipping').value, []);
    });

    it('refuses a body that is not an object', async () => {
      const id = await createCustomer(ctx.server, {});
      for (const body of [[{ name: 'x' }], 'name', 7, true]) {
        const res = await patch(id, body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assertErrorBody(res.body, 'Bad Request');
        assert.deepEqual(res.body.errors, [{ param: 'body', message: 'The request body must be a JSON object of the fields to update.', value: body }]);
      }
    });

    it('refuses half a tax id on a customer without one, and a value beside a null', async () => {
      const id = await createCustomer(ctx.server, {});
      const onlyValue = await patch(id, { taxId: 'DE1' });
      assert.equal(onlyValue.status, 400);
      assert.deepEqual(errorFor(onlyValue.body, 'taxIdType').value, null);
      const onlyType = await patch(id, { taxIdType: 'eu_vat' });
      assert.equal(onlyType.status, 400);
      assert.deepEqual(errorFor(onlyType.body, 'taxId').value, null);
      const withTax = await createCustomer(ctx.server, fullNative());
      const mixed = await patch(withTax, { taxId: 'DE2', taxIdType: null });
      assert.equal(mixed.status, 400);
      assert.deepEqual(paramsOf(mixed.body), ['taxIdType']);
      assert.equal((await ctx.server.request('GET', `${CP}/customers/${withTax}`)).body.data.taxId, 'DE123456789', 'unchanged');
    });

    it('refuses text with U+0000 (PostgreSQL cannot store it) on every store', async () => {
      const id = await createCustomer(ctx.server, {});
      const res = await patch(id, { name: 'a\u0000b', shipping: { address: { city: '\u0000' } } });
      assert.equal(res.status, 400);
      assert.deepEqual(paramsOf(res.body), ['name', 'shipping.address.city']);
      assert.equal(errorFor(res.body, 'name').value, 'a\u0000b');
      const list = await ctx.server.request('GET', `${CP}/customers?search=a%00`);
      assert.equal(list.status, 400);
      // Refused while parsing the query string, for every surface alike, before any one parameter is read.
      assert.deepEqual(paramsOf(list.body), ['query']);
      assert.match(list.body.errors[0].message, /NUL/);
    });
  });

  describe('malformed requests', () => {
    it('answers malformed JSON with 400 naming the body', async () => {
      const id = await createCustomer(ctx.server, {});
      for (const text of ['{"name": ', '{name: "x"}', "{'name':'x'}", '{"__proto__": {"x": 1}}']) {
        const res = await raw('PATCH', `${CP}/customers/${id}`, { 'content-type': 'application/json' }, text);
        assert.equal(res.status, 400, text);
        assertErrorBody(res.body, 'Bad Request');
        assert.deepEqual(res.body.errors, [{ param: 'body', message: 'The request body is not valid JSON.', value: null }]);
      }
    });

    it('answers an empty JSON body with 400', async () => {
      const id = await createCustomer(ctx.server, {});
      const res = await raw('PATCH', `${CP}/customers/${id}`, { 'content-type': 'application/json' }, '');
      assert.equal(res.status, 400);
      assert.deepEqual(paramsOf(res.body), ['body']);
    });

    it('answers a form or text body with 415 naming Content-Type', async () => {
      const id = await createCustomer(ctx.server, {});
      for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
        const res = await raw('PATCH', `${CP}/customers/${id}`, { 'content-type': type }, 'name=x');
        assert.equal(res.status, 415, type);
        assertErrorBody(res.body, 'Unsupported Media Type');
        assert.deepEqual(res.body.errors, [{ param: 'Content-Type', message: 'Send the request body as application/json.', value: type }]);
      }
    });

    it('answers a body over 1 MB with 413', async () => {
      const id = await createCustomer(ctx.server, {});
      const res = await raw('PATCH', `${CP}/customers/${id}`, { 'content-type': 'application/json' }, JSON.stringify({ name: 'x'.repeat(1_100_000) }));
      assert.equal(res.status, 413);
      assertErrorBody(res.body, 'Payload Too Large');
    });

    it('answers a malformed query string or URL with 400', async () => {
      const q = await ctx.server.request('GET', `${CP}/customers?search=%ZZ`);
      assert.equal(q.status, 400);
      assertErrorBody(q.body, 'Bad Request');
      assert.deepEqual(paramsOf(q.body), ['query']);
      const url = await ctx.server.request('GET', `${CP}/customers/%E0%A4%A`);
      assert.equal(url.status, 400);
      assertErrorBody(url.body, 'Bad Request');
      assert.deepEqual(paramsOf(url.body), ['url']);
    });

    it('answers an unknown endpoint with 404 in the error format', async () => {
      for (const [method, path] of [['GET', `${CP}/nothing`], ['PUT', `${CP}/customers/${'a'.repeat(24)}`], ['POST', `${CP}/customers/${'a'.repeat(24)}`]]) {
        const res = await ctx.server.request(method!, path!, method === 'GET' ? {} : { json: { name: 'x' } });
        assert.equal(res.status, 404, `${method} ${path}`);
        assertErrorBody(res.body, 'Not Found');
        assert.deepEqual(paramsOf(res.body), ['url']);
      }
    });
  });

  describe('401', () => {
    const path = `${CP}/customers`;
    const expect401 = (res: { status: number; text: string; headers: Headers }, what: string) => {
      assert.equal(res.status, 401, what);
      assert.equal(res.text, JSON.stringify(UNAUTHORIZED), what);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer', what);
    };

    it('for a missing key', async () => {
      expect401(await ctx.server.request('GET', path, { key: null }), 'no header');
      expect401(await ctx.server.request('GET', path, { key: null, headers: { authorization: '' } }), 'empty header');
      expect401(await ctx.server.request('GET', path, { key: null, headers: { authorization: 'Bearer' } }), 'Bearer alone');
    });

    it('for an invalid key or scheme', async () => {
      const key = ctx.server.tenant.keys.test;
      expect401(await ctx.server.request('GET', path, { key: 'sk_test_' + 'x'.repeat(43) }), 'unknown key');
      expect401(await ctx.server.request('GET', path, { key: 'not-a-key' }), 'not a key');
      expect401(await ctx.server.request('GET', path, { key: key.slice(0, -1) }), 'truncated key');
      expect401(await ctx.server.request('GET', path, { key: null, headers: { authorization: key } }), 'no scheme');
      expect401(await ctx.server.request('GET', path, { key: null, headers: { authorization: `Token ${key}` } }), 'other scheme');
      const basic = 'Basic ' + Buffer.from(`${key}:`).toString('base64');
      expect401(await ctx.server.request('GET', path, { key: null, headers: { authorization: basic } }), 'HTTP Basic is not documented');
      assert.equal((await ctx.server.request('GET', path, { key: null, headers: { authorization: `bearer  ${key}` } })).status, 200, 'the scheme is case-insensitive');
    });

    it('for a rolled (expired) key, before anything else is checked', async () => {
      const tenant = await ctx.server.newTenant('Rolled');
      const id = await createCustomer(ctx.server, {}, tenant.keys.test);
      await ctx.server.tenants.rollKey(tenant.id, 'test');
      expect401(await ctx.server.request('GET', `${CP}/customers/${id}`, { key: tenant.keys.test }), 'rolled key');
      expect401(await ctx.server.request('PATCH', `${CP}/customers/${id}`, { key: tenant.keys.test, json: {} }), 'rolled key, bad body');
    });
  });

  describe('404', () => {
    const expect404 = async (id: string, key: string | undefined, what: string) => {
      for (const method of ['GET', 'PATCH']) {
        const res = await ctx.server.request(method, `${CP}/customers/${encodeURIComponent(id)}`, {
          ...(key ? { key } : {}),
          ...(method === 'PATCH' ? { json: { name: 'Changed' } } : {}),
        });
        assert.equal(res.status, 404, `${method} ${what}: ${res.text}`);
        assertErrorBody(res.body, 'Not Found');
        assert.deepEqual(res.body.errors, [{ param: 'customerId', message: 'No customer with this id.', value: id }], what);
      }
    };

    it('for an id no customer has', async () => {
      await expect404('0'.repeat(24), undefined, 'zeros');
      await expect404('ffffffffffffffffffffffff', undefined, 'all f');
    });

    it('for ids that are not 24 hex characters (either case names the customer, as ^[0-9a-fA-F]{24}$ allows)', async () => {
      const id = await createCustomer(ctx.server, { name: 'Real' });
      const upper = await ctx.server.request('GET', `${CP}/customers/${id.toUpperCase()}`);
      assert.equal(upper.status, 200, upper.text);
      assert.equal(upper.body.data.id, id, 'printed in lower case');
      const patched = await ctx.server.request('PATCH', `${CP}/customers/${id.toUpperCase()}`, { json: { name: 'Real too' } });
      assert.equal(patched.body.data.name, 'Real too');
      const after = await ctx.server.request('GET', `${CP}/customers?starting_after=${id.toUpperCase()}`);
      assert.equal(after.status, 200, after.text);
      for (const bad of [nativeId(id), id.slice(1), id + '0', 'cus_123', '0193e3a8-7b2c-7000-8000-000000000000', ' ' + id, 'null']) {
        await expect404(bad, undefined, bad);
      }
      assert.equal((await ctx.server.request('GET', `${CP}/customers/${id}`)).body.data.name, 'Real too');
    });

    it("for another tenant's customer", async () => {
      const other = await ctx.server.newTenant('Other');
      const id = await createCustomer(ctx.server, { name: 'Theirs' }, other.keys.test);
      await expect404(id, undefined, 'other tenant');
      const res = await ctx.server.request('GET', `${CP}/customers/${id}`, { key: other.keys.test });
      assert.equal(res.body.data.name, 'Theirs', 'unchanged for its owner');
    });

    it("for the other mode's customer", async () => {
      const id = await createCustomer(ctx.server, { name: 'Live one' }, ctx.server.tenant.keys.live);
      await expect404(id, ctx.server.tenant.keys.test, 'live customer, test key');
      const testId = await createCustomer(ctx.server, { name: 'Test one' });
      await expect404(testId, ctx.server.tenant.keys.live, 'test customer, live key');
    });

    it('for a deleted customer', async () => {
      const id = await createCustomer(ctx.server, { name: 'Gone', email: 'gone@example.com' });
      assert.equal((await ctx.server.request('DELETE', `/v1/customers/${nativeId(id)}`)).status, 200);
      await expect404(id, undefined, 'deleted');
      const withTax = await ctx.server.request('PATCH', `${CP}/customers/${id}`, { json: { taxId: 'DE123456789', taxIdType: 'eu_vat' } });
      assert.equal(withTax.status, 404, 'deleted, through the tax id path');
      const list = await ctx.server.request('GET', `${CP}/customers?search=gone`);
      assert.deepEqual(list.body.data, []);
    });
  });

  describe('409', () => {
    it('for an e-mail another customer has, case-insensitively', async () => {
      const tenant = await ctx.server.newTenant('Dupes');
      const key = tenant.keys.test;
      await createCustomer(ctx.server, { email: 'taken@example.com' }, key);
      const id = await createCustomer(ctx.server, { email: 'mine@example.com' }, key);
      for (const email of ['taken@example.com', 'TAKEN@Example.COM']) {
        const res = await patch(id, { email, name: 'Would change' }, key);
        assert.equal(res.status, 409, email);
        assertErrorBody(res.body, 'Conflict');
        assert.equal(res.body.errors.length, 1);
        assert.equal(errorFor(res.body, 'email').value, email);
        assert.match(errorFor(res.body, 'email').message, /already exists/);
      }
      const after = (await ctx.server.request('GET', `${CP}/customers/${id}`, { key })).body.data;
      assert.equal(after.email, 'mine@example.com');
      assert.equal(after.name, null, 'nothing changed');
      assert.equal((await patch(id, { email: 'MINE@example.com' }, key)).status, 200, 'its own address in another case is no conflict');
      assert.equal((await patch(id, { billingEmail: 'taken@example.com' }, key)).status, 200, 'billingEmail need not be unique');
    });

    it('not in another mode or tenant', async () => {
      await createCustomer(ctx.server, { email: 'shared@example.com' }, ctx.server.tenant.keys.live);
      const id = await createCustomer(ctx.server, {});
      assert.equal((await patch(id, { email: 'shared@example.com' })).status, 200);
    });
  });

  describe('list parameters', () => {
    it('refuses a bad limit, naming it with the value sent', async () => {
      for (const limit of ['0', '101', '-1', 'abc', '1.5', '1e1', '0x10', ' 5']) {
        const res = await ctx.server.request('GET', `${CP}/customers?limit=${encodeURIComponent(limit)}`);
        assert.equal(res.status, 400, limit);
        assertErrorBody(res.body, 'Bad Request');
        assert.deepEqual(paramsOf(res.body), ['limit'], limit);
        assert.equal(errorFor(res.body, 'limit').value, limit);
      }
      const twice = await ctx.server.request('GET', `${CP}/customers?limit=1&limit=2`);
      assert.equal(twice.status, 400);
      assert.deepEqual(errorFor(twice.body, 'limit').value, ['1', '2']);
      for (const ok of ['1', '100', '']) assert.equal((await ctx.server.request('GET', `${CP}/customers?limit=${ok}`)).status, 200, ok);
    });

    it('refuses an unknown cursor with 400 naming it', async () => {
      const id = await createCustomer(ctx.server, {});
      for (const param of ['starting_after', 'ending_before']) {
        for (const value of ['0'.repeat(24), 'not-an-id', nativeId(id)]) {
          const res = await ctx.server.request('GET', `${CP}/customers?${param}=${value}`);
          assert.equal(res.status, 400, `${param}=${value}`);
          assertErrorBody(res.body, 'Bad Request');
          assert.deepEqual(res.body.errors, [{ param, message: 'No customer with this id: pass the id of a customer from a previous page.', value }]);
        }
      }
      const other = await ctx.server.newTenant('Cursor owner');
      const theirs = await createCustomer(ctx.server, {}, other.keys.test);
      assert.equal((await ctx.server.request('GET', `${CP}/customers?starting_after=${theirs}`)).status, 400, "another tenant's id");
    });

    it('refuses both cursors at once, and unknown or too long parameters', async () => {
      const id = await createCustomer(ctx.server, {});
      const both = await ctx.server.request('GET', `${CP}/customers?starting_after=${id}&ending_before=${id}`);
      assert.equal(both.status, 400);
      assert.deepEqual(paramsOf(both.body), ['starting_after']);
      const unknown = await ctx.server.request('GET', `${CP}/customers?page=2&startingAfter=${id}`);
      assert.equal(unknown.status, 400);
      assert.deepEqual(paramsOf(unknown.body), ['page', 'startingAfter']);
      const long = await ctx.server.request('GET', `${CP}/customers?search=${'s'.repeat(256)}`);
      assert.equal(long.status, 400);
      assert.deepEqual(errorFor(long.body, 'search').value, 's'.repeat(256));
    });
  });
});
