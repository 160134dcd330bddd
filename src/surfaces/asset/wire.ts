import type { Address, Customer, CustomerPatch } from '../../domain/customers/model.ts';
import type { FieldPath } from '../../domain/errors.ts';
import { isCanonicalId } from '../../domain/ids.ts';
import type { AddressInput, CreateCustomerBody, UpdateCustomerBody } from './schemas.ts';
import { fromPrefixed, tenantIdFromWire, tenantIdToWire, toPrefixed } from '../../formats/ids.ts';

/** Asset's wire format ⇄ the domain model. Nothing else lives here. */

const CUSTOMER_PREFIX = 'cus';

/** `cus_…`: Asset's `string<cus_string>`, the same rendering the native API uses. */
export function customerIdToWire(id: string): string {
  return toPrefixed(CUSTOMER_PREFIX, id);
}

/** The canonical id for a `cus_…` id, or null when it cannot name any customer. */
export function customerIdFromWire(text: string): string | null {
  return fromPrefixed(CUSTOMER_PREFIX, text);
}

/** An id as the caller should see it: canonical ids rendered `cus_…`, anything else as given. */
export function shownCustomerId(id: string): string {
  return isCanonicalId(id) ? customerIdToWire(id) : id;
}

/** `biz_…`: Asset's `string<biz_string>` is the tenant's wire id. */
export function businessIdFromWire(text: string): string | null {
  return tenantIdFromWire(text);
}

export function businessIdToWire(id: string): string {
  return tenantIdToWire(id);
}

function addressFromWire(a: AddressInput | null | undefined): Address | null | undefined {
  if (a === undefined || a === null) return a;
  return {
    line1: a.street_1 ?? null,
    line2: a.street_2 ?? null,
    city: a.city ?? null,
    state: a.state ?? null,
    postal_code: a.postal_code ?? null,
    country: a.country ?? null,
  };
}

function addressToWire(a: Address | null) {
  return a && { street_1: a.line1, city: a.city, state: a.state, postal_code: a.postal_code, country: a.country, street_2: a.line2 };
}

/**
 * A create body as a domain patch. Asset's shipping address has no recipient name: the domain's
 * `shipping.name` is set to the customer's name.
 */
export function createPatchFromWire(body: CreateCustomerBody): CustomerPatch {
  const patch = commonPatch(body);
  patch.name = body.name;
  if (body.external_id !== undefined) patch.external_id = body.external_id;
  const shipping = addressFromWire(body.shipping_address);
  if (shipping !== undefined) patch.shipping = shipping && { name: body.name, phone: null, address: shipping };
  return patch;
}

/**
 * An update body as a domain patch. `name: null` leaves the name as it is (a name is required on
 * create). A new shipping address keeps the recipient name and phone the customer's shipping
 * already has (set natively, say), or else takes the customer's name; so `current` is needed
 * whenever `shipping_address` is given.
 */
export function updatePatchFromWire(body: UpdateCustomerBody, current: Customer | null): CustomerPatch {
  const patch = commonPatch(body);
  if (body.name !== undefined && body.name !== null) patch.name = body.name;
  if (body.external_id !== undefined) patch.external_id = body.external_id;
  const shipping = addressFromWire(body.shipping_address);
  if (shipping !== undefined) {
    patch.shipping = shipping && {
      name: current?.shipping?.name ?? patch.name ?? current?.name ?? null,
      phone: current?.shipping?.phone ?? null,
      address: shipping,
    };
  }
  return patch;
}

function commonPatch(body: CreateCustomerBody | UpdateCustomerBody): CustomerPatch {
  const patch: CustomerPatch = {};
  if (body.email !== undefined) patch.email = body.email;
  if (body.phone_number !== undefined) patch.phone = body.phone_number;
  const billing = addressFromWire(body.billing_address);
  if (billing !== undefined) patch.address = billing;
  return patch;
}

/** The customer as Asset prints it: exactly the fields of Asset's Customer object, in its order. */
export function customerToWire(c: Customer) {
  return {
    name: c.name,
    id: customerIdToWire(c.id),
    external_id: c.external_id,
    email: c.email,
    billing_address: addressToWire(c.address),
    shipping_address: addressToWire(c.shipping?.address ?? null),
    phone_number: c.phone,
  };
}

const ADDRESS_FIELDS: Readonly<Record<string, string>> = { line1: 'street_1', line2: 'street_2' };

/** A domain field path in Asset's notation: `['address', 'line1']` → `['billing_address', 'street_1']`. */
export function pathToWire(path: FieldPath): (string | number)[] {
  const [head, ...rest] = path;
  const address = (parts: FieldPath) => parts.map((p) => (typeof p === 'string' ? (ADDRESS_FIELDS[p] ?? p) : p));
  switch (head) {
    case 'address':
      return ['billing_address', ...address(rest)];
    case 'phone':
      return ['phone_number', ...rest];
    case 'shipping': {
      const [sub, ...more] = rest;
      if (sub === 'address') return ['shipping_address', ...address(more)];
      // The recipient name is the customer's name; a shipping phone has no Asset field.
      return sub === 'name' ? ['name'] : ['shipping_address'];
    }
    default:
      return [...path];
  }
}

// ---- page tokens ----

export type PageDirection = 'next' | 'previous';

/**
 * Page tokens are opaque to clients: base64url of the direction and the canonical id of the
 * customer at the page boundary. `next`: customers older than it; `previous`: newer than it.
 */
export function encodePageToken(direction: PageDirection, customerId: string): string {
  return Buffer.from(`${direction === 'next' ? 'n' : 'p'}.${customerId}`, 'utf8').toString('base64url');
}

/** The direction and boundary id in a page token, or null when the text is not one of ours. */
export function decodePageToken(token: string): { direction: PageDirection; id: string } | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const match = /^([np])\.([0-9a-f]{24})$/.exec(text);
  if (!match || !match[1] || !match[2]) return null;
  // Only the canonical encoding: a token is one string, not any that decodes alike.
  if (Buffer.from(text, 'utf8').toString('base64url') !== token) return null;
  return { direction: match[1] === 'n' ? 'next' : 'previous', id: match[2] };
}
