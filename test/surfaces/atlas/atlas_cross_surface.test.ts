import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { suiteServer } from '../../helpers/server.ts';
import { atlas, createCustomer, uniqueEmail } from './helpers.ts';

/** One store under both surfaces: what Atlas writes, the native API reads, and back. */
describe('Atlas ⇄ the native API', () => {
  const ctx = suiteServer();

  it('a customer created through Atlas reads natively with every field mapped', async () => {
    const email = uniqueEmail('to-native');
    const c = await createCustomer(ctx.server, {
      email,
      name: 'Ada',
      phone: '+44 1',
      description: 'desc',
      billing_address: { line1: 'L1', line2: 'L2', city: 'London', state: 'LDN', postal_code: 'N1', country: 'gb' },
      shipping_address: { line1: 'S1', city: 'Leeds', country: 'GB' },
      default_payment_method: 'pm_123',
      tax_exempt: true,
      metadata: { k: 'v' },
    });
    const n = (await ctx.stripe.customers.retrieve(c.id)) as Stripe.Customer;
    assert.equal(n.id, c.id);
    assert.equal(n.email, email);
    assert.equal(n.name, 'Ada');
    assert.equal(n.phone, '+44 1');
    assert.equal(n.description, 'desc');
    assert.deepEqual(n.address, { line1: 'L1', line2: 'L2', city: 'London', state: 'LDN', postal_code: 'N1', country: 'GB' });
    assert.deepEqual(n.shipping, { name: null, phone: null, address: { line1: 'S1', line2: null, city: 'Leeds', state: null, postal_code: null, country: 'GB' } });
    assert.equal(n.invoice_settings.default_payment_method, 'pm_123');
    assert.equal(n.tax_exempt, 'exempt');
    assert.deepEqual(n.metadata, { k: 'v' });
    assert.equal(n.created, c.created);
    assert.equal(n.livemode, false);

    await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { tax_exempt: false, default_payment_method: null } });
    const after = (await ctx.stripe.customers.retrieve(c.id)) as Stripe.Customer;
    assert.equal(after.tax_exempt, 'none');
    assert.equal(after.invoice_settings.default_payment_method, null);
  });

  it('a customer created natively reads through Atlas with every field mapped', async () => {
    const email = uniqueEmail('from-native');
    const n = await ctx.stripe.customers.create({
      email,
      name: 'Grace',
      phone: '+1 2',
      description: 'native',
      address: { line1: 'A1', city: 'Arlington', country: 'US', postal_code: '22202', state: 'VA' },
      shipping: { name: 'Dock', phone: '+1 3', address: { line1: 'D1', city: 'Norfolk', country: 'US' } },
      invoice_settings: { default_payment_method: 'pm_native' },
      tax_exempt: 'reverse',
      metadata: { a: '1' },
      tax_id_data: [{ type: 'us_ein', value: '12-3456789' }],
      preferred_locales: ['en'],
    });
    const res = await atlas(ctx.server, 'GET', `/customers/${n.id}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, {
      id: n.id,
      object: 'customer',
      email,
      name: 'Grace',
      phone: '+1 2',
      description: 'native',
      billing_address: { line1: 'A1', line2: null, city: 'Arlington', state: 'VA', postal_code: '22202', country: 'US' },
      shipping_address: { line1: 'D1', line2: null, city: 'Norfolk', state: null, postal_code: null, country: 'US' },
      default_payment_method: 'pm_native',
      tax_exempt: true,
      tax_ids: [{ type: 'us_ein', value: '12-3456789' }],
      metadata: { a: '1' },
      created: n.created,
    });
    const listed = await atlas(ctx.server, 'GET', `/customers?email=${encodeURIComponent(email)}`);
    assert.deepEqual(listed.body.data, [res.body]);
  });

  it("an Atlas update keeps what Atlas cannot see: shipping name and phone, 'reverse', native-only fields", async () => {
    const n = await ctx.stripe.customers.create({
      email: uniqueEmail('keep'),
      shipping: { name: 'Dock', phone: '+1 3', address: { line1: 'D1' } },
      tax_exempt: 'reverse',
      preferred_locales: ['fr'],
      invoice_settings: { footer: 'Thanks' },
      balance: 500,
    });
    const moved = await atlas(ctx.server, 'PATCH', `/customers/${n.id}`, { json: { shipping_address: { line1: 'D2', country: 'DE' }, tax_exempt: true, name: 'X' } });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.body.tax_exempt, true);
    let after = (await ctx.stripe.customers.retrieve(n.id)) as Stripe.Customer;
    assert.equal(after.shipping?.name, 'Dock');
    assert.equal(after.shipping?.phone, '+1 3');
    assert.equal(after.shipping?.address?.line1, 'D2');
    assert.equal(after.shipping?.address?.country, 'DE');
    assert.equal(after.tax_exempt, 'reverse', "true on a 'reverse' customer keeps 'reverse'");
    assert.deepEqual(after.preferred_locales, ['fr']);
    assert.equal(after.invoice_settings.footer, 'Thanks');
    assert.equal(after.balance, 500);

    await atlas(ctx.server, 'PATCH', `/customers/${n.id}`, { json: { shipping_address: null } });
    after = (await ctx.stripe.customers.retrieve(n.id)) as Stripe.Customer;
    assert.deepEqual(after.shipping, { name: 'Dock', phone: '+1 3', address: null }, 'the shipping name stays when Atlas clears the address');
    assert.equal((await atlas(ctx.server, 'GET', `/customers/${n.id}`)).body.shipping_address, null);

    await atlas(ctx.server, 'PATCH', `/customers/${n.id}`, { json: { tax_exempt: false } });
    assert.equal(((await ctx.stripe.customers.retrieve(n.id)) as Stripe.Customer).tax_exempt, 'none');
  });

  it('clearing an Atlas-only shipping address removes the shipping altogether', async () => {
    const c = await createCustomer(ctx.server, { shipping_address: { city: 'Paris' } });
    await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { shipping_address: null } });
    assert.equal(((await ctx.stripe.customers.retrieve(c.id)) as Stripe.Customer).shipping, null);
  });

  it('metadata written natively merges with metadata written through Atlas', async () => {
    const c = await createCustomer(ctx.server, { metadata: { atlas: '1' } });
    await ctx.stripe.customers.update(c.id, { metadata: { native: '2' } });
    const res = await atlas(ctx.server, 'PATCH', `/customers/${c.id}`, { json: { metadata: { atlas: '3' } } });
    assert.deepEqual(res.body.metadata, { atlas: '3', native: '2' });
  });

  it('a delete on either surface is seen by the other', async () => {
    const a = await createCustomer(ctx.server);
    await atlas(ctx.server, 'DELETE', `/customers/${a.id}`);
    const stub = await ctx.server.request('GET', `/v1/customers/${a.id}`);
    assert.deepEqual(stub.body, { id: a.id, object: 'customer', deleted: true });

    const n = await ctx.stripe.customers.create({ email: uniqueEmail('native-del') });
    await ctx.stripe.customers.del(n.id);
    assert.equal((await atlas(ctx.server, 'GET', `/customers/${n.id}`)).status, 404);
  });

  it('a customer without an e-mail (created natively) prints email: null and can be given one', async () => {
    const n = await ctx.stripe.customers.create({ name: 'No mail' });
    assert.equal((await atlas(ctx.server, 'GET', `/customers/${n.id}`)).body.email, null);
    const email = uniqueEmail('given');
    assert.equal((await atlas(ctx.server, 'PATCH', `/customers/${n.id}`, { json: { email } })).body.email, email);
  });

  it('e-mail uniqueness spans both surfaces', async () => {
    const email = uniqueEmail('both');
    await ctx.stripe.customers.create({ email });
    const res = await atlas(ctx.server, 'POST', '/customers', { json: { email: email.toUpperCase() } });
    assert.deepEqual([res.status, res.body.error.type, res.body.error.param], [400, "validation_error", "email"]);
  });
});
