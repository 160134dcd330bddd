import type { Static } from 'typebox';
import type { Address, Customer, CustomerPatch } from '../../domain/customers/model.ts';
import type { FieldPath } from '../../domain/errors.ts';
import { isCanonicalId } from '../../domain/ids.ts';
import { fromPrefixed, tenantIdFromWire, toPrefixed } from '../../formats/ids.ts';
import { customerIdParam } from '../shared/request-scope.ts';
import type { AddressParam, CreateCustomerBody, CustomerObject, UpdateCustomerBody } from './schemas.ts';

/** Asset's wire format ⇄ the domain model. */

const CUSTOMER_PREFIX = 'cus';

/** `cus_…`: Asset's `string<cus_string>`, the same rendering the native API uses. */
export function customerIdToWire(id: string): string {
  return toPrefixed(CUSTOMER_PREFIX, id);
}

/** The canonical id for a `cus_…` id, or null when it cannot name any customer. */
export function customerIdFromWire(text: string): string | null {
  return fromPrefixed(CUSTOMER_PREFIX, text);
}

/** The canonical id behind the `customer_id` path parameter; an id that cannot exist is simply not found. */
export function customerIdIn(text: string): string {
  return customerIdParam(customerIdFromWire, text, 'customer_id');
}

/** An id as the caller should see it: canonical ids rendered `cus_…`, anything else as given. */
export function shownCustomerId(id: string): string {
  return isCanonicalId(id) ? customerIdToWire(id) : id;
}

/** `biz_…`: Asset's `string<biz_string>` is the tenant's wire id. */
export function businessIdFromWire(text: string): string | null {
  return tenantIdFromWire(text);
}

type AddressObject = Static<typeof CustomerObject>['billing_address'];

function addressFromWire(address: AddressParam | null | undefined): Address | null | undefined {
  if (address === undefined || address === null) return address;
  return {
    line1: address.street_1 ?? null,
    line2: address.street_2 ?? null,
    city: address.city ?? null,
    state: address.state ?? null,
    postal_code: address.postal_code ?? null,
    country: address.country ?? null,
  };
}

function addressToWire(address: Address | null): AddressObject {
  return (
    address && {
      street_1: address.line1,
      city: address.city,
      state: address.state,
      postal_code: address.postal_code,
      country: address.country,
      street_2: address.line2,
    }
  );
}

/**
 * A create body as a domain patch. Asset's shipping address has no recipient name: the domain's
 * `shipping.name` is set to the customer's name.
 */
export function createPatchFromWire(body: CreateCustomerBody): CustomerPatch {
  const patch = patchOfBoth(body);
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
  const patch = patchOfBoth(body);
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

function patchOfBoth(body: CreateCustomerBody | UpdateCustomerBody): CustomerPatch {
  const patch: CustomerPatch = {};
  if (body.email !== undefined) patch.email = body.email;
  if (body.phone_number !== undefined) patch.phone = body.phone_number;
  const billing = addressFromWire(body.billing_address);
  if (billing !== undefined) patch.address = billing;
  return patch;
}

/** The customer as Asset prints it: exactly the fields of Asset's Customer object, in its order. */
export function customerToWire(customer: Customer): Static<typeof CustomerObject> {
  return {
    name: customer.name,
    id: customerIdToWire(customer.id),
    external_id: customer.external_id,
    email: customer.email,
    billing_address: addressToWire(customer.address),
    shipping_address: addressToWire(customer.shipping?.address ?? null),
    phone_number: customer.phone,
  };
}

const ADDRESS_FIELDS: Readonly<Record<string, string>> = { line1: 'street_1', line2: 'street_2' };

/** A domain field path in Asset's notation: `['address', 'line1']` → `['billing_address', 'street_1']`. */
export function pathToWire(path: FieldPath): (string | number)[] {
  const [head, ...rest] = path;
  const address = (parts: FieldPath) => parts.map((part) => (typeof part === 'string' ? (ADDRESS_FIELDS[part] ?? part) : part));
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
