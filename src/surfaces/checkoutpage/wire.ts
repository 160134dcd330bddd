import type { Static } from 'typebox';
import type { Address, Customer, CustomerPatch, Shipping, TaxId, TaxIdInput } from '../../domain/customers/model.ts';
import { ValidationError, type FieldPath } from '../../domain/errors.ts';
import { isCanonicalId } from '../../domain/ids.ts';
import type { Page } from '../../domain/store-port.ts';
import type { AddressParam, CustomerListResponse, CustomerObject, CustomerResponse, ShippingParam, UpdateCustomerBody } from './schemas.ts';

/**
 * CheckoutPage's wire format ⇄ the domain model. Nothing else lives here.
 *
 * - ids are the domain's canonical id (24 hex characters, printed in lower case); the docs' pattern
 *   `^[0-9a-fA-F]{24}$` lets a client send either case, so an upper-case id names the same customer;
 * - companyName ⇄ company_name, billingEmail ⇄ billing_email, sellerId ⇄ seller_id,
 *   stripeCustomerId ⇄ stripe_customer_id, address.postalCode ⇄ address.postal_code;
 * - taxId / taxIdType ⇄ the first entry of tax_ids ({value, type}); further entries (which only
 *   the native API can add) are kept as they are;
 * - createdAt / updatedAt: ISO 8601 in UTC to the second, as CheckoutPage's example prints them.
 */

const FIELD_TO_WIRE: Readonly<Record<string, string>> = {
  company_name: 'companyName',
  billing_email: 'billingEmail',
  seller_id: 'sellerId',
  stripe_customer_id: 'stripeCustomerId',
  postal_code: 'postalCode',
  created: 'createdAt',
  updated: 'updatedAt',
};

/** The canonical id a CheckoutPage id names (the canonical id, in either case); null when it names none. */
export function idFromWire(text: string): string | null {
  const id = text.toLowerCase();
  return isCanonicalId(id) ? id : null;
}

/** A domain field path in CheckoutPage's notation: `['shipping', 'address', 'postal_code']` → `shipping.address.postalCode`. */
export function pathToWire(path: FieldPath): string {
  const [head, ...rest] = path;
  if (head === 'tax_ids') return rest[1] === 'type' ? 'taxIdType' : 'taxId';
  return path.map((segment) => (typeof segment === 'string' ? (FIELD_TO_WIRE[segment] ?? segment) : String(segment))).join('.');
}

