import type { Static } from 'typebox';
import type { Address, Customer, CustomerPatch, TaxExempt, TaxIdInput } from '../../domain/customers/model.ts';
import { UNKNOWN_TAX_ID_TYPE } from '../../domain/customers/tax-id-types.ts';
import { NotFoundError, ValidationError, type FieldPath } from '../../domain/errors.ts';
import { isCanonicalId } from '../../domain/ids.ts';
import type { Page } from '../../domain/store-port.ts';
import { customerIdFromWire, customerIdToWire } from '../../formats/ids.ts';
import { customerIdParam } from '../shared/request-scope.ts';
import type { AddressObject, CreateCustomerBody, CustomerList, CustomerObject, DeletedCustomerObject, UpdateCustomerBody } from './schemas.ts';

/**
 * Atlas's wire format ⇄ the domain model: ids, request bodies as patches, customers as Atlas prints
 * them, and field paths in Atlas's notation. Every choice made where Atlas's pages are silent is in
 * README.md.
 */

/** The canonical id behind a `customer_id` (`cus_…`, as natively); an id that cannot exist is simply not found. */
export function customerIdIn(text: string): string {
  return customerIdParam(customerIdFromWire, text, 'customer_id');
}

/** Atlas has no deleted stubs: a deleted customer is not found. */
export function customerNotFound(id: string): NotFoundError {
  return new NotFoundError('customer', id, ['customer_id']);
}

/** An id as the customer sees it: canonical ids are printed `cus_…`, anything else as given. */
export function shownCustomerId(id: string): string {
  return isCanonicalId(id) ? customerIdToWire(id) : id;
}

type AddressInput = NonNullable<CreateCustomerBody['billing_address']>;
type AnyBody = CreateCustomerBody | UpdateCustomerBody;

function addressFromWire(address: AddressInput | null): Address | null {
  if (address === null) return null;
  return {
    line1: address.line1 ?? null,
    line2: address.line2 ?? null,
    city: address.city ?? null,
    state: address.state ?? null,
    postal_code: address.postal_code ?? null,
    country: address.country ?? null,
  };
}

function addressToWire(address: Address | null): Static<typeof AddressObject> | null {
  if (address === null) return null;
  const { line1, line2, city, state, postal_code, country } = address;
  return { line1, line2, city, state, postal_code, country };
}

/**
 * Whether turning `body` into a patch needs the customer as it is: its shipping name and
 * phone (kept under a new shipping address), or its 'reverse' tax status (kept under `true`).
 */
export function patchNeedsCurrent(body: UpdateCustomerBody): boolean {
  return body.shipping_address !== undefined || body.tax_exempt === true;
}

/** A create body as a domain patch. */
export function createPatchFromWire(body: CreateCustomerBody): CustomerPatch {
  const patch = commonPatch(body, null);
  if (body.metadata) patch.metadata = { set: body.metadata };
  return patch;
}

/** An update body as a domain patch; `current` is required when `patchNeedsCurrent(body)`. */
export function updatePatchFromWire(body: UpdateCustomerBody, current: Customer | null): CustomerPatch {
  const patch = commonPatch(body, current);
  if (body.metadata !== undefined) patch.metadata = body.metadata === null ? { clear: true } : { set: body.metadata };
  return patch;
}

/**
 * The billing address under either of its documented names: `billing_address` (the API reference)
 * or `address` (the customers guide). Both at once is refused (reported as billing_address).
 */
function billingAddressOf(body: AnyBody): AddressInput | null | undefined {
  if (body.address !== undefined && body.billing_address !== undefined) {
    throw new ValidationError(['address'], 'Send the billing address as billing_address or as address, not both.', 'parameter_invalid');
  }
  return body.billing_address !== undefined ? body.billing_address : body.address;
}

