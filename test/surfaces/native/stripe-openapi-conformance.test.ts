import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { suiteServer } from '../../helpers/server.ts';

/**
 * Every kind of answer the native API gives, checked against Stripe's own OpenAPI schemas
 * (test/fixtures/stripe-openapi/, extracted by scripts/extract-stripe-schemas.mjs; the fixture
 * names its source and API version). Clientele's extension fields are allowed (Stripe's schemas
 * do not close their objects); everything Stripe defines must be there when required and of
 * Stripe's type. `npm run conformance` runs this file alone.
 */

const FIXTURE = new URL('../../fixtures/stripe-openapi/customers-components.json', import.meta.url);
const stripe = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { source: { apiVersion: string }; definitions: Record<string, unknown> };
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ $id: 'stripe', definitions: stripe.definitions });
const validators = new Map<string, ValidateFunction>();

function schemaFor(component: string): ValidateFunction {
  let validate = validators.get(component);
  if (!validate) {
    validate = ajv.getSchema(`stripe#/definitions/${component}`);
    assert.ok(validate, `no component ${component} in the fixture`);
    validators.set(component, validate);
  }
  return validate;
}

/** Why `body` is not Stripe's `component`: each failing JSON pointer with the rule and the value found there; '' when it is. */
function mismatches(component: string, body: unknown): string {
  const validate = schemaFor(component);
  if (validate(body)) return '';
  return (validate.errors ?? [])
    .map((e) => `${e.instancePath || '/'}: ${e.message} (${e.schemaPath}; found ${JSON.stringify(valueAt(body, e.instancePath))?.slice(0, 120)})`)
    .join('\n');
}

function valueAt(body: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined), body);
}

function assertStripe(component: string, res: { status: number; body: unknown; text: string }, status: number, label: string): void {
  assert.equal(res.status, status, `${label}: ${res.text.slice(0, 300)}`);
  const problems = mismatches(component, res.body);
  assert.equal(problems, '', `${label} is not Stripe's ${component} (API ${stripe.source.apiVersion}):\n${problems}`);
}

const FULL = {
  name: 'Jenny Rosen',
  email: 'conformance.full@example.com',
  phone: '+1 415 555 0100',
  description: 'Every parameter',
  balance: -500,
  address: { line1: '510 Townsend St', line2: 'Floor 2', city: 'San Francisco', state: 'CA', postal_code: '94103', country: 'US' },
  shipping: { name: 'Jenny', phone: '+1 415 555 0101', address: { line1: '1 Dock', city: 'Oakland', country: 'US' } },
  metadata: { order_id: '6735' },
  invoice_prefix: 'CONFORM1',
  next_invoice_sequence: 7,
  preferred_locales: ['en', 'fr-FR'],
  tax_exempt: 'reverse',
  invoice_settings: { custom_fields: [{ name: 'PO', value: '1234' }], default_payment_method: 'pm_123', footer: 'Thanks', rendering_options: { amount_tax_display: 'exclude_tax' } },
  tax_id_data: [{ type: 'eu_vat', value: 'DE123456789' }],
};

describe("native answers against Stripe's OpenAPI schemas", () => {
  const ctx = suiteServer();

  it('the validator refuses what Stripe would not print (it can fail)', () => {
    assert.notEqual(mismatches('customer', { id: 'cus_x', object: 'customer', created: 1, livemode: false, tax_ids: [{ type: 'eu_vat', value: 'x' }] }), '');
    assert.notEqual(mismatches('customer', { id: 'cus_x', object: 'customer', livemode: false }), '', 'created is required');
    assert.notEqual(mismatches('error', { error: { message: 'x' } }), '', 'error.type is required');
    assert.equal(mismatches('deleted_customer', { id: 'cus_x', object: 'customer', deleted: true }), '');
  });

  it('customers: create, retrieve (expanded too), update, list, search, delete', async () => {
    const r = ctx.server.request;
    assertStripe('customer', await r('POST', '/v1/customers', { form: '' }), 200, 'an empty create');
    const full = await r('POST', '/v1/customers', { json: { ...FULL, expand: ['tax_ids'] } });
    assertStripe('customer', full, 200, 'a create with every parameter, tax_ids expanded');
    const id = full.body.id as string;
    assertStripe('customer', await r('GET', `/v1/customers/${id}`), 200, 'retrieve');
    assertStripe('customer', await r('GET', `/v1/customers/${id}?expand[]=tax_ids`), 200, 'retrieve with tax_ids');
    assertStripe('customer', await r('POST', `/v1/customers/${id}`, { form: 'name=Renamed&address[city]=Oakland&metadata[order_id]=' }), 200, 'update');
    assertStripe('customer_list', await r('GET', '/v1/customers?limit=3'), 200, 'list');
    assertStripe('customer_list', await r('GET', `/v1/customers?email=conformance.full@example.com&expand[]=data.tax_ids&created[gte]=0`), 200, 'list by e-mail, expanded');
    assertStripe('customer_list', await r('GET', `/v1/customers?limit=1&starting_after=${id}`), 200, 'list after a cursor');
    assertStripe('customer_search_result', await r('GET', `/v1/customers/search?query=${encodeURIComponent('email:"conformance.full@example.com"')}&expand[]=total_count`), 200, 'search');
    assertStripe('deleted_customer', await r('DELETE', `/v1/customers/${id}`), 200, 'delete');
    assertStripe('deleted_customer', await r('GET', `/v1/customers/${id}`), 200, 'retrieve a deleted customer');
  });

  it('tax ids: create, retrieve, list, delete', async () => {
    const r = ctx.server.request;
    const id = (await r('POST', '/v1/customers', { form: 'name=Taxed' })).body.id as string;
    const made = await r('POST', `/v1/customers/${id}/tax_ids`, { form: 'type=eu_vat&value=DE136695976' });
    assertStripe('tax_id', made, 200, 'createTaxId');
    assertStripe('tax_id', await r('GET', `/v1/customers/${id}/tax_ids/${made.body.id}`), 200, 'retrieveTaxId');
    assertStripe('tax_id_list', await r('GET', `/v1/customers/${id}/tax_ids`), 200, 'listTaxIds');
    assertStripe('deleted_tax_id', await r('DELETE', `/v1/customers/${id}/tax_ids/${made.body.id}`), 200, 'deleteTaxId');
  });

  it('errors: 400, 401, 404, 409', async () => {
    const r = ctx.server.request;
    assertStripe('error', await r('POST', '/v1/customers', { form: 'email=not-an-email' }), 400, 'a bad e-mail');
    assertStripe('error', await r('POST', '/v1/customers', { form: 'nope=1' }), 400, 'an unknown parameter');
    assertStripe('error', await r('GET', '/v1/customers', { key: null }), 401, 'no key');
    assertStripe('error', await r('GET', '/v1/customers', { key: 'sk_test_' + 'x'.repeat(40) }), 401, 'a wrong key');
    assertStripe('error', await r('GET', '/v1/customers/cus_00000000000000000'), 404, 'an unknown customer');
    await r('POST', '/v1/customers', { form: 'email=conformance.dup@example.com' });
    assertStripe('error', await r('POST', '/v1/customers', { form: 'email=conformance.dup@example.com' }), 409, 'a taken e-mail');
  });
});
