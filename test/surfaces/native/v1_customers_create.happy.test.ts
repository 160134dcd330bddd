import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../../helpers/server.ts';

/** Every field of Stripe's customer object, in Stripe's order, then Clientele's extension fields. */
const STRIPE_KEYS = [
  'id', 'object', 'address', 'balance', 'created', 'currency', 'default_source', 'delinquent', 'description',
  'discount', 'email', 'invoice_prefix', 'invoice_settings', 'livemode', 'metadata', 'name', 'next_invoice_sequence',
  'phone', 'preferred_locales', 'shipping', 'tax_exempt', 'test_clock',
];
const EXTENSION_KEYS = [
  'billing_email', 'company_name', 'contacts', 'default_payment_method', 'external_id', 'seller_id', 'status',
  'stripe_customer_id', 'updated', 'website',
];

describe('POST /v1/customers (happy)', () => {
  let server: TestServer;
  before(async () => (server = await startServer()));
  after(async () => server.close());

  it('creates an empty customer printed exactly as Stripe prints one', async () => {
    const before = Math.floor(Date.now() / 1000);
    const c = await server.stripe().customers.create();
    assert.deepEqual(Object.keys(c), [...STRIPE_KEYS, ...EXTENSION_KEYS]);
    assert.match(c.id, /^cus_[0-9A-Za-z]{17}$/);
    assert.equal(c.object, 'customer');
    assert.ok(c.created >= before && c.created <= before + 2);
    assert.deepEqual(
      { ...c, id: undefined, created: undefined, invoice_prefix: undefined, updated: undefined },
      {
        id: undefined,
        object: 'customer',
        address: null,
        balance: 0,
        created: undefined,
        currency: null,
        default_source: null,
        delinquent: false,
        description: null,
        discount: null,
        email: null,
        invoice_prefix: undefined,
        invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
        livemode: false,
        metadata: {},
        name: null,
        next_invoice_sequence: 1,
        phone: null,
        preferred_locales: [],
        shipping: null,
        tax_exempt: 'none',
        test_clock: null,
        billing_email: null,
        company_name: null,
        contacts: [],
        default_payment_method: null,
        external_id: null,
        seller_id: null,
        status: 'active',
        stripe_customer_id: null,
        updated: undefined,
        website: null,
      },
    );
    assert.match(c.invoice_prefix!, /^[0-9A-F]{8}$/);
  });

  it('stores every Stripe parameter the SDK sends', async () => {
    const stripe = server.stripe();
    const c = await stripe.customers.create({
      name: 'Jenny Rosen',
      email: 'jenny.rosen@example.com',
      phone: '+1 415 555 0100',
      description: 'First customer',
      balance: -500,
      address: { line1: '510 Townsend St', line2: 'Floor 2', city: 'San Francisco', state: 'CA', postal_code: '94103', country: 'US' },
      shipping: { name: 'Jenny', phone: '+1 415 555 0101', address: { line1: '1 Dock', city: 'Oakland', country: 'us' } },
      metadata: { order_id: '6735', plan: 'pro' },
      invoice_prefix: 'JENNY01',
      next_invoice_sequence: 42,
      preferred_locales: ['en', 'fr-FR'],
      tax_exempt: 'reverse',
      invoice_settings: {
        custom_fields: [{ name: 'PO', value: '1234' }],
        default_payment_method: 'pm_123',
        footer: 'Thanks',
        rendering_options: { amount_tax_display: 'exclude_tax' },
      },
      tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }],
      business_name: 'Rosen GmbH',
      individual_name: 'Jenny Rosen',
      expand: ['default_source', 'tax_ids'],
    });
    assert.equal(c.name, 'Jenny Rosen');
    assert.equal(c.email, 'jenny.rosen@example.com');
    assert.equal(c.phone, '+1 415 555 0100');
    assert.equal(c.description, 'First customer');
    assert.equal(c.balance, -500);
    assert.deepEqual(c.address, { city: 'San Francisco', country: 'US', line1: '510 Townsend St', line2: 'Floor 2', postal_code: '94103', state: 'CA' });
    assert.deepEqual(c.shipping, {
      address: { city: 'Oakland', country: 'US', line1: '1 Dock', line2: null, postal_code: null, state: null },
      name: 'Jenny',
      phone: '+1 415 555 0101',
    });
    assert.deepEqual(c.metadata, { order_id: '6735', plan: 'pro' });
    assert.equal(c.invoice_prefix, 'JENNY01');
    assert.equal(c.next_invoice_sequence, 42);
    assert.deepEqual(c.preferred_locales, ['en', 'fr-FR']);
    assert.equal(c.tax_exempt, 'reverse');
    assert.deepEqual(c.invoice_settings, {
      custom_fields: [{ name: 'PO', value: '1234' }],
      default_payment_method: 'pm_123',
      footer: 'Thanks',
      rendering_options: { amount_tax_display: 'exclude_tax', template: null },
    });
    const ext = c as unknown as Record<string, unknown>;
    // Stripe's tax_id objects, in a list, only when expanded.
    const taxIds = c.tax_ids!;
    assert.equal(taxIds.object, 'list');
    assert.equal(taxIds.url, `/v1/customers/${c.id}/tax_ids`);
    assert.equal(taxIds.data.length, 1);
    const [taxId] = taxIds.data;
    assert.match(taxId!.id, /^txi_[0-9A-Za-z]{17}$/);
    assert.deepEqual({ ...taxId, id: undefined }, {
      id: undefined, object: 'tax_id', country: 'DE', created: c.created, customer: c.id, customer_account: null, livemode: false,
      owner: { customer: c.id, customer_account: null, type: 'customer' }, type: 'eu_vat', value: 'DE123456789',
      verification: { status: 'unverified', verified_address: null, verified_name: null },
    });
    assert.equal(ext.business_name, 'Rosen GmbH');
    assert.equal(ext.company_name, 'Rosen GmbH');
    assert.equal(ext.individual_name, 'Jenny Rosen');
    assert.equal(ext.default_payment_method, 'pm_123');

    const again = await stripe.customers.retrieve(c.id, { expand: ['tax_ids'] });
    assert.deepEqual(again, c);
    assert.equal('tax_ids' in (await stripe.customers.retrieve(c.id)), false, 'absent unless expanded');
  });

  it('stores the extension fields the vendor surfaces need', async () => {
    const res = await server.request('POST', '/v1/customers', {
      form: new URLSearchParams({
        name: 'Acme',
        external_id: 'crm-42',
        company_name: 'Acme Inc.',
        billing_email: 'billing@acme.example',
        website: 'https://acme.example',
        status: 'inactive',
        'tax_ids[0][type]': 'us_ein',
        'tax_ids[0][value]': '12-3456789',
        'contacts[0][name]': 'Wile E.',
        'contacts[0][email]': 'wile@acme.example',
        'contacts[0][is_primary]': 'true',
        'contacts[1][name]': 'Road Runner',
        'contacts[1][first_name]': 'Road',
        'contacts[1][last_name]': 'Runner',
        default_payment_method: 'pm_abc',
        seller_id: 'seller_1',
        stripe_customer_id: 'cus_external',
      }).toString(),
    });
    assert.equal(res.status, 200, res.text);
    const c = res.body;
    assert.equal(c.external_id, 'crm-42');
    assert.equal(c.company_name, 'Acme Inc.');
    assert.equal(c.billing_email, 'billing@acme.example');
    assert.equal(c.website, 'https://acme.example');
    assert.equal(c.status, 'inactive');
    const taxIds = (await server.request('GET', `/v1/customers/${c.id}/tax_ids`)).body.data;
    assert.deepEqual(taxIds.map(({ type, value }: { type: string; value: string }) => ({ type, value })), [{ type: 'us_ein', value: '12-3456789' }]);
    assert.equal(c.contacts.length, 2);
    assert.match(c.contacts[0].id, /^cont_[0-9A-Za-z]{17}$/);
    assert.deepEqual({ ...c.contacts[0], id: undefined }, { id: undefined, name: 'Wile E.', first_name: null, last_name: null, email: 'wile@acme.example', phone: null, is_primary: true });
    assert.equal(c.contacts[1].is_primary, false);
    assert.deepEqual([c.contacts[1].first_name, c.contacts[1].last_name], ['Road', 'Runner']);
    assert.equal(c.default_payment_method, 'pm_abc');
    assert.equal(c.invoice_settings.default_payment_method, 'pm_abc');
    assert.equal(c.seller_id, 'seller_1');
    assert.equal(c.stripe_customer_id, 'cus_external');
    assert.equal(typeof c.updated, 'number');
  });

  it('accepts JSON bodies as well as form bodies', async () => {
    const res = await server.request('POST', '/v1/customers', {
      json: { name: 'Json', email: 'json@example.com', metadata: { a: '1' }, address: { city: 'Berlin', country: 'DE' }, balance: 7 },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.name, 'Json');
    assert.equal(res.body.balance, 7);
    assert.deepEqual(res.body.metadata, { a: '1' });
    assert.equal(res.body.address.city, 'Berlin');
  });

  it('marks live-mode customers livemode: true and test-mode ones false', async () => {
    const live = await server.stripe(server.tenant.keys.live).customers.create({ name: 'Live' });
    const test = await server.stripe().customers.create({ name: 'Test' });
    assert.equal(live.livemode, true);
    assert.equal(test.livemode, false);
  });

  it('gives ids that sort in creation order', async () => {
    const stripe = server.stripe();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await stripe.customers.create({ name: `n${i}` })).id);
    assert.deepEqual([...ids].sort(), ids);
  });

  it('answers every response with a Request-Id', async () => {
    const res = await server.request('POST', '/v1/customers', { form: 'name=x' });
    assert.match(res.headers.get('request-id') ?? '', /^req_[0-9A-Za-z]+$/);
  });
});