/** Stripe's tax id types, as natively; `unknown` is a type Stripe reports but never creates. */
function taxIdsFromWire(taxIds: NonNullable<AnyBody['tax_ids']> | null): TaxIdInput[] {
  return (taxIds ?? []).map(({ type, value }, i) => {
    if (type === UNKNOWN_TAX_ID_TYPE) throw new ValidationError(['tax_ids', i, 'type'], "The tax id type 'unknown' cannot be created: name the type.");
    return { type, value };
  });
}

function commonPatch(body: AnyBody, current: Customer | null): CustomerPatch {
  const patch: CustomerPatch = {};
  if (body.email !== undefined) patch.email = body.email;
  if (body.name !== undefined) patch.name = body.name;
  if (body.phone !== undefined) patch.phone = body.phone;
  if (body.description !== undefined) patch.description = body.description;
  const billingAddress = billingAddressOf(body);
  if (billingAddress !== undefined) patch.address = addressFromWire(billingAddress);
  if (body.tax_ids !== undefined) patch.tax_ids = taxIdsFromWire(body.tax_ids);
  if (body.shipping_address !== undefined) {
    const address = addressFromWire(body.shipping_address);
    const name = current?.shipping?.name ?? null;
    const phone = current?.shipping?.phone ?? null;
    patch.shipping = address === null && name === null && phone === null ? null : { name, phone, address };
  }
  if (body.default_payment_method !== undefined) {
    patch.invoice_settings = { default_payment_method: body.default_payment_method };
  }
  if (body.tax_exempt !== undefined) {
    const next = taxExemptFromWire(body.tax_exempt, current?.tax_exempt ?? 'none');
    if (next !== undefined) patch.tax_exempt = next;
  }
  return patch;
}

/** The domain value for Atlas's boolean, or undefined when the customer already shows it. */
function taxExemptFromWire(value: boolean | null, current: TaxExempt): TaxExempt | null | undefined {
  if (value === null) return null;
  if (!value) return 'none';
  return current === 'reverse' ? undefined : 'exempt';
}

/** The customer as Atlas prints it, field for field in the page's order. */
export function customerToWire(customer: Customer): Static<typeof CustomerObject> {
  return {
    id: customerIdToWire(customer.id),
    object: 'customer',
    email: customer.email,
    name: customer.name,
    phone: customer.phone,
    description: customer.description,
    billing_address: addressToWire(customer.address),
    shipping_address: addressToWire(customer.shipping?.address ?? null),
    default_payment_method: customer.invoice_settings.default_payment_method,
    tax_exempt: customer.tax_exempt !== 'none',
    tax_ids: customer.tax_ids.map((taxId) => ({ type: taxId.type, value: taxId.value })),
    metadata: { ...customer.metadata },
    created: customer.created,
  };
}

/** What a delete answers. */
export function deletedCustomerToWire(customer: Customer): Static<typeof DeletedCustomerObject> {
  return { id: customerIdToWire(customer.id), object: 'customer', deleted: true };
}

/** A page of the list, with the count of every customer the filter matches. */
export function customerListToWire(page: Page<Customer>): Static<typeof CustomerList> {
  return { object: 'list', data: page.data.map(customerToWire), has_more: page.hasMore, total_count: page.total ?? 0 };
}

/**
 * A domain field path in Atlas's notation: the field's Atlas name, dotted
 * (`['address', 'country']` → `billing_address.country`, `['id']` → `customer_id`).
 */
export function atlasParam(path: FieldPath): string {
  const [head, ...rest] = path.map(String);
  let parts: string[];
  switch (head) {
    case 'address':
      parts = ['billing_address', ...rest];
      break;
    case 'shipping':
      // Atlas only writes the shipping address; name and phone are kept as they were.
      parts = ['shipping_address', ...(rest[0] === 'address' ? rest.slice(1) : [])];
      break;
    case 'invoice_settings':
      parts = rest[0] === 'default_payment_method' ? ['default_payment_method'] : ['invoice_settings', ...rest];
      break;
    case 'id':
      parts = ['customer_id', ...rest];
      break;
    case undefined:
      parts = [];
      break;
    default:
      parts = [head, ...rest];
  }
  return parts.join('.');
}
