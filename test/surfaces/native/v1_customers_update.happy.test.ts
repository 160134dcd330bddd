import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { suiteServer } from '../../helpers/server.ts';

describe('POST/PATCH /v1/customers/:id (happy)', () => {
  const ctx = suiteServer();

  let n = 0;
  const full = () =>
    ctx.stripe.customers.create({
      name: 'Ada Lovelace',
      email: `ada${++n}@example.com`,
      phone: '+44 20 0000',
      description: 'Analyst',
      address: { line1: '12 St James Sq', city: 'London', postal_code: 'SW1Y', country: 'GB' },
      shipping: { name: 'Ada', address: { line1: '1 Dock', city: 'London', country: 'GB' } },
      metadata: { a: '1', b: '2' },
      preferred_locales: ['en'],
      invoice_settings: { footer: 'Thanks', default_payment_method: 'pm_1' },
    });

  it('changes only the parameters given', async () => {
    const c = await full();
    const u = await ctx.stripe.customers.update(c.id, { description: 'Mathematician' });
    assert.equal(u.description, 'Mathematician');
    assert.deepEqual({ ...u, description: c.description, updated: undefined }, { ...c, updated: undefined });
    assert.ok((u as unknown as { updated: number }).updated >= (c as unknown as { updated: number }).updated);
  });

  it('unsets a field given as an empty string', async () => {
    const c = await full();
    const u = await ctx.stripe.customers.update(c.id, { phone: '', description: '', name: '' });
    assert.equal(u.phone, null);
    assert.equal(u.description, null);
    assert.equal(u.name, null);
    assert.equal(u.email, c.email);
    const email = await ctx.stripe.customers.update(c.id, { email: '' });
    assert.equal(email.email, null);
  });

  it('merges metadata: new keys add, "" deletes one key, metadata="" clears all', async () => {
    const c = await full();
    const merged = await ctx.stripe.customers.update(c.id, { metadata: { c: '3', a: '' } });
    assert.deepEqual(merged.metadata, { b: '2', c: '3' });
    const cleared = await ctx.stripe.customers.update(c.id, { metadata: '' });
    assert.deepEqual(cleared.metadata, {});
  });

  it('replaces address and shipping whole, and clears them with ""', async () => {
    const c = await full();
    const moved = await ctx.stripe.customers.update(c.id, { address: { city: 'Paris' } });
    assert.deepEqual(moved.address, { city: 'Paris', country: null, line1: null, line2: null, postal_code: null, state: null });
    const shipped = await ctx.stripe.customers.update(c.id, { shipping: { name: 'Bob', address: { country: 'FR' } } });
    assert.deepEqual(shipped.shipping, {
      address: { city: null, country: 'FR', line1: null, line2: null, postal_code: null, state: null },
      name: 'Bob',
      phone: null,
    });
    const gone = await ctx.stripe.customers.update(c.id, { address: '', shipping: '' });
    assert.equal(gone.address, null);
    assert.equal(gone.shipping, null);
  });

  it('merges invoice_settings field by field, as Stripe does', async () => {
    const c = await full();
    const u = await ctx.stripe.customers.update(c.id, { invoice_settings: { custom_fields: [{ name: 'PO', value: '9' }] } });
    assert.deepEqual(u.invoice_settings, {
      custom_fields: [{ name: 'PO', value: '9' }],
      default_payment_method: 'pm_1',
      footer: 'Thanks',
      rendering_options: null,
    });
    const cleared = await ctx.stripe.customers.update(c.id, { invoice_settings: { custom_fields: '' } });
    assert.equal(cleared.invoice_settings.custom_fields, null);
    assert.equal(cleared.invoice_settings.footer, 'Thanks');
  });

  it('resets tax_exempt to none and preferred_locales to [] on ""', async () => {
    const c = await ctx.stripe.customers.create({ tax_exempt: 'exempt', preferred_locales: ['de'] });
    const u = await ctx.stripe.customers.update(c.id, { tax_exempt: '', preferred_locales: '' as unknown as string[] });
    assert.equal(u.tax_exempt, 'none');
    assert.deepEqual(u.preferred_locales, []);
  });

  it('takes PATCH with a JSON body, where null clears', async () => {
    const c = await full();
    const res = await ctx.server.request('PATCH', `/v1/customers/${c.id}`, {
      json: { phone: null, address: null, metadata: { b: null, z: '26' }, name: 'Countess' },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.phone, null);
    assert.equal(res.body.address, null);
    assert.equal(res.body.name, 'Countess');
    assert.deepEqual(res.body.metadata, { a: '1', z: '26' });
    assert.equal(res.body.email, c.email);
  });

  it('returns the customer unchanged for an update with no parameters', async () => {
    const c = await full();
    const u = await ctx.stripe.customers.update(c.id, {});
    assert.deepEqual(u, c);
  });

  it('keeps its own e-mail when re-saved in another case, and may take a deleted customer’s e-mail', async () => {
    const c = await ctx.stripe.customers.create({ email: 'case@example.com' });
    const u = await ctx.stripe.customers.update(c.id, { email: 'CASE@example.com' });
    assert.equal(u.email, 'CASE@example.com');
    const old = await ctx.stripe.customers.create({ email: 'taken@example.com' });
    await ctx.stripe.customers.del(old.id);
    assert.equal((await ctx.stripe.customers.update(c.id, { email: 'taken@example.com' })).email, 'taken@example.com');
  });

  it('replaces tax_ids and contacts as lists, keeping a contact id that is passed back', async () => {
    const created = await ctx.server.request('POST', '/v1/customers', {
      json: { contacts: [{ name: 'A', is_primary: true }, { name: 'B' }], tax_ids: [{ type: 'eu_vat', value: 'FRAB123456789' }], expand: ['tax_ids'] },
    });
    assert.deepEqual(created.body.tax_ids.data.map((t: any) => t.value), ['FRAB123456789']);
    const [a] = created.body.contacts;
    const res = await ctx.server.request('POST', `/v1/customers/${created.body.id}`, {
      json: { contacts: [{ id: a.id, name: 'A2', is_primary: true }], tax_ids: '', expand: ['tax_ids'] },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.contacts, [{ id: a.id, name: 'A2', first_name: null, last_name: null, email: null, phone: null, is_primary: true }]);
    assert.deepEqual(res.body.tax_ids.data, []);
  });

  it('loses no update when clients change different fields concurrently', async () => {
    const c = await ctx.stripe.customers.create({ name: 'start' });
    const fields = ['name', 'description', 'phone', 'external_id', 'website', 'company_name'] as const;
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        fields.map((f) => ctx.server.request('POST', `/v1/customers/${c.id}`, { form: `${f}=${f === 'website' ? 'https%3A%2F%2Fx' : 'v'}${round}` })),
      );
      const now = (await ctx.server.request('GET', `/v1/customers/${c.id}`)).body;
      for (const f of fields) assert.equal(now[f], `${f === 'website' ? 'https://x' : 'v'}${round}`, `${f} in round ${round}`);
    }
    const metadataWriters = Array.from({ length: 20 }, (_, i) => ctx.stripe.customers.update(c.id, { metadata: { [`k${i}`]: String(i) } }));
    await Promise.all(metadataWriters);
    assert.equal(Object.keys((await ctx.stripe.customers.retrieve(c.id) as Stripe.Customer).metadata).length, 20);
  });
});
