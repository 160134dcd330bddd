import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '../../../src/domain/ids.ts';
import { suiteServer, type TestServer } from '../../helpers/server.ts';
import type { CountClient } from './count-client.ts';
import {
  ADDRESS_FIELDS,
  assertError,
  assertSuccess,
  CONTACT_FIELDS,
  countClient,
  createCustomer,
  CUSTOMER_FIELDS,
  ISO,
  rawSigned,
  sleep,
  uniqueEmail,
  UUID4,
} from './helpers.ts';
import { toUuid } from '../../../src/formats/ids.ts';

/**
 * Count's "Update Customer" page (and the create fields it shares with "Create Customer"), line
 * by line. Each assertion fails if the rule it names broke.
 */

const fullAddress = (n: string) => ({ street: `${n} Main St`, city: 'Springfield', state: 'IL', zipCode: '62701', country: 'US' });

/** A valid e-mail of exactly `length` characters. */
function emailOfLength(length: number): string {
  const domain = '@' + 'd'.repeat(60) + '.example.com';
  const local = 'x'.repeat(Math.min(64, length - domain.length));
  let rest = length - local.length - domain.length;
  const labels: string[] = [];
  while (rest > 0) {
    const take = Math.min(62, rest - 1);
    labels.push('s'.repeat(Math.max(1, take)));
    rest -= Math.max(1, take) + 1;
  }
  const email = local + '@' + [...labels, 'd'.repeat(60), 'example', 'com'].join('.');
  assert.equal(email.length, length, 'test helper: e-mail length');
  return email;
}

