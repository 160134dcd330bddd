import type { Address, Customer, CustomerPatch, TaxExempt } from '../../domain/customers/model.ts';
import type { FieldPath } from '../../domain/errors.ts';
import { isCanonicalId } from '../../domain/ids.ts';
import type { CreateCustomerBody, CustomerObject, UpdateCustomerBody } from './schemas.ts';
import { fromPrefixed, toPrefixed } from '../../formats/ids.ts';

/**
 * Atlas's wire format ⇄ the domain model. Nothing else lives here.
 *
 * Atlas documents its customer object and its update body (the seed page) but not every rule
 * behind them. Every choice made where the page is silent:
 *
 * - Ids are the native `cus_…` form, so one id names one customer on every surface. A
 *   `customer_id` that does not parse as one is simply not found (404), never a 500.
 * - `billing_address` ⇄ the customer's `address`; `shipping_address` ⇄ `shipping.address`. Both
 *   are replaced whole, as Stripe and the domain do (an address is one value: sending
 *   `{line1, city}` does not keep the old `line2`); `null` clears one. Atlas has no shipping
 *   name or phone: those the customer already has (set natively) are kept when Atlas changes
 *   the shipping address, and when Atlas clears the address of a customer with neither, the
 *   whole `shipping` goes. The domain does not require a shipping name, so an Atlas-created
 *   shipping address has `shipping.name = null`.
 *   An address with no field set is printed as an object of nulls; no address at all as `null`.
 * - `tax_exempt`: `true` ⇄ 'exempt', `false` ⇄ 'none'. 'reverse' (reverse charge: the
 *   customer, not the seller, accounts for the tax) is printed as `true`, and sending `true`
 *   to such a customer keeps 'reverse': what Atlas shows does not change, so neither does the
 *   record. `null` resets it to `false` ('none').
 * - `default_payment_method` ⇄ `invoice_settings.default_payment_method`.
 * - `metadata` is merged on update, as Stripe (whose shape Atlas's API follows) does, and as a
 *   PATCH (RFC 7396) would: given keys are set, a key whose value is `null` (or "") is
 *   removed, keys not named stay; `metadata: null` removes every key. On create it is the
 *   initial set. Values are strings: numbers and booleans are refused, not converted.
 * - `tax_ids` are printed but not writable: the page's update body does not name them (set
 *   them through the native API); sending them is refused by name like any unknown field.
 * - `null` clears a nullable field (`name`, `phone`, `description`, `default_payment_method`,
 *   either address); `""` does the same, as the domain stores no empty text. `email` is
 *   required on create and can be changed but never cleared or blanked.
 * - Fields are typed strictly: `"tax_exempt": "true"` or `"name": 5` is a 400, not converted.
 * - Errors (Atlas documents no format; its API is Stripe-shaped, so is this):
 *   `{"error": {"type", "code", "message", "param"}}`, `param` naming the field in Atlas's
 *   dotted notation (`billing_address.country`, `metadata.plan`, `customer_id`). See errors.ts.
 * - Delete is the domain's soft delete and answers as Stripe does, `{id, object, deleted: true}`;
 *   afterwards the customer is gone from Atlas (retrieve, update and delete: 404; not listed):
 *   Atlas documents no deleted stub. Its e-mail is free again.
 * - List: newest first; `limit` 1–100 (default 10), `offset` ≥ 0; `email` is an exact match
 *   compared case-insensitively, as e-mail uniqueness is; `total_count` counts every customer
 *   the filter matches.
 * - An update with no field (an empty object or no body) changes nothing and answers with the
 *   customer as it is (404 if it does not exist or is deleted).
 * - Updating the shipping address, or sending `tax_exempt: true`, reads the customer first (for
 *   its shipping name/phone and 'reverse' status) and then writes: the domain's patch cannot
 *   say "this field of shipping only". A concurrent change to exactly those values between the
 *   read and the write would be overwritten.
 * - Create answers 200 with the customer, as Stripe does (the seed page shows only update's
 *   "Customer updated"; Atlas's create page was not available).
 * - Bodies are JSON objects only (`Content-Type: application/json`; anything else is a 415). An
 *   empty body counts as no body, so clients that send the JSON content type on every request
 *   (DELETE included) work; JSON that is not an object (`[]`, `null`, `"x"`) is a 400.
 * - Update is PATCH only, as documented; other methods on a known path are 404 route_not_found.
 * - Unknown query parameters on list are refused by name, like unknown body fields.
 */

