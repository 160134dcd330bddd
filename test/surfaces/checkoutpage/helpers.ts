import assert from 'node:assert/strict';
import type { TestServer } from '../../helpers/server.ts';
import { fromPrefixed, toPrefixed } from '../../../src/formats/ids.ts';

/** Where a client's `https://api.checkoutpage.com/v1` goes. */
export const CP = '/checkoutpage/v1';

/** The fields of CheckoutPage's customer, in the order of its page. */
export const CUSTOMER_FIELDS = [
  'id', 'name', 'companyName', 'email', 'phone', 'billingEmail', 'address', 'shipping',
  'taxId', 'taxIdType', 'sellerId', 'stripeCustomerId', 'createdAt', 'updatedAt',
];
export const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'state', 'postalCode', 'country'];
export const SHIPPING_FIELDS = ['name', 'phone', 'address'];

/** `2019-08-24T14:15:22Z`, as the page's example. */
export const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export const UNAUTHORIZED = { error: 'Unauthorized', message: 'Missing or invalid API key' };

/** The canonical id CheckoutPage prints for a native `cus_…` id, and back. */
export const hexId = (nativeId: string): string => fromPrefixed('cus', nativeId) ?? assert.fail(`not a customer id: ${nativeId}`);
export const nativeId = (hex: string): string => toPrefixed('cus', hex);

/**
 * Customers appear in CheckoutPage through checkouts; here they are made through the native API.
 * Returns the CheckoutPage id.
 */
export async function createCustomer(server: TestServer, params: Record<string, unknown> = {}, key?: string): Promise<string> {
  const res = await server.request('POST', '/v1/customers', { json: params, ...(key ? { key } : {}) });
  assert.equal(res.status, 200, res.text);
  return hexId(res.body.id);
}

let made = 0;

/** Native parameters setting every CheckoutPage field; the e-mail is new on every call (e-mails are unique). */
export const fullNative = () => ({
  name: 'Jenny Rosen',
  company_name: 'Rosen GmbH',
  email: `jenny${++made}@example.com`,
  phone: '+49 30 1234567',
  billing_email: 'billing@rosen.example',
  address: { line1: 'Unter den Linden 1', line2: 'Hof 2', city: 'Berlin', state: 'BE', postal_code: '10117', country: 'DE' },
  shipping: {
    name: 'Rosen Warehouse',
    phone: '+49 30 7654321',
    address: { line1: 'Lagerweg 5', line2: 'Tor 3', city: 'Potsdam', state: 'BB', postal_code: '14467', country: 'DE' },
  },
  tax_ids: [{ type: 'eu_vat', value: 'DE123456789' }],
  seller_id: 'seller_42',
  stripe_customer_id: 'cus_StripeAbc123',
});

/** Asserts CheckoutPage's error body exactly: `{status, type, message, errors: [{param, message, value}]}`. */
export function assertErrorBody(body: any, message: string): void {
  assert.deepEqual(Object.keys(body), ['status', 'type', 'message', 'errors'], JSON.stringify(body));
  assert.equal(body.status, 'error');
  assert.equal(body.type, 'error');
  assert.equal(body.message, message);
  assert.ok(Array.isArray(body.errors), 'errors is an array');
  for (const e of body.errors) {
    assert.deepEqual(Object.keys(e), ['param', 'message', 'value'], JSON.stringify(e));
    assert.equal(typeof e.param, 'string');
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.length > 0);
  }
}

/** The entry of `errors` naming `param`, failing if there is none. */
export function errorFor(body: any, param: string): { param: string; message: string; value: unknown } {
  const found = (body?.errors ?? []).find((e: { param: string }) => e.param === param);
  return found ?? assert.fail(`no error for ${param} in ${JSON.stringify(body)}`);
}

/** The params named by `errors`, sorted. */
export const paramsOf = (body: any): string[] => (body.errors as { param: string }[]).map((e) => e.param).sort();
