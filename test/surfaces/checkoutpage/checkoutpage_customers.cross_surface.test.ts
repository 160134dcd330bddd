import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer } from '../../helpers/server.ts';
import { CP, fullNative, createCustomer, nativeId } from './helpers.ts';

/** One customer, two surfaces: what CheckoutPage writes, the native API reads under its own names, and back. */
describe('CheckoutPage customers: across surfaces', () => {
  const ctx = suiteServer();

  it('an update through CheckoutPage is read natively with the fields mapped', async () => {
    const id = await createCustomer(ctx.server, { name: 'Cross', seller_id: 'seller_7', stripe_customer_id: 'cus_Stripe7', metadata: { plan: 'pro' } });
    const res = await ctx.server.request('PATCH', `${CP}/customers/${id}`, {
      json: {
        name: 'Cross Updated',
        companyName: 'Cross GmbH',
        email: 'cross@example.com',
        phone: '+49 1',
        billingEmail: 'invoices@cross.example',
        address: { line1: 'L1', line2: 'L2', city: 'Köln', state: 'NW', postalCode: '50667', country: 'de' },
        shipping: { name: 'Ship To', phone: '+49 2', address: { line1: 'S1', city: 'Bonn', postalCode: '53111', country: 'DE' } },
        taxId: 'DE111111111',
        taxIdType: 'eu_vat',
      },
    });
    assert.equal(res.status, 200, res.text);
    const native = await ctx.server.stripe().customers.retrieve(nativeId(id), { expand: ['tax_ids'] });
    assert.ok(!native.deleted);
    const n = native as unknown as Record<string, unknown>;
    assert.equal(n.id, nativeId(id));
    assert.equal(n.name, 'Cross Updated');
    assert.equal(n.company_name, 'Cross GmbH');
    assert.equal(n.business_name, 'Cross GmbH');
    assert.equal(n.email, 'cross@example.com');
    assert.equal(n.phone, '+49 1');
    assert.equal(n.billing_email, 'invoices@cross.example');
    assert.deepEqual(n.address, { city: 'Köln', country: 'DE', line1: 'L1', line2: 'L2', postal_code: '50667', state: 'NW' });
    assert.deepEqual(n.shipping, {
      address: { city: 'Bonn', country: 'DE', line1: 'S1', line2: null, postal_code: '53111', state: null },
      name: 'Ship To',
      phone: '+49 2',
    });
    assert.deepEqual((n.tax_ids as { data: { type: string; value: string }[] }).data.map(({ type, value }) => ({ type, value })), [{ type: 'eu_vat', value: 'DE111111111' }]);
    assert.equal(n.seller_id, 'seller_7');
    assert.equal(n.stripe_customer_id, 'cus_Stripe7');
    assert.deepEqual(n.metadata, { plan: 'pro' }, 'fields CheckoutPage does not know are kept');
    assert.equal(n.updated, Date.parse(res.body.data.updatedAt) / 1000);
  });

  it('a native update is read through CheckoutPage', async () => {
    const id = await createCustomer(ctx.server, {});
    const stripe = ctx.server.stripe();
    await stripe.customers.update(nativeId(id), {
      name: 'Natively Named',
      address: { postal_code: '94107', country: 'US' },
      // Clientele's extension fields, as the native API takes them.
      ...({ billing_email: 'b@example.com', seller_id: 'sel_1', stripe_customer_id: 'cus_Real' } as object),
    });
    const c = (await ctx.server.request('GET', `${CP}/customers/${id}`)).body.data;
    assert.equal(c.name, 'Natively Named');
    assert.deepEqual(c.address, { line1: null, line2: null, city: null, state: null, postalCode: '94107', country: 'US' });
    assert.equal(c.billingEmail, 'b@example.com');
    assert.equal(c.sellerId, 'sel_1');
    assert.equal(c.stripeCustomerId, 'cus_Real');
  });

  it('the tax id pair is the first native tax id; the others are kept', async () => {
    const id = await createCustomer(ctx.server, { ...fullNative(), email: null, tax_ids: [{ type: 'eu_vat', value: 'DE111111111' }, { type: 'ch_vat', value: 'CHE-123.456.789 MWST' }] });
    const read = (await ctx.server.request('GET', `${CP}/customers/${id}`)).body.data;
    assert.deepEqual([read.taxId, read.taxIdType], ['DE111111111', 'eu_vat']);
    await ctx.server.request('PATCH', `${CP}/customers/${id}`, { json: { taxId: 'DE222222222' } });
    const nativeTaxIds = async () => (await ctx.server.request('GET', `/v1/customers/${nativeId(id)}/tax_ids`)).body.data.map(({ type, value }: any) => ({ type, value })).reverse();
    assert.deepEqual(await nativeTaxIds(), [{ type: 'eu_vat', value: 'DE222222222' }, { type: 'ch_vat', value: 'CHE-123.456.789 MWST' }]);
    const cleared = await ctx.server.request('PATCH', `${CP}/customers/${id}`, { json: { taxId: null, taxIdType: null } });
    assert.deepEqual([cleared.body.data.taxId, cleared.body.data.taxIdType], ['CHE-123.456.789 MWST', 'ch_vat'], 'the next one becomes the first');
    assert.deepEqual(await nativeTaxIds(), [{ type: 'ch_vat', value: 'CHE-123.456.789 MWST' }]);
  });

  it('concurrent updates of the two tax id halves never lose each other', async () => {
    // Types whose values only need to look like a number, so that either half fits the other.
    const types = ['ae_trn', 'bh_vat', 'om_vat', 'sa_vat', 'ge_vat', 'eg_tin', 'bo_tin', 'by_tin', 'th_vat', 'tw_vat'];
    const id = await createCustomer(ctx.server, { tax_ids: [{ type: 'ae_trn', value: 'DE0' }] });
    for (let i = 1; i <= 10; i++) {
      const [a, b] = await Promise.all([
        ctx.server.request('PATCH', `${CP}/customers/${id}`, { json: { taxId: `DE${i}` } }),
        ctx.server.request('PATCH', `${CP}/customers/${id}`, { json: { taxIdType: types[i % types.length] } }),
      ]);
      assert.equal(a.status, 200, a.text);
      assert.equal(b.status, 200, b.text);
      const c = (await ctx.server.request('GET', `${CP}/customers/${id}`)).body.data;
      assert.deepEqual([c.taxId, c.taxIdType], [`DE${i}`, types[i % types.length]], `round ${i}`);
    }
  });

  it('customers created natively are listed and searched through CheckoutPage at once', async () => {
    const tenant = await ctx.server.newTenant('Cross list');
    const stripe = ctx.server.stripe(tenant.keys.test);
    const made = await stripe.customers.create({ name: 'Fresh Face', email: 'fresh@example.com' });
    const list = await ctx.server.request('GET', `${CP}/customers?search=FRESH`, { key: tenant.keys.test });
    assert.deepEqual(list.body.data.map((c: { id: string }) => nativeId(c.id)), [made.id]);
  });
});
