import type { ClientCredentials } from '../../../src/domain/tenants/tenant-service.ts';
import type { TestServer, TestTenant } from '../../helpers/server.ts';

/** Where a client's `https://api.sandbox.getasset.com/v0` goes. */
export const ASSET = '/asset/v0';

/** The seven fields of Asset's Customer object, in the order of its pages. */
export const CUSTOMER_FIELDS = ['name', 'id', 'external_id', 'email', 'billing_address', 'shipping_address', 'phone_number'];
/** The six fields of Asset's Address object, in the order of its pages. */
export const ADDRESS_FIELDS = ['street_1', 'city', 'state', 'postal_code', 'country', 'street_2'];

/** An access token for the client, by the form-encoded grant Asset documents. */
export async function tokenFor(server: TestServer, tenant: TestTenant, credentials: ClientCredentials = tenant.clients.test, expiresIn?: number): Promise<string> {
  const form = new URLSearchParams({
    client_id: credentials.client_id,
    client_secret: credentials.client_secret,
    grant_type: 'client_credentials',
    business_id: tenant.wireId,
    ...(expiresIn !== undefined ? { expires_in: String(expiresIn) } : {}),
  });
  const res = await server.request('POST', `${ASSET}/auth/token`, { key: null, form: form.toString() });
  if (res.status !== 200) throw new Error(`token grant failed: ${res.status} ${res.text}`);
  return res.body.access_token as string;
}

export function customersPath(tenant: TestTenant | string): string {
  return `${ASSET}/business/${typeof tenant === 'string' ? tenant : tenant.wireId}/customers`;
}

/** An e-mail address of exactly `length` characters (64-character local part). */
export function emailOfLength(length: number, letter = 'a'): string {
  const local = letter.repeat(64);
  let domain = 'com';
  while (local.length + 1 + domain.length < length) {
    const room = length - (local.length + 1 + domain.length) - 1;
    domain = 'x'.repeat(Math.max(1, Math.min(63, room))) + '.' + domain;
  }
  const email = `${local}@${domain}`;
  if (email.length !== length) throw new Error(`cannot build an e-mail of ${length} characters`);
  return email;
}

/** A full Address object with every field set. */
export function fullAddress(tag: string, country = 'US') {
  return { street_1: `1 ${tag} St`, city: `${tag} City`, state: 'CA', postal_code: '94105', country, street_2: `Suite ${tag}` };
}
