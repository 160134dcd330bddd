import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer, type TestServer } from '../../helpers/server.ts';
import type { CountClient } from './count-client.ts';
import { assertError, assertSuccess, countClient, createCustomer, uniqueEmail } from './helpers.ts';
import { fromPrefixed, fromUuid, toPrefixed, toUuid } from '../../../src/formats/ids.ts';

/** One store behind every surface: a Count uuid and a native `cus_…` id name the same customer. */

const nativeId = (uuid: string) => toPrefixed('cus', fromUuid(uuid) ?? assert.fail(`not one of our uuids: ${uuid}`));
const countUuid = (cus: string) => toUuid(fromPrefixed('cus', cus) ?? assert.fail(`not a customer id: ${cus}`));

describe('Count surface: the same customers as the native API', () => {
  const ctx = suiteServer();
  let server: TestServer;
  let count: CountClient;

  before(() => {
    server = ctx.server;
    count = countClient(server);
  });

  it('a customer created through Count reads natively with every field mapped', async () => {
    const c = await createCustomer(count, {
      customer: 'Vandelay Industries',
      mainPhone: '+1 212 555 0123',
      website: 'https://vandelay.example',
      status: 'inactive',
      billingAddress: { street: '129 W 81st St', city: 'New York', state: 'NY', zipCode: '10024', country: 'us' },
      shippingAddress: { street: '1 Pier', city: 'Newark', zipCode: '07102', country: 'US' },
      contacts: [
        { firstName: 'Art', lastName: 'Vandelay', email: 'art@vandelay.example', phone: '+1 212 555 0124', isPrimary: true },
        { name: 'George Costanza' },
      ],
    });
    const res = await server.request('GET', `/v1/customers/${nativeId(c.uuid)}`, { key: server.tenant.keys.test });
    assert.equal(res.status, 200, res.text);
    const n = res.body;
    assert.equal(n.id, nativeId(c.uuid));
    assert.equal(n.name, 'Vandelay Industries');
    assert.equal(n.email, c.email);
    assert.equal(n.phone, '+1 212 555 0123');
    assert.equal(n.website, 'https://vandelay.example');
    assert.equal(n.status, 'inactive');
    assert.equal(n.livemode, false);
    assert.deepEqual(n.address, { city: 'New York', country: 'US', line1: '129 W 81st St', line2: null, postal_code: '10024', state: 'NY' });
    assert.deepEqual(n.shipping, { address: { city: 'Newark', country: 'US', line1: '1 Pier', line2: null, postal_code: '07102', state: null }, name: null, phone: null });
    assert.deepEqual(
      n.contacts.map(({ id: _id, ...k }: any) => k),
      [
        { name: null, first_name: 'Art', last_name: 'Vandelay', email: 'art@vandelay.example', phone: '+1 212 555 0124', is_primary: true },
        { name: 'George Costanza', first_name: null, last_name: null, email: null, phone: null, is_primary: false },
      ],
    );
    assert.equal(n.created, Math.floor(Date.parse(c.createdAt) / 1000));
    assert.equal(n.updated, Math.floor(Date.parse(c.updatedAt) / 1000));
    // Contact ids are the same ids too.
    assert.deepEqual(n.contacts.map((k: any) => toUuid(fromPrefixed('cont', k.id)!)), c.contacts.map((k: any) => k.uuid));
  });

  it('a customer created natively reads through Count; Count keeps what it cannot show', async () => {
    const res = await server.request('POST', '/v1/customers', {
      json: {
        name: 'Kramerica',
        email: uniqueEmail('kramer'),
        phone: '+1 555 0000',
        website: 'https://kramerica.example',
        address: { line1: '5A 129 W 81st', line2: 'Apt 5B', city: 'New York', postal_code: '10024', country: 'US' },
        shipping: { name: 'Cosmo Kramer', phone: '+1 555 0001', address: { line1: 'Warehouse 1', country: 'US' } },
        contacts: [{ first_name: 'Cosmo', last_name: 'Kramer', is_primary: true }],
        metadata: { plan: 'gold' },
      },
    });
    assert.equal(res.status, 200, res.text);
    const uuid = countUuid(res.body.id);
    const c = assertSuccess(await count.getCustomer(uuid));
    assert.equal(c.customer, 'Kramerica');
    assert.equal(c.email, res.body.email);
    assert.equal(c.mainPhone, '+1 555 0000');
    assert.equal(c.website, 'https://kramerica.example');
    assert.equal(c.status, 'active');
    assert.deepEqual(c.billingAddress, { street: '5A 129 W 81st', city: 'New York', state: null, zipCode: '10024', country: 'US' });
    assert.deepEqual(c.shippingAddress, { street: 'Warehouse 1', city: null, state: null, zipCode: null, country: 'US' });
    assert.deepEqual(c.contacts.map(({ uuid: _u, ...k }: any) => k), [
      { name: 'Cosmo Kramer', firstName: 'Cosmo', lastName: 'Kramer', email: null, phone: null, isPrimary: true },
    ]);
    assert.equal(Math.floor(Date.parse(c.createdAt) / 1000), res.body.created);

    // Replacing the shipping address through Count keeps the shipping name and phone it cannot see;
    // metadata and other native-only fields are untouched by any Count update.
    assertSuccess(await count.updateCustomer(uuid, { shippingAddress: { street: 'Warehouse 2', country: 'CA' }, customer: 'Kramerica Industries' }));
    const after = (await server.request('GET', `/v1/customers/${res.body.id}`)).body;
    assert.deepEqual(after.shipping, {
      name: 'Cosmo Kramer',
      phone: '+1 555 0001',
      address: { city: null, country: 'CA', line1: 'Warehouse 2', line2: null, postal_code: null, state: null },
    });
    assert.deepEqual(after.metadata, { plan: 'gold' });
    assert.equal(after.name, 'Kramerica Industries');
    // The billing address is replaced whole: line2, which Count has no name for, goes with it.
    assertSuccess(await count.updateCustomer(uuid, { billingAddress: { street: '1 New St', country: 'US' } }));
    const replaced = (await server.request('GET', `/v1/customers/${res.body.id}`)).body;
    assert.equal(replaced.address.line2, null);
    // Removing the shipping address keeps the name and phone (Count cannot remove those).
    assert.equal(assertSuccess(await count.updateCustomer(uuid, { shippingAddress: null })).shippingAddress, null);
    const noAddress = (await server.request('GET', `/v1/customers/${res.body.id}`)).body;
    assert.deepEqual(noAddress.shipping, { name: 'Cosmo Kramer', phone: '+1 555 0001', address: null });
  });

  it('deletes and e-mail uniqueness are shared across surfaces', async () => {
    const c = await createCustomer(count);
    const dup = await server.request('POST', '/v1/customers', { json: { email: c.email.toUpperCase() } });
    assert.equal(dup.status, 409, dup.text);
    const natively = await server.request('POST', '/v1/customers', { json: { name: 'Native', email: uniqueEmail('native') } });
    assertError(await count.createCustomer({ customer: 'Count', email: natively.body.email }), 409, 'EMAIL_EXISTS');

    assert.equal((await server.request('DELETE', `/v1/customers/${nativeId(c.uuid)}`)).status, 200);
    assertError(await count.getCustomer(c.uuid), 404, 'NOT_FOUND');
    assertSuccess(await count.deleteCustomer(countUuid(natively.body.id)));
    const gone = await server.request('GET', `/v1/customers/${natively.body.id}`);
    assert.equal(gone.body.deleted, true);
  });

  it('a live-mode native customer is invisible to the test client and visible to the live one', async () => {
    const res = await server.request('POST', '/v1/customers', { key: server.tenant.keys.live, json: { name: 'Live only', email: uniqueEmail() } });
    const uuid = countUuid(res.body.id);
    assertError(await count.getCustomer(uuid), 404, 'NOT_FOUND');
    assert.equal(assertSuccess(await countClient(server, 'live').getCustomer(uuid)).customer, 'Live only');
  });
});
