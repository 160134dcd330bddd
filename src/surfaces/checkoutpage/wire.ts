import type { Address, Customer, CustomerPatch, Shipping, TaxId } from '../../domain/customers/model.ts';
import { ValidationError, type FieldPath } from '../../domain/errors.ts';
import type { AddressParam, CustomerObject, ShippingParam, UpdateCustomerBody } from './schemas.ts';

/**
 * CheckoutPage's wire format ⇄ the domain model. Nothing else lives here.
 *
 * - ids are the domain's canonical id as is (24 lower-case hex characters);
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

/** A domain field path in CheckoutPage's notation: `['shipping', 'address', 'postal_code']` → `shipping.address.postalCode`. */
export function pathToWire(path: FieldPath): string {
  const [head, ...rest] = path;
  if (head === 'tax_ids') return rest[1] === 'type' ? 'taxIdType' : 'taxId';
  return path.map((p) => (typeof p === 'string' ? (FIELD_TO_WIRE[p] ?? p) : String(p))).join('.');
}

/** Unix seconds → `2019-08-24T14:15:22Z`. */
export function timestampToWire(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function addressToWire(a: Address | null) {
  return a && { line1: a.line1, line2: a.line2, city: a.city, state: a.state, postalCode: a.postal_code, country: a.country };
}

/** The customer as CheckoutPage prints it, in the order of its pages; unset fields are null. */
export function customerToWire(c: Customer): CustomerObject {
  const taxId: TaxId | undefined = c.tax_ids[0];
  return {
    id: c.id,
    name: c.name,
    companyName: c.company_name,
    email: c.email,
    phone: c.phone,
    billingEmail: c.billing_email,
    address: addressToWire(c.address),
    shipping: c.shipping && { name: c.shipping.name, phone: c.shipping.phone, address: addressToWire(c.shipping.address) },
    taxId: taxId?.value ?? null,
    taxIdType: taxId?.type ?? null,
    sellerId: c.seller_id,
    stripeCustomerId: c.stripe_customer_id,
    createdAt: timestampToWire(c.created),
    updatedAt: timestampToWire(Math.floor(c.updated / 1000)),
  };
}

/** A replaced address: every sub-field not sent is cleared. */
function addressFromWire(a: AddressParam | null | undefined): Address | null {
  if (a === null || a === undefined) return null;
  return {
    line1: a.line1 ?? null,
    line2: a.line2 ?? null,
    city: a.city ?? null,
    state: a.state ?? null,
    postal_code: a.postalCode ?? null,
    country: a.country ?? null,
  };
}

function shippingFromWire(s: ShippingParam | null): Shipping | null {
  if (s === null) return null;
  return { name: s.name ?? null, phone: s.phone ?? null, address: addressFromWire(s.address) };
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
function taxIdsFromWire(body: UpdateCustomerBody, current: readonly TaxId[]): TaxId[] {
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
