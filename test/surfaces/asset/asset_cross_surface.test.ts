import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer, type TestServer } from '../../helpers/server.ts';
import { customersPath, fullAddress, tokenFor } from './helpers.ts';

/** One store under every surface: what Asset writes the native API reads, and the other way. */
describe('Asset surface ⇄ native API', () => {
  const ctx = suiteServer();
  let server: TestServer;
  let token: string;
  let base: string;

  before(async () => {
    server = ctx.server;
    token = await tokenFor(server, server.tenant);
    base = customersPath(server.tenant);
  });

  it('a customer created via Asset reads natively with every field mapped', async () => {
    const made = await server.request('POST', base, {
      key: token,
      json: {
        name: 'Cross Co',
        external_id: 'ext-cross',
        email: 'cross@example.com',
        billing_address: fullAddress('Bill'),
        shipping_address: fullAddress('Ship', 'CA'),
        phone_number: '+1 604 555 0101',
      },
    });
    assert.equal(made.status, 200, made.text);
    const native = await ctx.stripe.customers.retrieve(made.body.data.id);
    assert.ok(!native.deleted);
    assert.equal(native.id, made.body.data.id, 'the same cus_ id on both surfaces');
    assert.equal(native.name, 'Cross Co');
    assert.equal(native.email, 'cross@example.com');
    assert.equal(native.phone, '+1 604 555 0101');
    assert.equal((native as unknown as { external_id: string }).external_id, 'ext-cross');
    assert.equal(native.livemode, false, 'a test-mode client writes test data');
    assert.deepEqual(native.address, { line1: '1 Bill St', line2: 'Suite Bill', city: 'Bill City', state: 'CA', postal_code: '94105', country: 'US' });
    assert.deepEqual(native.shipping, {
      name: 'Cross Co',
      phone: null,
      address: { line1: '1 Ship St', line2: 'Suite Ship', city: 'Ship City', state: 'CA', postal_code: '94105', country: 'CA' },
    });
  });

  it('a customer created natively reads via Asset, fields Asset lacks left out', async () => {
    const native = await ctx.stripe.customers.create({
      name: 'Native Ltd',
      email: 'native@example.com',
      phone: '+44 20 7946 0018',
      description: 'not an Asset field',
      metadata: { plan: 'gold' },
      address: { line1: '10 Downing St', city: 'London', postal_code: 'SW1A 2AA', country: 'GB' },
      shipping: { name: 'Dock 4', phone: '+44 20 0000 0000', address: { line1: '1 Wharf Rd', city: 'London', country: 'GB' } },
    });
    const res = await server.request('GET', `${base}/${native.id}`, { key: token });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.data, {
      name: 'Native Ltd',
      id: native.id,
      external_id: null,
      email: 'native@example.com',
      billing_address: { street_1: '10 Downing St', city: 'London', state: null, postal_code: 'SW1A 2AA', country: 'GB', street_2: null },
      shipping_address: { street_1: '1 Wharf Rd', city: 'London', state: null, postal_code: null, country: 'GB', street_2: null },
      phone_number: '+44 20 7946 0018',
    });
    const listed = await server.request('GET', base, { key: token });
    assert.ok(listed.body.data.some((c: { id: string }) => c.id === native.id));
  });

  it('an Asset update keeps what Asset cannot see: shipping recipient, metadata, description', async () => {
    const native = await ctx.stripe.customers.create({
      name: 'Keeper',
      description: 'keep me',
      metadata: { k: 'v' },
      shipping: { name: 'Receiving', phone: '+1 555 0100', address: { line1: 'Old St', country: 'US' } },
    });
    const res = await server.request('PATCH', `${base}/${native.id}`, { key: token, json: { name: 'Keeper 2', shipping_address: { street_1: 'New St', country: 'US' } } });
    assert.equal(res.status, 200, res.text);
    const after = await ctx.stripe.customers.retrieve(native.id);
    assert.ok(!after.deleted);
    assert.equal(after.name, 'Keeper 2');
    assert.equal(after.description, 'keep me');
    assert.deepEqual(after.metadata, { k: 'v' });
    assert.equal(after.shipping?.name, 'Receiving');
    assert.equal(after.shipping?.phone, '+1 555 0100');
    assert.equal(after.shipping?.address?.line1, 'New St');
    assert.equal(after.shipping?.address?.city, null, 'the address is replaced whole');
  });

  it('a native customer without a name prints name: null via Asset', async () => {
    const native = await ctx.stripe.customers.create({ email: 'nameless@example.com' });
    const res = await server.request('GET', `${base}/${native.id}`, { key: token });
    assert.equal(res.body.data.name, null);
  });

  it('e-mail uniqueness spans the surfaces', async () => {
    await ctx.stripe.customers.create({ name: 'Native owner', email: 'shared@example.com' });
    const res = await server.request('POST', base, { key: token, json: { name: 'Asset twin', email: 'shared@example.com' } });
    assert.equal(res.status, 409);
    assert.match(res.body.detail, /email/);
  });
});
