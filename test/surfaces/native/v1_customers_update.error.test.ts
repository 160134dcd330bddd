import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { stripeError, suiteServer } from '../../helpers/server.ts';

describe('POST/PATCH /v1/customers/:id (errors)', () => {
  const ctx = suiteServer();

  it('is 404 resource_missing for an id that does not exist', async () => {
    const err = await stripeError(ctx.stripe.customers.update('cus_00000000000000000', { name: 'x' }));
    assert.equal(err.statusCode, 404);
    assert.equal(err.code, 'resource_missing');
    assert.equal(err.param, 'id');
    assert.equal(err.message, "No such customer: 'cus_00000000000000000'");
    const malformed = await stripeError(ctx.stripe.customers.update('cus_not-an-id', { name: 'x' }));
    assert.equal(malformed.statusCode, 404);
  });

  it('is 404 for a deleted customer, and changes nothing', async () => {
    const c = await ctx.stripe.customers.create({ name: 'gone' });
    await ctx.stripe.customers.del(c.id);
    const err = await stripeError(ctx.stripe.customers.update(c.id, { name: 'back' }));
    assert.equal(err.statusCode, 404);
    const empty = await stripeError(ctx.stripe.customers.update(c.id, {}));
    assert.equal(empty.statusCode, 404);
  });

  it('is 409 when the new e-mail belongs to another customer, and nothing is written', async () => {
    await ctx.stripe.customers.create({ email: 'first@example.com' });
    const second = await ctx.stripe.customers.create({ email: 'second@example.com', name: 'Second' });
    const err = await stripeError(ctx.stripe.customers.update(second.id, { email: 'First@example.com', name: 'Changed' }));
    assert.equal(err.statusCode, 409);
    assert.equal(err.code, 'resource_already_exists');
    assert.equal(err.param, 'email');
    const after = (await ctx.stripe.customers.retrieve(second.id)) as Stripe.Customer;
    assert.equal(after.email, 'second@example.com');
    assert.equal(after.name, 'Second');
  });

  it('writes nothing when any field of the update is invalid', async () => {
    const c = await ctx.stripe.customers.create({ name: 'Keep', email: 'keep@example.com' });
    const err = await stripeError(ctx.stripe.customers.update(c.id, { name: 'Changed', address: { country: 'ZZ' } }));
    assert.equal(err.param, 'address[country]');
    assert.equal(((await ctx.stripe.customers.retrieve(c.id)) as Stripe.Customer).name, 'Keep');
  });

  it('refuses parameters that only creation takes, and default_source only on update', async () => {
    const c = await ctx.stripe.customers.create({});
    const res = await ctx.server.request('POST', `/v1/customers/${c.id}`, { form: 'tax_id_data[0][type]=eu_vat&tax_id_data[0][value]=x' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.param, 'tax_id_data');
    const created = await ctx.server.request('POST', '/v1/customers', { form: 'default_source=src_1' });
    assert.equal(created.body.error.param, 'default_source');
    const updated = await ctx.stripe.customers.update(c.id, { default_source: 'src_1' });
    assert.equal(updated.default_source, 'src_1');
  });

  it('refuses a contact id the customer does not have', async () => {
    const c = await ctx.stripe.customers.create({});
    const res = await ctx.server.request('POST', `/v1/customers/${c.id}`, { json: { contacts: [{ id: 'cont_00000000000000000', name: 'x' }] } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.param, 'contacts[0][id]');
  });

  it('refuses conflicting aliases of one field', async () => {
    const c = await ctx.stripe.customers.create({});
    const res = await ctx.server.request('POST', `/v1/customers/${c.id}`, {
      form: 'default_payment_method=pm_1&invoice_settings[default_payment_method]=pm_2',
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.param, 'default_payment_method');
  });
});