const CUSTOMER_PREFIX = 'cus';

export function customerIdToAtlas(id: string): string {
  return toPrefixed(CUSTOMER_PREFIX, id);
}

/** The canonical id for a `cus_…` id, or null when it cannot name any customer. */
export function customerIdFromAtlas(id: string): string | null {
  return fromPrefixed(CUSTOMER_PREFIX, id);
}

/** An id as the customer sees it: canonical ids are printed `cus_…`, anything else as given. */
export function shownCustomerId(id: string): string {
  return isCanonicalId(id) ? customerIdToAtlas(id) : id;
}

type AddressInput = NonNullable<CreateCustomerBody['billing_address']>;
type Body = CreateCustomerBody | UpdateCustomerBody;

function addressFromAtlas(a: AddressInput | null): Address | null {
  if (a === null) return null;
  return {
    line1: a.line1 ?? null,
    line2: a.line2 ?? null,
    city: a.city ?? null,
    state: a.state ?? null,
    postal_code: a.postal_code ?? null,
    country: a.country ?? null,
  };
}

function addressToAtlas(a: Address | null) {
  return (
    a && { line1: a.line1, line2: a.line2, city: a.city, state: a.state, postal_code: a.postal_code, country: a.country }
  );
}

/**
 * Whether turning `body` into a patch needs the customer as it is: its shipping name and
 * phone (kept under a new shipping address), or its 'reverse' tax status (kept under `true`).
 */
export function needsCurrent(body: UpdateCustomerBody): boolean {
  return body.shipping_address !== undefined || body.tax_exempt === true;
}

/** A create body as a domain patch. */
export function createPatchFromAtlas(body: CreateCustomerBody): CustomerPatch {
  const patch = commonPatch(body, null);
  if (body.metadata) patch.metadata = { set: body.metadata };
  return patch;
}

/** An update body as a domain patch; `current` is required when `needsCurrent(body)`. */
export function updatePatchFromAtlas(body: UpdateCustomerBody, current: Customer | null): CustomerPatch {
  const patch = commonPatch(body, current);
  if (body.metadata !== undefined) patch.metadata = body.metadata === null ? { clear: true } : { set: body.metadata };
  return patch;
}

function commonPatch(body: Body, current: Customer | null): CustomerPatch {
  const patch: CustomerPatch = {};
  if (body.email !== undefined) patch.email = body.email;
  if (body.name !== undefined) patch.name = body.name;
  if (body.phone !== undefined) patch.phone = body.phone;
  if (body.description !== undefined) patch.description = body.description;
  if (body.billing_address !== undefined) patch.address = addressFromAtlas(body.billing_address);
  if (body.shipping_address !== undefined) {
    const address = addressFromAtlas(body.shipping_address);
    const name = current?.shipping?.name ?? null;
    const phone = current?.shipping?.phone ?? null;
    patch.shipping = address === null && name === null && phone === null ? null : { name, phone, address };
  }
  if (body.default_payment_method !== undefined) {
    patch.invoice_settings = { default_payment_method: body.default_payment_method };
  }
  if (body.tax_exempt !== undefined) {
    const next = taxExemptFromAtlas(body.tax_exempt, current?.tax_exempt ?? 'none');
    if (next !== undefined) patch.tax_exempt = next;
  }
  return patch;
}

/** The domain value for Atlas's boolean, or undefined when the customer already shows it. */
function taxExemptFromAtlas(value: boolean | null, current: TaxExempt): TaxExempt | null | undefined {
  if (value === null) return null;
  if (!value) return 'none';
  return current === 'reverse' ? undefined : 'exempt';
}

/** The customer as Atlas prints it, field for field in the page's order. */
export function customerToAtlas(c: Customer): CustomerObject {
  return {
    id: customerIdToAtlas(c.id),
    object: 'customer',
    email: c.email,
    name: c.name,
    phone: c.phone,
    description: c.description,
    billing_address: addressToAtlas(c.address),
    shipping_address: addressToAtlas(c.shipping?.address ?? null),
    default_payment_method: c.invoice_settings.default_payment_method,
    tax_exempt: c.tax_exempt !== 'none',
    tax_ids: c.tax_ids.map((t) => ({ type: t.type, value: t.value })),
    metadata: { ...c.metadata },
    created: c.created,
  };
}

/** What a delete answers. */
export function deletedCustomerToAtlas(c: Customer) {
  return { id: customerIdToAtlas(c.id), object: 'customer' as const, deleted: true as const };
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
