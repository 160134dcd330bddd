import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer } from '../../helpers/server.ts';
import {
  ADDRESS_FIELDS, CP, CUSTOMER_FIELDS, fullNative, ISO_SECONDS, SHIPPING_FIELDS, UNAUTHORIZED,
  assertErrorBody, createCustomer, errorFor, nativeId,
} from './helpers.ts';

/**
 * CheckoutPage's "Update a customer" page (work/shared/seeds/checkoutpage-update-customer.txt),
 * line by line, and the list and retrieve endpoints the issue names. Each assertion fails if the
 * rule it names breaks.
 */
describe('CheckoutPage customers: the documented contract', () => {
  const ctx = suiteServer();
  const get = async (id: string) => {
    const res = await ctx.server.request('GET', `${CP}/customers/${id}`);
    assert.equal(res.status, 200, res.text);
    return res.body.data;
  };
  const patch = (id: string, json: unknown) => ctx.server.request('PATCH', `${CP}/customers/${id}`, { json });

  // "Response Body application/json … { "data": { "id": "string", … } }"
  it('prints every documented field, in the documented order, with the documented types', async () => {
    const params = fullNative();
    const id = await createCustomer(ctx.server, params);
    const res = await ctx.server.request('GET', `${CP}/customers/${id}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(res.body), ['data']);
    const c = res.body.data;
    assert.deepEqual(Object.keys(c), CUSTOMER_FIELDS);
    for (const field of CUSTOMER_FIELDS.filter((f) => f !== 'address' && f !== 'shipping')) {
      assert.equal(typeof c[field], 'string', `${field} is a string`);
    }
    assert.deepEqual(Object.keys(c.address), ADDRESS_FIELDS);
    assert.deepEqual(Object.keys(c.shipping), SHIPPING_FIELDS);
    assert.deepEqual(Object.keys(c.shipping.address), ADDRESS_FIELDS);
    for (const f of ADDRESS_FIELDS) {
      assert.equal(typeof c.address[f], 'string', `address.${f}`);
      assert.equal(typeof c.shipping.address[f], 'string', `shipping.address.${f}`);
    }
    assert.deepEqual(c, {
      id,
      name: 'Jenny Rosen',
      companyName: 'Rosen GmbH',
      email: params.email,
      phone: '+49 30 1234567',
      billingEmail: 'billing@rosen.example',
      address: { line1: 'Unter den Linden 1', line2: 'Hof 2', city: 'Berlin', state: 'BE', postalCode: '10117', country: 'DE' },
      shipping: {
        name: 'Rosen Warehouse',
        phone: '+49 30 7654321',
        address: { line1: 'Lagerweg 5', line2: 'Tor 3', city: 'Potsdam', state: 'BB', postalCode: '14467', country: 'DE' },
      },
      taxId: 'DE123456789',
      taxIdType: 'eu_vat',
      sellerId: 'seller_42',
      stripeCustomerId: 'cus_StripeAbc123',
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    });
  });

  it('prints ids as 24 lower-case hex characters and times as ISO 8601 like "2019-08-24T14:15:22Z"', async () => {
    const id = await createCustomer(ctx.server, { name: 'Times' });
    assert.match(id, /^[0-9a-f]{24}$/);
    const c = await get(id);
    assert.equal(c.id, id);
    assert.match(c.createdAt, ISO_SECONDS);
    assert.match(c.updatedAt, ISO_SECONDS);
    const native = (await ctx.server.request('GET', `/v1/customers/${nativeId(id)}`)).body;
    assert.equal(Date.parse(c.createdAt) / 1000, native.created, 'createdAt is the native created');
    assert.equal(Date.parse(c.updatedAt) / 1000, native.updated, 'updatedAt is the native updated');
  });

  it('prints unset fields as null, address and shipping included', async () => {
    const c = await get(await createCustomer(ctx.server, {}));
    assert.deepEqual(Object.keys(c), CUSTOMER_FIELDS);
    for (const field of CUSTOMER_FIELDS.filter((f) => !['id', 'createdAt', 'updatedAt'].includes(f))) {
      assert.equal(c[field], null, `${field} is null`);
    }
  });

  // "Updates the editable details of a customer."
  it('updates each editable detail and answers {data} with the updated customer', async () => {
    const id = await createCustomer(ctx.server, { name: 'Before' });
    const body = {
      name: 'After',
      companyName: 'After Inc',
      email: 'after@example.com',
      phone: '+1 555 0100',
      billingEmail: 'ap@after.example',
      address: { line1: '1 Main St', line2: 'Suite 2', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
      shipping: { name: 'Dock', phone: '+1 555 0101', address: { line1: '2 Dock Rd', line2: null, city: 'Springfield', state: 'IL', postalCode: '62702', country: 'US' } },
      taxId: '12-3456789',
      taxIdType: 'us_ein',
    };
    const res = await patch(id, body);
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(res.body), ['data']);
    const { id: printedId, createdAt, updatedAt, sellerId, stripeCustomerId, ...rest } = res.body.data;
    assert.equal(printedId, id);
    assert.deepEqual(rest, body);
    assert.equal(sellerId, null);
    assert.equal(stripeCustomerId, null);
    assert.match(createdAt, ISO_SECONDS);
    assert.match(updatedAt, ISO_SECONDS);
    assert.deepEqual(await get(id), res.body.data, 'the update is stored');
  });

  // "Only the top-level fields you supply are changed; omitted top-level fields are left as-is."
  it('changes only the top-level fields supplied', async () => {
    const id = await createCustomer(ctx.server, fullNative());
    const before = await get(id);
    for (const [field, value] of [['name', 'Only Name'], ['phone', '+1 555 0199'], ['companyName', 'Only Co']] as const) {
      const previous = await get(id);
      const res = await patch(id, { [field]: value });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual({ ...res.body.data, updatedAt: null }, { ...previous, [field]: value, updatedAt: null }, `only ${field} changed`);
    }
    const after = await get(id);
    assert.deepEqual(after.address, before.address);
    assert.deepEqual(after.shipping, before.shipping);
    assert.equal(after.email, before.email);
    assert.equal(after.taxId, before.taxId);
  });

  // "The address and shipping subdocuments are replaced in full when supplied"
  it('replaces address in full: sub-fields not sent are cleared', async () => {
    const id = await createCustomer(ctx.server, fullNative());
    const res = await patch(id, { address: { city: 'Hamburg' } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data.address, { line1: null, line2: null, city: 'Hamburg', state: null, postalCode: null, country: null });
    assert.deepEqual((await get(id)).address, res.body.data.address);
  });

  it('replaces shipping in full, its address included', async () => {
    const id = await createCustomer(ctx.server, fullNative());
    const res = await patch(id, { shipping: { name: 'New Dock', address: { postalCode: '20095' } } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data.shipping, {
      name: 'New Dock',
      phone: null,
      address: { line1: null, line2: null, city: null, state: null, postalCode: '20095', country: null },
    });
    const without = await patch(id, { shipping: { name: 'No Address' } });
    assert.deepEqual(without.body.data.shipping, { name: 'No Address', phone: null, address: null });
  });

  // "— to change a single sub-field, send the complete object you want stored."
  it('changes a single sub-field when the complete object is sent', async () => {
    const id = await createCustomer(ctx.server, fullNative());
    const current = await get(id);
    const res = await patch(id, { address: { ...current.address, postalCode: '10119' } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data.address, { ...current.address, postalCode: '10119' });
    const shipping = { ...current.shipping, address: { ...current.shipping.address, city: 'Brandenburg' } };
    assert.deepEqual((await patch(id, { shipping })).body.data.shipping, shipping);
  });

  it('stores countries as upper-case ISO codes', async () => {
    const id = await createCustomer(ctx.server, {});
    const res = await patch(id, { address: { country: 'fr' }, shipping: { address: { country: 'gb' } } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.data.address.country, 'FR');
    assert.equal(res.body.data.shipping.address.country, 'GB');
  });

  it('clears each editable field with null', async () => {
    const id = await createCustomer(ctx.server, fullNative());
    const res = await patch(id, {
      name: null, companyName: null, email: null, phone: null, billingEmail: null,
      address: null, shipping: null, taxId: null, taxIdType: null,
    });
    assert.equal(res.status, 200, res.text);
    const c = res.body.data;
    for (const field of ['name', 'companyName', 'email', 'phone', 'billingEmail', 'address', 'shipping', 'taxId', 'taxIdType']) {
      assert.equal(c[field], null, `${field} cleared`);
    }
    assert.equal(c.sellerId, 'seller_42', 'read-only fields untouched');
    assert.equal(c.stripeCustomerId, 'cus_StripeAbc123');
  });

  it('clears text fields with "" as with null', async () => {
    const id = await createCustomer(ctx.server, fullNative());
    const res = await patch(id, { name: '', phone: '', email: '' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.data.name, null);
    assert.equal(res.body.data.phone, null);
    assert.equal(res.body.data.email, null);
  });

  it('changes the tax id as a pair: one half alone keeps the other', async () => {
    const id = await createCustomer(ctx.server, fullNative());
    let c = (await patch(id, { taxId: 'DE999999999' })).body.data;
    assert.deepEqual([c.taxId, c.taxIdType], ['DE999999999', 'eu_vat']);
    c = (await patch(id, { taxIdType: 'eu_oss_vat' })).body.data;
    assert.deepEqual([c.taxId, c.taxIdType], ['DE999999999', 'eu_oss_vat']);
    c = (await patch(id, { taxId: 'GB123456789', taxIdType: 'gb_vat' })).body.data;
    assert.deepEqual([c.taxId, c.taxIdType], ['GB123456789', 'gb_vat']);
    c = (await patch(id, { taxId: null })).body.data;
    assert.deepEqual([c.taxId, c.taxIdType], [null, null]);
  });

  // "Requests with an empty body are rejected."
  it('rejects an empty body with 400 and changes nothing', async () => {
    const id = await createCustomer(ctx.server, fullNative());
    const before = await get(id);
    for (const init of [{ json: {} }, { json: null }, {}]) {
      const res = await ctx.server.request('PATCH', `${CP}/customers/${id}`, init);
      assert.equal(res.status, 400, `${JSON.stringify(init)} → ${res.text}`);
      assertErrorBody(res.body, 'Bad Request');
      assert.equal(errorFor(res.body, 'body').message, 'The request body is empty: send at least one field to update.');
    }
    assert.deepEqual(await get(id), before);
  });

  it('refuses the read-only fields by name instead of changing them', async () => {
    const id = await createCustomer(ctx.server, fullNative());
    const before = await get(id);
    const res = await patch(id, { name: 'Sneaky', id: 'x', sellerId: 'other', stripeCustomerId: 'cus_x', createdAt: '2000-01-01T00:00:00Z', updatedAt: '2000-01-01T00:00:00Z' });
    assert.equal(res.status, 400);
    assertErrorBody(res.body, 'Bad Request');
    assert.deepEqual(res.body.errors.map((e: any) => e.param).sort(), ['createdAt', 'id', 'sellerId', 'stripeCustomerId', 'updatedAt']);
    assert.deepEqual(errorFor(res.body, 'sellerId'), { param: 'sellerId', message: 'sellerId is read-only and cannot be changed.', value: 'other' });
    assert.deepEqual(await get(id), before, 'nothing changed, not even name');
  });

  // The error bodies: { "status": "error", "type": "error", "message": "Not Found", "errors": [{ "param", "message", "value": null }] }
  it('answers an unknown customer with the documented 404 body', async () => {
    const missing = '0'.repeat(24);
    for (const method of ['GET', 'PATCH']) {
      const res = await ctx.server.request(method, `${CP}/customers/${missing}`, method === 'PATCH' ? { json: { name: 'x' } } : {});
      assert.equal(res.status, 404);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.deepEqual(res.body, {
        status: 'error',
        type: 'error',
        message: 'Not Found',
        errors: [{ param: 'customerId', message: 'No customer with this id.', value: missing }],
      });
    }
  });

  it('answers a validation failure with 400, each bad param with its value', async () => {
    const id = await createCustomer(ctx.server, {});
    const res = await patch(id, { name: 42, address: { postalCode: 'x'.repeat(256) } });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      status: 'error',
      type: 'error',
      message: 'Bad Request',
      errors: [
        { param: 'name', message: 'Must be a string or null.', value: 42 },
        { param: 'address.postalCode', message: 'Must be at most 255 characters.', value: 'x'.repeat(256) },
      ],
    });
  });

  // "Authorization api_key_auth … Use "Bearer YOUR_API_KEY" format. In: header"
  it('takes the API key as Bearer, and answers 401 with exactly the documented body', async () => {
    const id = await createCustomer(ctx.server, {});
    assert.equal((await ctx.server.request('GET', `${CP}/customers/${id}`, { key: ctx.server.tenant.keys.test })).status, 200);
    for (const init of [{ key: null }, { key: 'sk_test_wrong' }]) {
      for (const [method, path] of [['GET', `${CP}/customers`], ['GET', `${CP}/customers/${id}`], ['PATCH', `${CP}/customers/${id}`]] as const) {
        const res = await ctx.server.request(method, path, { ...init, ...(method === 'PATCH' ? { json: { name: 'x' } } : {}) });
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.equal(res.text, JSON.stringify(UNAUTHORIZED));
      }
    }
  });

  // GET /customers: newest first, limit (default 20), cursors, search; { data, total, has_more }.
  it('lists newest first, 20 by default, as {data, total, has_more}', async () => {
    const tenant = await ctx.server.newTenant('List contract');
    const key = tenant.keys.test;
    const ids: string[] = [];
    for (let i = 0; i < 22; i++) ids.push(await createCustomer(ctx.server, { name: `L${i}` }, key));
    const res = await ctx.server.request('GET', `${CP}/customers`, { key });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ['data', 'total', 'has_more']);
    assert.equal(res.body.total, 22);
    assert.equal(res.body.has_more, true);
    assert.deepEqual(res.body.data.map((c: any) => c.id), [...ids].reverse().slice(0, 20));
    for (const c of res.body.data) assert.deepEqual(Object.keys(c), CUSTOMER_FIELDS);
    const rest = await ctx.server.request('GET', `${CP}/customers?starting_after=${res.body.data[19].id}`, { key });
    assert.deepEqual(rest.body.data.map((c: any) => c.id), [ids[1], ids[0]]);
    assert.equal(rest.body.has_more, false);
    assert.equal(rest.body.total, 22);
    const back = await ctx.server.request('GET', `${CP}/customers?ending_before=${ids[1]}&limit=3`, { key });
    assert.deepEqual(back.body.data.map((c: any) => c.id), [ids[4], ids[3], ids[2]], 'still newest first');
    assert.equal(back.body.has_more, true);
    const limited = await ctx.server.request('GET', `${CP}/customers?limit=100`, { key });
    assert.equal(limited.body.data.length, 22);
    assert.equal(limited.body.has_more, false);
  });

  it('searches name and e-mail, case-insensitively, by substring; total counts the matches', async () => {
    const tenant = await ctx.server.newTenant('Search contract');
    const key = tenant.keys.test;
    const byName = await createCustomer(ctx.server, { name: 'Grace HOPPER' }, key);
    const byEmail = await createCustomer(ctx.server, { name: 'Someone', email: 'hopper.fan@example.com' }, key);
    await createCustomer(ctx.server, { name: 'Ada Lovelace', email: 'ada@example.com', company_name: 'Hopper Co', phone: 'hopper' }, key);
    const res = await ctx.server.request('GET', `${CP}/customers?search=hoPPer`, { key });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data.map((c: any) => c.id), [byEmail, byName]);
    assert.equal(res.body.total, 2);
    assert.equal(res.body.has_more, false);
    const none = await ctx.server.request('GET', `${CP}/customers?search=nobody`, { key });
    assert.deepEqual(none.body, { data: [], total: 0, has_more: false });
  });

  it('retrieves a customer as {data}', async () => {
    const id = await createCustomer(ctx.server, { name: 'Retrieve me' });
    const res = await ctx.server.request('GET', `${CP}/customers/${id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ['data']);
    assert.equal(res.body.data.id, id);
    assert.equal(res.body.data.name, 'Retrieve me');
  });

  it('has no create or delete: those are 404s in the error format, and the customer stays', async () => {
    const id = await createCustomer(ctx.server, { name: 'Stays' });
    const create = await ctx.server.request('POST', `${CP}/customers`, { json: { name: 'New' } });
    assert.equal(create.status, 404);
    assertErrorBody(create.body, 'Not Found');
    const del = await ctx.server.request('DELETE', `${CP}/customers/${id}`);
    assert.equal(del.status, 404);
    assertErrorBody(del.body, 'Not Found');
    assert.equal((await get(id)).name, 'Stays');
  });

  it('documents its routes in /openapi.json under the CheckoutPage tag, as printed', async () => {
    const doc = (await ctx.server.request('GET', '/openapi.json', { key: null })).body;
    assert.deepEqual(Object.keys(doc.paths[`${CP}/customers`]), ['get']);
    assert.deepEqual(Object.keys(doc.paths[`${CP}/customers/{customerId}`]).sort(), ['get', 'patch']);
    for (const op of [doc.paths[`${CP}/customers`].get, doc.paths[`${CP}/customers/{customerId}`].get, doc.paths[`${CP}/customers/{customerId}`].patch]) {
      assert.deepEqual(op.tags, ['CheckoutPage']);
    }
    const ok = doc.paths[`${CP}/customers/{customerId}`].patch.responses['200'].content['application/json'].schema;
    assert.deepEqual(Object.keys(ok.properties.data.properties), CUSTOMER_FIELDS, 'documented fields are the printed ones');
    const listed = doc.paths[`${CP}/customers`].get.responses['200'].content['application/json'].schema;
    assert.deepEqual(Object.keys(listed.properties), ['data', 'total', 'has_more']);
    const request = doc.paths[`${CP}/customers/{customerId}`].patch.requestBody.content['application/json'].schema;
    assert.deepEqual(Object.keys(request.properties), ['name', 'companyName', 'email', 'phone', 'billingEmail', 'address', 'shipping', 'taxId', 'taxIdType']);
    const unauthorized = doc.paths[`${CP}/customers`].get.responses['401'].content['application/json'].schema;
    assert.deepEqual(Object.keys(unauthorized.properties), ['error', 'message']);
  });
});
