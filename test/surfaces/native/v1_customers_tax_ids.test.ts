import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stripeError, suiteServer } from '../../helpers/server.ts';

/** Stripe's tax id sub-resource, driven with the official SDK's own methods. */
describe('/v1/customers/:id/tax_ids', () => {
  const ctx = suiteServer();

  describe('happy', () => {
    it('createTaxId / retrieveTaxId / listTaxIds / deleteTaxId work unchanged', async () => {
      const c = await ctx.stripe.customers.create({ name: 'Taxed' });
      const vat = await ctx.stripe.customers.createTaxId(c.id, { type: 'eu_vat', value: 'DE123456789' });
      assert.match(vat.id, /^txi_[0-9A-Za-z]{17}$/);
      assert.equal(vat.object, 'tax_id');
      assert.equal(vat.customer, c.id);
      assert.equal(vat.country, 'DE');
      assert.deepEqual(vat.owner, { customer: c.id, customer_account: null, type: 'customer' });
      assert.equal(vat.livemode, false);
      assert.ok(Math.abs(vat.created - Date.now() / 1000) < 60);
      const ein = await ctx.stripe.customers.createTaxId(c.id, { type: 'us_ein', value: '12-3456789' });

      assert.deepEqual(await ctx.stripe.customers.retrieveTaxId(c.id, vat.id), vat);
      const listed = await ctx.stripe.customers.listTaxIds(c.id);
      assert.deepEqual(listed.data.map((t) => t.id), [ein.id, vat.id], 'newest first');
      assert.equal(listed.has_more, false);
      assert.equal(listed.url, `/v1/customers/${c.id}/tax_ids`);
      const page = await ctx.stripe.customers.listTaxIds(c.id, { limit: 1 });
      assert.deepEqual([page.data.map((t) => t.id), page.has_more], [[ein.id], true]);
      const next = await ctx.stripe.customers.listTaxIds(c.id, { limit: 1, starting_after: ein.id });
      assert.deepEqual([next.data.map((t) => t.id), next.has_more], [[vat.id], false]);
      const back = await ctx.stripe.customers.listTaxIds(c.id, { limit: 1, ending_before: vat.id });
      assert.deepEqual([back.data.map((t) => t.id), back.has_more], [[ein.id], false]);

      const expanded = await ctx.stripe.customers.retrieve(c.id, { expand: ['tax_ids'] });
      assert.ok(!expanded.deleted);
      assert.deepEqual(expanded.tax_ids?.data.map((t) => t.id), [vat.id, ein.id]);

      assert.deepEqual(await ctx.stripe.customers.deleteTaxId(c.id, vat.id), { id: vat.id, object: 'tax_id', deleted: true });
      assert.deepEqual((await ctx.stripe.customers.listTaxIds(c.id)).data.map((t) => t.id), [ein.id]);
      const gone = await stripeError(ctx.stripe.customers.retrieveTaxId(c.id, vat.id));
      assert.deepEqual([gone.statusCode, gone.code, gone.message], [404, 'resource_missing', `No such tax id: '${vat.id}'`]);
    });

    it('a tax id keeps its id across customer updates that name it again, and shows in lists when expanded', async () => {
      const c = await ctx.stripe.customers.create({ email: 'keeps-tax@example.com', tax_id_data: [{ type: 'gb_vat', value: 'GB123456789' }] });
      const [before] = (await ctx.stripe.customers.listTaxIds(c.id)).data;
      await ctx.server.request('POST', `/v1/customers/${c.id}`, { json: { tax_ids: [{ type: 'gb_vat', value: 'GB123456789' }, { type: 'au_abn', value: '12345678912' }] } });
      const after = (await ctx.stripe.customers.listTaxIds(c.id)).data;
      assert.deepEqual(after.map((t) => t.value), ['12345678912', 'GB123456789']);
      assert.equal(after[1]!.id, before!.id);
      const listed = await ctx.stripe.customers.list({ email: 'keeps-tax@example.com', expand: ['data.tax_ids'] });
      assert.equal(listed.data[0]!.tax_ids?.data.length, 2);
      assert.equal((await ctx.stripe.customers.list({ email: 'keeps-tax@example.com' })).data[0]!.tax_ids, undefined);
    });

    it('verification says what Clientele knows: a failed checksum is unverified, a sound number unavailable (no registry)', async () => {
      const c = await ctx.stripe.customers.create({});
      assert.equal((await ctx.stripe.customers.createTaxId(c.id, { type: 'eu_vat', value: 'DE136695976' })).verification?.status, 'unavailable');
      assert.equal((await ctx.stripe.customers.createTaxId(c.id, { type: 'eu_vat', value: 'DE123456789' })).verification?.status, 'unverified');
      assert.equal((await ctx.stripe.customers.createTaxId(c.id, { type: 'eu_vat', value: 'EL123456789' })).country, 'GR');
    });
  });

  describe('errors', () => {
    it('refuses a type outside Stripe’s list, on create, on tax_id_data and on the sub-resource', async () => {
      const c = await ctx.stripe.customers.create({});
      const sub = await stripeError(ctx.stripe.customers.createTaxId(c.id, { type: 'xx_nope' as 'eu_vat', value: 'DE123456789' }));
      assert.deepEqual([sub.statusCode, sub.type, sub.param], [400, 'StripeInvalidRequestError', 'type']);
      assert.match(sub.message, /eu_vat/);
      const form = await ctx.server.request('POST', '/v1/customers', { form: 'tax_id_data[0][type]=xx_nope&tax_id_data[0][value]=DE123456789' });
      assert.equal(form.status, 400, form.text);
      assert.equal(form.body.error.param, 'tax_id_data[0][type]');
      // `unknown` is a type Stripe reports, never one it creates.
      const unknown = await ctx.server.request('POST', `/v1/customers/${c.id}/tax_ids`, { json: { type: 'unknown', value: 'DE123456789' } });
      assert.equal(unknown.status, 400, unknown.text);
    });

    it('refuses a value that cannot be of its type, naming the field, and stores nothing', async () => {
      const c = await ctx.stripe.customers.create({});
      for (const [type, value] of [['eu_vat', 'nope'], ['eu_vat', 'DE12'], ['us_ein', '1'], ['ae_trn', 'nope'], ['eu_vat', 'QQ123456789']] as const) {
        const err = await stripeError(ctx.stripe.customers.createTaxId(c.id, { type, value }));
        assert.deepEqual([err.statusCode, err.code, err.param], [400, 'tax_id_invalid', 'value'], `${type} ${value}`);
        assert.match(err.message, new RegExp(`Invalid value for ${type}`));
      }
      const onCreate = await ctx.server.request('POST', '/v1/customers', { form: 'email=never-stored@example.com&tax_id_data[0][type]=eu_vat&tax_id_data[0][value]=nope' });
      assert.deepEqual([onCreate.status, onCreate.body.error.param, onCreate.body.error.code], [400, 'tax_id_data[0][value]', 'tax_id_invalid']);
      assert.equal((await ctx.stripe.customers.list({ email: 'never-stored@example.com' })).data.length, 0);
      assert.equal((await ctx.stripe.customers.listTaxIds(c.id)).data.length, 0);
    });

    it('refuses the same tax id twice, and 404s for unknown tax ids and customers', async () => {
      const c = await ctx.stripe.customers.create({});
      await ctx.stripe.customers.createTaxId(c.id, { type: 'us_ein', value: '12-3456789' });
      const twice = await stripeError(ctx.stripe.customers.createTaxId(c.id, { type: 'us_ein', value: '12-3456789' }));
      assert.deepEqual([twice.statusCode, twice.code], [400, 'tax_id_already_exists']);
      for (const id of ['txi_00000000000000000', 'nope']) {
        const missing = await stripeError(ctx.stripe.customers.deleteTaxId(c.id, id));
        assert.deepEqual([missing.statusCode, missing.code], [404, 'resource_missing']);
      }
      const noCustomer = await stripeError(ctx.stripe.customers.listTaxIds('cus_00000000000000000'));
      assert.deepEqual([noCustomer.statusCode, noCustomer.param], [404, 'id']);
      await ctx.stripe.customers.del(c.id);
      const deleted = await stripeError(ctx.stripe.customers.createTaxId(c.id, { type: 'us_ein', value: '98-7654321' }));
      assert.equal(deleted.statusCode, 404);
      assert.equal((await stripeError(ctx.stripe.customers.listTaxIds(c.id))).statusCode, 404);
    });
  });

  describe('security', () => {
    it('another tenant, or live mode, never sees nor removes a tax id', async () => {
      const c = await ctx.stripe.customers.create({});
      const vat = await ctx.stripe.customers.createTaxId(c.id, { type: 'eu_vat', value: 'FRAB123456789' });
      const other = await ctx.server.newTenant('Tax other');
      for (const key of [other.keys.test, ctx.server.tenant.keys.live]) {
        const stripe = ctx.server.stripe(key);
        assert.equal((await stripeError(stripe.customers.retrieveTaxId(c.id, vat.id))).statusCode, 404);
        assert.equal((await stripeError(stripe.customers.deleteTaxId(c.id, vat.id))).statusCode, 404);
        assert.equal((await stripeError(stripe.customers.createTaxId(c.id, { type: 'us_ein', value: '12-3456789' }))).statusCode, 404);
      }
      assert.deepEqual((await ctx.stripe.customers.listTaxIds(c.id)).data.map((t) => t.id), [vat.id]);
    });
  });
});