/** Unix seconds → `2019-08-24T14:15:22Z`. */
export function timestampToWire(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function addressToWire(address: Address | null): CustomerObject['address'] {
  if (address === null) return null;
  return { line1: address.line1, line2: address.line2, city: address.city, state: address.state, postalCode: address.postal_code, country: address.country };
}

function shippingToWire(shipping: Shipping | null): CustomerObject['shipping'] {
  if (shipping === null) return null;
  return { name: shipping.name, phone: shipping.phone, address: addressToWire(shipping.address) };
}

/** The customer as CheckoutPage prints it, in the order of its pages; unset fields are null. */
export function customerToWire(customer: Customer): CustomerObject {
  const taxId: TaxId | undefined = customer.tax_ids[0];
  return {
    id: customer.id,
    name: customer.name,
    companyName: customer.company_name,
    email: customer.email,
    phone: customer.phone,
    billingEmail: customer.billing_email,
    address: addressToWire(customer.address),
    shipping: shippingToWire(customer.shipping),
    taxId: taxId?.value ?? null,
    taxIdType: taxId?.type ?? null,
    sellerId: customer.seller_id,
    stripeCustomerId: customer.stripe_customer_id,
    createdAt: timestampToWire(customer.created),
    updatedAt: timestampToWire(Math.floor(customer.updated / 1000)),
  };
}

/** `{data: customer}`: the answer of retrieve and update. */
export function customerResponse(customer: Customer): Static<typeof CustomerResponse> {
  return { data: customerToWire(customer) };
}

/** `{data, total, has_more}`: a page of the list, `total` counting every match across pages. */
export function customerListResponse(page: Page<Customer>): Static<typeof CustomerListResponse> {
  return { data: page.data.map(customerToWire), total: page.total ?? 0, has_more: page.hasMore };
}

/** A replaced address: every sub-field not sent is cleared. */
function addressFromWire(address: AddressParam | null | undefined): Address | null {
  if (address === null || address === undefined) return null;
  return {
    line1: address.line1 ?? null,
    line2: address.line2 ?? null,
    city: address.city ?? null,
    state: address.state ?? null,
    postal_code: address.postalCode ?? null,
    country: address.country ?? null,
  };
}

function shippingFromWire(shipping: ShippingParam | null): Shipping | null {
  if (shipping === null) return null;
  return { name: shipping.name ?? null, phone: shipping.phone ?? null, address: addressFromWire(shipping.address) };
}

/** True when the body changes the tax id, which is merged with the customer's current one. */
export function touchesTaxId(body: UpdateCustomerBody): boolean {
  return body.taxId !== undefined || body.taxIdType !== undefined;
}

/** `""` clears, like `null`. */
function emptied(value: string | null | undefined): string | null | undefined {
  return value === '' ? null : value;
}

/**
 * The new tax_ids for a body that names taxId or taxIdType, given the current ones. The pair is
 * CheckoutPage's view of the first entry:
 * - both strings: the first entry becomes {type, value};
 * - one string: it replaces its half of the first entry, the other half is kept; with no tax
 *   id yet, both are needed (the domain stores no half tax id);
 * - null (or "") for one or both: the first entry is removed; a string beside a null is refused.
 */
function taxIdsFromWire(body: UpdateCustomerBody, current: readonly TaxId[]): TaxIdInput[] {
  const value = emptied(body.taxId);
  const type = emptied(body.taxIdType);
  const [first, ...rest] = current;
  if (value === null || type === null) {
    if (typeof value === 'string') {
      throw new ValidationError(['tax_ids', 0, 'type'], 'taxIdType cannot be cleared while taxId is set: send both as null to remove the tax id.');
    }
    if (typeof type === 'string') {
      throw new ValidationError(['tax_ids', 0, 'value'], 'taxId cannot be cleared while taxIdType is set: send both as null to remove the tax id.');
    }
    return first ? rest : [...current];
  }
  const nextValue = value ?? first?.value;
  const nextType = type ?? first?.type;
  if (nextValue === undefined) {
    throw new ValidationError(['tax_ids', 0, 'value'], 'This customer has no tax id: send taxId along with taxIdType.', 'parameter_missing');
  }
  if (nextType === undefined) {
    throw new ValidationError(['tax_ids', 0, 'type'], 'This customer has no tax id: send taxIdType along with taxId.', 'parameter_missing');
  }
  return [{ type: nextType, value: nextValue }, ...rest];
}

/**
 * A PATCH body as a domain patch: only the fields given; `null` (or `""`) clears a field;
 * address and shipping are replaced in full. `current` is needed when the body names taxId or
 * taxIdType (see touchesTaxId).
 */
export function patchFromWire(body: UpdateCustomerBody, current: Customer | null): CustomerPatch {
  const patch: CustomerPatch = {};
  if (body.name !== undefined) patch.name = body.name;
  if (body.companyName !== undefined) patch.company_name = body.companyName;
  if (body.email !== undefined) patch.email = body.email;
  if (body.phone !== undefined) patch.phone = body.phone;
  if (body.billingEmail !== undefined) patch.billing_email = body.billingEmail;
  if (body.address !== undefined) patch.address = addressFromWire(body.address);
  if (body.shipping !== undefined) patch.shipping = shippingFromWire(body.shipping);
  if (touchesTaxId(body)) {
    if (!current) throw new Error('patchFromWire: the current customer is needed to change the tax id');
    patch.tax_ids = taxIdsFromWire(body, current.tax_ids);
  }
  return patch;
}