describe('Count surface: the customer contract (Update Customer page, line by line)', () => {
  const ctx = suiteServer();
  let server: TestServer;
  let count: CountClient;

  before(() => {
    server = ctx.server;
    count = countClient(server);
  });

  const full = () => ({
    customer: 'Globex Corporation',
    email: uniqueEmail('globex'),
    mainPhone: '+1 555 0100',
    website: 'https://globex.example',
    status: 'active',
    billingAddress: fullAddress('1'),
    shippingAddress: fullAddress('2'),
    contacts: [
      { firstName: 'Hank', lastName: 'Scorpio', email: 'hank@globex.example', phone: '+1 555 0101', isPrimary: true },
      { name: 'Homer Simpson', email: 'homer@globex.example' },
    ],
  });

  describe('the customer object and the success envelope', () => {
    it('create answers 201 {status, message, data} with every field, uuid and timestamps set by the server', async () => {
      const body = full();
      const res = await count.createCustomer(body);
      const c = assertSuccess(res, 201);
      assert.equal(res.body.message, 'Customer created successfully');
      assert.deepEqual(Object.keys(c), CUSTOMER_FIELDS);
      assert.match(c.uuid, UUID4);
      assert.equal(c.customer, body.customer);
      assert.equal(c.email, body.email);
      assert.equal(c.mainPhone, body.mainPhone);
      assert.equal(c.website, body.website);
      assert.equal(c.status, 'active');
      assert.deepEqual(c.billingAddress, body.billingAddress);
      assert.deepEqual(Object.keys(c.billingAddress), ADDRESS_FIELDS);
      assert.deepEqual(c.shippingAddress, body.shippingAddress);
      assert.equal(c.contacts.length, 2);
      for (const k of c.contacts) {
        assert.deepEqual(Object.keys(k), CONTACT_FIELDS);
        assert.match(k.uuid, UUID4);
      }
      assert.deepEqual(
        c.contacts.map(({ uuid: _u, ...k }: any) => k),
        [
          { name: 'Hank Scorpio', firstName: 'Hank', lastName: 'Scorpio', email: 'hank@globex.example', phone: '+1 555 0101', isPrimary: true },
          { name: 'Homer Simpson', firstName: null, lastName: null, email: 'homer@globex.example', phone: null, isPrimary: false },
        ],
      );
      assert.match(c.createdAt, ISO);
      assert.match(c.updatedAt, ISO);
      assert.equal(c.createdAt, c.updatedAt, 'both set to the creation time');
      assert.ok(Math.abs(Date.parse(c.createdAt) - Date.now()) < 60_000);
    });

    it('GET answers the same object', async () => {
      const made = await createCustomer(count, full());
      const got = assertSuccess(await count.getCustomer(made.uuid));
      assert.deepEqual(got, made);
    });

    it('create refuses a client-chosen uuid by name: the server sets it', async () => {
      const res = await count.createCustomer({ customer: 'X', email: uniqueEmail(), uuid: '01900000-0000-7000-8000-000000000000' });
      assertError(res, 400, 'VALIDATION_ERROR', ['uuid']);
    });
  });

  describe('"supports partial updates - you only need to include the fields you want to change"', () => {
    it('PUT with one field changes that field only; omitted fields remain unchanged', async () => {
      const made = await createCustomer(count, full());
      await sleep(5);
      const updated = assertSuccess(await count.updateCustomer(made.uuid, { website: 'https://new.example' }));
      assert.equal(updated.website, 'https://new.example');
      const { website: _a, updatedAt: _b, ...rest } = updated;
      const { website: _c, updatedAt: _d, ...before } = made;
      assert.deepEqual(rest, before);
    });

    it('the page marks customer and email "Required", yet a PUT without them is accepted (partial update)', async () => {
      const made = await createCustomer(count, full());
      const res = await count.updateCustomer(made.uuid, { status: 'inactive' });
      const c = assertSuccess(res);
      assert.equal(res.body.message, 'Customer updated successfully');
      assert.equal(c.status, 'inactive');
      assert.equal(c.customer, made.customer);
      assert.equal(c.email, made.email);
    });

    it('customer and email, when given, are checked as on create and can never be removed', async () => {
      const made = await createCustomer(count);
      assertError(await count.updateCustomer(made.uuid, { customer: null }), 400, 'VALIDATION_ERROR', ['customer']);
      assertError(await count.updateCustomer(made.uuid, { customer: '' }), 400, 'VALIDATION_ERROR', ['customer']);
      assertError(await count.updateCustomer(made.uuid, { customer: '   ' }), 400, 'VALIDATION_ERROR', ['customer']);
      assertError(await count.updateCustomer(made.uuid, { email: null }), 400, 'VALIDATION_ERROR', ['email']);
      assertError(await count.updateCustomer(made.uuid, { email: '' }), 400, 'VALIDATION_ERROR', ['email']);
      assertError(await count.updateCustomer(made.uuid, { email: 'not-an-email' }), 400, 'VALIDATION_ERROR', ['email']);
      assert.deepEqual(assertSuccess(await count.getCustomer(made.uuid)), made, 'nothing changed');
    });

    it('an empty body changes nothing, updatedAt included', async () => {
      const made = await createCustomer(count);
      await sleep(5);
      assert.deepEqual(assertSuccess(await count.updateCustomer(made.uuid, {})), made);
      const noBody = await rawSigned(server, { method: 'PUT', path: `/customers/${made.uuid}` });
      assert.deepEqual(assertSuccess(noBody), made);
    });

    it('a customer read with GET can be sent back changed: uuid, createdAt, updatedAt and contacts are ignored', async () => {
      const made = await createCustomer(count, full());
      const echoed = { ...made, customer: 'Renamed Inc', createdAt: '2000-01-01T00:00:00.000Z', uuid: 'whatever', contacts: [] };
      const c = assertSuccess(await count.updateCustomer(made.uuid, echoed));
      assert.equal(c.customer, 'Renamed Inc');
      assert.equal(c.uuid, made.uuid);
      assert.equal(c.createdAt, made.createdAt);
      assert.deepEqual(c.contacts, made.contacts);
    });

    it('an unknown field is refused by name (a typo is not silently dropped), with a hint for other APIs\' names', async () => {
      const made = await createCustomer(count);
      const body = assertError(await count.updateCustomer(made.uuid, { name: 'X', phone: '1' }), 400, 'VALIDATION_ERROR', ['name', 'phone']);
      assert.match(body.errors[0].message, /customer/);
      assert.match(body.errors[1].message, /mainPhone/);
    });
  });

  describe('"Email Updates: the new email must still be unique within the team"', () => {
    it('changing to a free e-mail works, and find-by-email finds it', async () => {
      const made = await createCustomer(count);
      const email = uniqueEmail('moved');
      assert.equal(assertSuccess(await count.updateCustomer(made.uuid, { email })).email, email);
      assert.equal(assertSuccess(await count.findByEmail(email.toUpperCase())).uuid, made.uuid);
    });

    it("changing to another customer's e-mail (any case) is a 409 EMAIL_EXISTS, and nothing changes", async () => {
      const a = await createCustomer(count);
      const b = await createCustomer(count);
      const body = assertError(await count.updateCustomer(b.uuid, { email: a.email.toUpperCase(), customer: 'Changed' }), 409, 'EMAIL_EXISTS');
      assert.equal(body.details.field, 'email');
      assert.equal(body.errors, undefined);
      assert.deepEqual(assertSuccess(await count.getCustomer(b.uuid)), b);
    });

    it('creating with a taken e-mail is a 409 too; keeping one\'s own e-mail (another case) is fine', async () => {
      const a = await createCustomer(count);
      assertError(await count.createCustomer({ customer: 'Dup', email: a.email }), 409, 'EMAIL_EXISTS');
      assertSuccess(await count.updateCustomer(a.uuid, { email: a.email.toUpperCase() }));
    });
  });

  describe('"Address Updates: replace the entire address object … To remove an address, send null"', () => {
    it('a partial billingAddress replaces the whole address: fields not sent are cleared', async () => {
      const made = await createCustomer(count, full());
      const c = assertSuccess(await count.updateCustomer(made.uuid, { billingAddress: { city: 'Shelbyville' } }));
      assert.deepEqual(c.billingAddress, { street: null, city: 'Shelbyville', state: null, zipCode: null, country: null });
      assert.deepEqual(c.shippingAddress, made.shippingAddress, 'the other address is untouched');
    });

    it('shippingAddress is replaced whole too', async () => {
      const made = await createCustomer(count, full());
      const c = assertSuccess(await count.updateCustomer(made.uuid, { shippingAddress: { street: '9 Elm', country: 'gb' } }));
      assert.deepEqual(c.shippingAddress, { street: '9 Elm', city: null, state: null, zipCode: null, country: 'GB' });
      assert.deepEqual(c.billingAddress, made.billingAddress);
    });

    it('null removes an address', async () => {
      const made = await createCustomer(count, full());
      const c = assertSuccess(await count.updateCustomer(made.uuid, { billingAddress: null }));
      assert.equal(c.billingAddress, null);
      assert.deepEqual(c.shippingAddress, made.shippingAddress);
      const d = assertSuccess(await count.updateCustomer(made.uuid, { shippingAddress: null }));
      assert.equal(d.shippingAddress, null);
      assert.equal(d.billingAddress, null);
    });

    it('create takes partial addresses or none', async () => {
      const none = await createCustomer(count);
      assert.equal(none.billingAddress, null);
      assert.equal(none.shippingAddress, null);
      const partial = await createCustomer(count, { billingAddress: { zipCode: '10001' } });
      assert.deepEqual(partial.billingAddress, { street: null, city: null, state: null, zipCode: '10001', country: null });
    });

    it('address fields are checked: unknown names, wrong types, lengths and country codes, each named in Count notation', async () => {
      const made = await createCustomer(count);
      assertError(await count.updateCustomer(made.uuid, { billingAddress: { zip: '1' } }), 400, 'VALIDATION_ERROR', ['billingAddress.zip']);
      assertError(await count.updateCustomer(made.uuid, { billingAddress: { zipCode: 62701 } }), 400, 'VALIDATION_ERROR', ['billingAddress.zipCode']);
      assertError(await count.updateCustomer(made.uuid, { shippingAddress: { street: 'x'.repeat(256) } }), 400, 'VALIDATION_ERROR', ['shippingAddress.street']);
      assertError(await count.updateCustomer(made.uuid, { billingAddress: 'Main St' }), 400, 'VALIDATION_ERROR', ['billingAddress']);
      assertError(await count.updateCustomer(made.uuid, { billingAddress: { country: 'Atlantis' } }), 400, 'VALIDATION_ERROR', ['billingAddress.country']);
      assertError(await count.updateCustomer(made.uuid, { shippingAddress: { country: 'XX' } }), 400, 'VALIDATION_ERROR', ['shippingAddress.country']);
      assert.deepEqual(assertSuccess(await count.getCustomer(made.uuid)), made);
    });
  });

  describe('"Contact Updates: Contacts cannot be updated via this endpoint"', () => {
    it('contacts sent with PUT are ignored: the customer keeps its contacts, the other fields still change', async () => {
      const made = await createCustomer(count, full());
      const c = assertSuccess(
        await count.updateCustomer(made.uuid, { customer: 'New Name', contacts: [{ name: 'Intruder', email: 'i@x.example', isPrimary: true }] }),
      );
      assert.equal(c.customer, 'New Name');
      assert.deepEqual(c.contacts, made.contacts);
      assertSuccess(await count.updateCustomer(made.uuid, { contacts: null }));
      assert.deepEqual(assertSuccess(await count.getCustomer(made.uuid)).contacts, made.contacts);
    });

    it('contacts are created atomically with the customer: one bad contact fails the whole create', async () => {
      const email = uniqueEmail('atomic');
      const body = { customer: 'Atomic', email, contacts: [{ name: 'Good' }, { name: 'Bad', email: 'not-an-email' }] };
      assertError(await count.createCustomer(body), 400, 'VALIDATION_ERROR', ['contacts[1].email']);
      assertError(await count.findByEmail(email), 404, 'NOT_FOUND');
    });

    it('at most one contact is primary', async () => {
      const res = await count.createCustomer({ customer: 'Two', email: uniqueEmail(), contacts: [{ name: 'A', isPrimary: true }, { name: 'B', isPrimary: true }] });
      assertError(res, 400, 'VALIDATION_ERROR', ['contacts']);
    });

    it('a contact needs a name (or first/last name) or an e-mail; fields are typed and bounded', async () => {
      assertError(await count.createCustomer({ customer: 'C', email: uniqueEmail(), contacts: [{ phone: '1' }] }), 400, 'VALIDATION_ERROR', ['contacts[0]']);
      assertError(
        await count.createCustomer({ customer: 'C', email: uniqueEmail(), contacts: [{ name: 'A', isPrimary: 'yes', phone: '1'.repeat(51), title: 'x' }] }),
        400,
        'VALIDATION_ERROR',
        ['contacts[0].isPrimary', 'contacts[0].phone', 'contacts[0].title'],
      );
      const ok = await createCustomer(count, { contacts: [{ lastName: 'Only' }] });
      assert.equal(ok.contacts[0].name, 'Only');
      assert.equal(ok.contacts[0].isPrimary, false, 'isPrimary defaults to false');
    });
  });

  describe('"Removing Fields: to remove website or phone send null or empty string; to remove addresses send null"', () => {
    for (const [label, value] of [['null', null], ['empty string', '']] as const) {
      it(`website and mainPhone are removed by ${label}`, async () => {
        const made = await createCustomer(count, full());
        const c = assertSuccess(await count.updateCustomer(made.uuid, { website: value, mainPhone: value }));
        assert.equal(c.website, null);
        assert.equal(c.mainPhone, null);
        assert.equal(c.customer, made.customer);
        const again = assertSuccess(await count.getCustomer(made.uuid));
        assert.equal(again.website, null);
        assert.equal(again.mainPhone, null);
      });
    }

    it('an empty string does not remove an address (send null)', async () => {
      const made = await createCustomer(count, full());
      assertError(await count.updateCustomer(made.uuid, { billingAddress: '' }), 400, 'VALIDATION_ERROR', ['billingAddress']);
    });
  });

  describe('"Timestamps: updatedAt is automatically updated to the current time when any field is modified"', () => {
    it('updatedAt moves forward on every change; createdAt never moves', async () => {
      const made = await createCustomer(count);
      let last = made.updatedAt;
      for (const change of [{ customer: 'T1' }, { status: 'inactive' }, { billingAddress: { city: 'X' } }]) {
        await sleep(5);
        const before = Date.now();
        const c = assertSuccess(await count.updateCustomer(made.uuid, change));
        assert.ok(Date.parse(c.updatedAt) > Date.parse(last), `${JSON.stringify(change)}: ${c.updatedAt} after ${last}`);
        assert.ok(Date.parse(c.updatedAt) >= before - 1, 'the current time');
        assert.equal(c.createdAt, made.createdAt);
        last = c.updatedAt;
      }
    });
  });

  describe('body parameters: limits, types, nullability and defaults', () => {
    it('customer: required, 1 to 255 characters, non-empty', async () => {
      assertError(await count.createCustomer({ email: uniqueEmail() }), 400, 'VALIDATION_ERROR', ['customer']);
      assertError(await count.createCustomer({ customer: '', email: uniqueEmail() }), 400, 'VALIDATION_ERROR', ['customer']);
      assertError(await count.createCustomer({ customer: ' \t ', email: uniqueEmail() }), 400, 'VALIDATION_ERROR', ['customer']);
      assertError(await count.createCustomer({ customer: 'x'.repeat(256), email: uniqueEmail() }), 400, 'VALIDATION_ERROR', ['customer']);
      assertError(await count.createCustomer({ customer: 42, email: uniqueEmail() }), 400, 'VALIDATION_ERROR', ['customer']);
      assert.equal((await createCustomer(count, { customer: 'x'.repeat(255) })).customer, 'x'.repeat(255));
      assert.equal((await createCustomer(count, { customer: '😀'.repeat(255) })).customer, '😀'.repeat(255), 'characters, not UTF-16 units');
      assert.equal((await createCustomer(count, { customer: 'Q' })).customer, 'Q');
    });

    it('email: required, at most 255 characters, a valid address', async () => {
      assertError(await count.createCustomer({ customer: 'E' }), 400, 'VALIDATION_ERROR', ['email']);
      assertError(await count.createCustomer({ customer: 'E', email: null }), 400, 'VALIDATION_ERROR', ['email']);
      assertError(await count.createCustomer({ customer: 'E', email: emailOfLength(256) }), 400, 'VALIDATION_ERROR', ['email']);
      assertError(await count.createCustomer({ customer: 'E', email: 'no-at-sign' }), 400, 'VALIDATION_ERROR', ['email']);
      const long = emailOfLength(255);
      assert.equal((await createCustomer(count, { email: long })).email, long);
    });

    it('both required fields missing: both are listed', async () => {
      assertError(await count.createCustomer({}), 400, 'VALIDATION_ERROR', ['customer', 'email']);
      assertError(await rawSigned(server, { method: 'POST', path: '/customers' }), 400, 'VALIDATION_ERROR', ['customer', 'email']);
    });

    it('mainPhone: at most 50 characters, nullable', async () => {
      assert.equal((await createCustomer(count, { mainPhone: '1'.repeat(50) })).mainPhone, '1'.repeat(50));
      assertError(await count.createCustomer({ customer: 'P', email: uniqueEmail(), mainPhone: '1'.repeat(51) }), 400, 'VALIDATION_ERROR', ['mainPhone']);
      assertError(await count.createCustomer({ customer: 'P', email: uniqueEmail(), mainPhone: 5550100 }), 400, 'VALIDATION_ERROR', ['mainPhone']);
      assert.equal((await createCustomer(count, { mainPhone: null })).mainPhone, null);
    });

    it('website: at most 255 characters, nullable', async () => {
      const url = 'https://' + 'w'.repeat(243) + '.com';
      assert.equal(url.length, 255);
      assert.equal((await createCustomer(count, { website: url })).website, url);
      assertError(await count.createCustomer({ customer: 'W', email: uniqueEmail(), website: url + 'x' }), 400, 'VALIDATION_ERROR', ['website']);
      assert.equal((await createCustomer(count, { website: null })).website, null);
    });

    it('status: active or inactive, "defaults to active if not specified", not nullable', async () => {
      assert.equal((await createCustomer(count)).status, 'active');
      assert.equal((await createCustomer(count, { status: 'inactive' })).status, 'inactive');
      const bad = assertError(await count.createCustomer({ customer: 'S', email: uniqueEmail(), status: 'archived' }), 400, 'VALIDATION_ERROR', ['status']);
      assert.match(bad.errors[0].message, /active.*inactive/);
      assertError(await count.createCustomer({ customer: 'S', email: uniqueEmail(), status: null }), 400, 'VALIDATION_ERROR', ['status']);
      const made = await createCustomer(count, { status: 'inactive' });
      assert.equal(assertSuccess(await count.updateCustomer(made.uuid, { status: 'active' })).status, 'active');
    });

    it('every bad field of one request is listed', async () => {
      const res = await count.createCustomer({ customer: '', email: 7, mainPhone: '1'.repeat(51), website: false, status: 'x', billingAddress: { zipCode: 1 } });
      const body = assertError(res, 400, 'VALIDATION_ERROR', ['customer', 'email', 'mainPhone', 'website', 'status', 'billingAddress.zipCode']);
      assert.equal(body.details.location, 'body');
      assert.match(body.message, /customer/);
    });

    it('a body that is not a JSON object, or not JSON at all, is a 400', async () => {
      assertError(await rawSigned(server, { method: 'POST', path: '/customers', body: '[]' }), 400, 'VALIDATION_ERROR', ['body']);
      assertError(await rawSigned(server, { method: 'POST', path: '/customers', body: 'null' }), 400, 'VALIDATION_ERROR', ['body']);
      assertError(await rawSigned(server, { method: 'POST', path: '/customers', body: '{"customer": "x",' }), 400, 'INVALID_JSON');
      assertError(await rawSigned(server, { method: 'POST', path: '/customers', body: '{"__proto__": {"x": 1}}' }), 400, 'INVALID_JSON');
      assertError(
        await rawSigned(server, { method: 'POST', path: '/customers', body: 'customer=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });

    it('text holding U+0000 is refused (no store keeps it), naming the field', async () => {
      assertError(await count.createCustomer({ customer: 'a\u0000b', email: uniqueEmail() }), 400, 'VALIDATION_ERROR', ['customer']);
      assertError(await count.createCustomer({ customer: 'a', email: uniqueEmail(), billingAddress: { zipCode: '1\u0000' } }), 400, 'VALIDATION_ERROR', [
        'billingAddress.zipCode',
      ]);
    });
  });

  describe('path parameter uuid and the 404 envelope', () => {
    it('text that is no UUID is 400 "Invalid UUID format", as Get Customer documents, on get, update and delete', async () => {
      for (const uuid of ['not-a-uuid', '6f1c1a2e3b4d4e5f8a9b0c1d2e3f4a5b', '6f1c1a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5', 'g f1c1a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b']) {
        for (const res of [await count.getCustomer(uuid), await count.updateCustomer(uuid, { customer: 'X' }), await count.deleteCustomer(uuid)]) {
          const body = assertError(res, 400, 'VALIDATION_ERROR');
          assert.equal(body.message, 'Invalid UUID format');
          assert.deepEqual(body.errors, [{ field: 'uuid', message: 'Invalid UUID format' }]);
          assert.deepEqual(body.details, { location: 'params' });
        }
      }
    });

    it('an unknown uuid and a well-formed uuid this server never made are 404 NOT_FOUND', async () => {
      const unknown = toUuid(newId());
      for (const uuid of [unknown, '6f1c1a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b', '01900000-0000-7000-8000-000000000001']) {
        const body = assertError(await count.updateCustomer(uuid, { customer: 'X' }), 404, 'NOT_FOUND');
        assert.equal(body.details.uuid, uuid);
        assertError(await count.getCustomer(uuid), 404, 'NOT_FOUND');
        assertError(await count.deleteCustomer(uuid), 404, 'NOT_FOUND');
      }
    });

    it('a deleted customer is not found: get, update, delete', async () => {
      const made = await createCustomer(count);
      const del = assertSuccess(await count.deleteCustomer(made.uuid));
      assert.deepEqual(del, { uuid: made.uuid, deleted: true });
      assertError(await count.getCustomer(made.uuid), 404, 'NOT_FOUND');
      assertError(await count.updateCustomer(made.uuid, { customer: 'Back' }), 404, 'NOT_FOUND');
      assertError(await count.updateCustomer(made.uuid, {}), 404, 'NOT_FOUND');
      assertError(await count.deleteCustomer(made.uuid), 404, 'NOT_FOUND');
    });

    it('unknown routes and methods are 404 ROUTE_NOT_FOUND in the same envelope', async () => {
      assertError(await count.request('GET', '/invoices'), 404, 'ROUTE_NOT_FOUND');
      const made = await createCustomer(count);
      assertError(await count.request('PATCH', `/customers/${made.uuid}`, { customer: 'x' }), 404, 'ROUTE_NOT_FOUND');
    });
  });

  describe('the 401 envelope', () => {
    it('no credentials: 401 UNAUTHORIZED with a reason', async () => {
      const res = await fetch(`${server.url}/count/partners/customers`);
      const body = (await res.json()) as any;
      assert.equal(res.status, 401);
      assert.deepEqual(Object.keys(body), ['status', 'message', 'code', 'details']);
      assert.equal(body.status, 'error');
      assert.equal(body.code, 'UNAUTHORIZED');
      assert.equal(body.details.reason, 'missing_credentials');
    });
  });

  describe('find-by-email (named on Count\'s customer pages)', () => {
    it('exact match, case-insensitive; a substring or an unknown e-mail is a 404; email is required', async () => {
      const made = await createCustomer(count);
      assert.equal(assertSuccess(await count.findByEmail(made.email)).uuid, made.uuid);
      assert.deepEqual(assertSuccess(await count.findByEmail(` ${made.email.toUpperCase()} `)), made);
      const unknown = 'x' + made.email;
      const missing = assertError(await count.findByEmail(unknown), 404, 'NOT_FOUND');
      assert.equal(missing.details.email, unknown);
      assertError(await count.request('GET', '/customers/find-by-email'), 400, 'VALIDATION_ERROR', ['email']);
    });

    it('an e-mail that is not one is 400 "Invalid or missing email parameter", as the page documents', async () => {
      for (const email of ['not-an-email', 'a@', '@example.com', 'a b@example.com', '.a@example.com']) {
        const body = assertError(await count.findByEmail(email), 400, 'VALIDATION_ERROR');
        assert.equal(body.message, 'Invalid or missing email parameter');
        assert.deepEqual(body.errors, [{ field: 'email', message: 'Invalid or missing email parameter' }]);
        assert.deepEqual(body.details, { location: 'query' });
      }
    });
  });

  describe('tax settings (read-only, as Get Customer documents)', () => {
    it('show the tax status and tax ids the record holds, and an update cannot write them', async () => {
      const made = await createCustomer(count);
      assert.deepEqual(made.taxSettings, { taxExempt: 'none', taxIds: [] });
      const native = await server.request('GET', `/v1/customers?email=${encodeURIComponent(made.email)}`);
      const cus = native.body.data[0].id;
      await server.request('POST', `/v1/customers/${cus}`, { form: 'tax_exempt=reverse' });
      await server.request('POST', `/v1/customers/${cus}/tax_ids`, { form: 'type=eu_vat&value=DE123456789' });
      const got = assertSuccess(await count.getCustomer(made.uuid));
      assert.deepEqual(got.taxSettings, { taxExempt: 'reverse', taxIds: [{ type: 'eu_vat', value: 'DE123456789', country: 'DE' }] });
      const updated = assertSuccess(await count.updateCustomer(made.uuid, { customer: 'Renamed', taxSettings: { taxExempt: 'none', taxIds: [] } }));
      assert.equal(updated.customer, 'Renamed');
      assert.deepEqual(updated.taxSettings, got.taxSettings, 'read-only: ignored on update');
      const listed = assertSuccess(await count.listCustomers({ search: made.email }));
      assert.deepEqual(listed.records[0].taxSettings, got.taxSettings);
    });
  });

  describe('OpenAPI', () => {
    it('documents every Count route, data under the Count tag, authorization under its own', async () => {
      const doc = (await server.request('GET', '/openapi.json', { key: null })).body;
      const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/count/')).sort();
      const authorization = [
        '/count/auth2/authorize-initiate', '/count/auth2/authorize-intiate', '/count/partners/grant-access-token', '/count/partners/refresh-user-access-token',
      ];
      assert.deepEqual(paths, [
        ...authorization.slice(0, 2),
        '/count/partners/customers', '/count/partners/customers/bulk', '/count/partners/customers/find-by-email', '/count/partners/customers/{uuid}',
        ...authorization.slice(2),
        '/count/partners/webhooks', '/count/partners/webhooks/{uuid}',
      ]);
      const methods = paths.flatMap((p) => Object.entries(doc.paths[p]).map(([m, op]) => [`${m} ${p}`, p, op] as const));
      assert.equal(methods.length, 16);
      for (const [name, path, op] of methods) assert.deepEqual((op as { tags: string[] }).tags, authorization.includes(path) ? ['Count authorization'] : ['Count'], name);
    });
  });
});
