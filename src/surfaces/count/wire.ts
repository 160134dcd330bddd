import type { Address, ContactInput, Customer, CustomerPatch, Shipping } from '../../domain/customers/model.ts';
import type { FieldPath } from '../../domain/errors.ts';
import { idTimeMs, isCanonicalId } from '../../domain/ids.ts';
import type { ListOrderField } from '../../domain/store-port.ts';
import type { CreateCustomerBody, CustomerObject, OrderBy, UpdateCustomerBody } from './schemas.ts';
import { fromUuid, toUuid } from '../../formats/ids.ts';

/**
 * Count's wire format ⇄ the domain model. Nothing else lives here; every choice made where
 * Count's pages are silent is listed in README.md.
 *
 *   customer ⇄ name            email ⇄ email              mainPhone ⇄ phone
 *   website ⇄ website          status ⇄ status
 *   billingAddress ⇄ address   {street ⇄ line1, city, state, zipCode ⇄ postal_code, country}
 *   shippingAddress ⇄ shipping.address (shipping.name and .phone, set natively, are kept)
 *   contacts ⇄ contacts        {name, firstName ⇄ first_name, lastName ⇄ last_name, email, phone,
 *                               isPrimary ⇄ is_primary}
 *   uuid ⇄ id (UUIDv7 rendering)   createdAt ⇄ created   updatedAt ⇄ updated (ISO 8601, UTC, ms)
 */

export function customerIdToCount(id: string): string {
  return toUuid(id);
}

/** The canonical id for a uuid, or null for any text that is not one this server made. */
export function customerIdFromCount(uuid: string): string | null {
  return fromUuid(uuid);
}

/** An id as the client sees it: canonical ids are printed as uuids, anything else as given. */
export function shownCustomerId(id: string): string {
  return isCanonicalId(id) ? customerIdToCount(id) : id;
}

type AddressInput = NonNullable<CreateCustomerBody['billingAddress']>;
type ContactBody = NonNullable<CreateCustomerBody['contacts']>[number];
type WritableBody = Pick<UpdateCustomerBody, 'customer' | 'email' | 'mainPhone' | 'website' | 'status' | 'billingAddress' | 'shippingAddress'>;

/** `""` and `null` remove a field (the domain keeps no empty text either). */
function removable(value: string | null | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  return value === null || value === '' ? null : value;
}

/** A Count address replaces the whole domain address: fields Count has no name for (line2) go. */
function addressFromCount(a: AddressInput | null): Address | null {
  if (a === null) return null;
  return {
    line1: a.street ?? null,
    line2: null,
    city: a.city ?? null,
    state: a.state ?? null,
    postal_code: a.zipCode ?? null,
    country: a.country ?? null,
  };
}

function contactFromCount(c: ContactBody): ContactInput {
  return {
    name: c.name ?? null,
    first_name: c.firstName ?? null,
    last_name: c.lastName ?? null,
    email: c.email ?? null,
    phone: c.phone ?? null,
    is_primary: c.isPrimary === true,
  };
}

/**
 * The shipping the customer gets for a Count `shippingAddress`: the address replaced, the shipping
 * name and phone (which Count cannot see or set) kept; `null` when nothing would remain.
 */
function shippingFromCount(address: AddressInput | null, current: Customer | null): Shipping | null {
  const next = addressFromCount(address);
  const name = current?.shipping?.name ?? null;
  const phone = current?.shipping?.phone ?? null;
  return next === null && name === null && phone === null ? null : { name, phone, address: next };
}

/** Whether turning an update body into a patch needs the customer as it is (its shipping name/phone). */
export function needsCurrent(body: WritableBody): boolean {
  return body.shippingAddress !== undefined;
}

function writablePatch(body: WritableBody, current: Customer | null): CustomerPatch {
  const patch: CustomerPatch = {};
  if (body.customer !== undefined) patch.name = body.customer;
  if (body.email !== undefined) patch.email = body.email;
  if (body.mainPhone !== undefined) patch.phone = removable(body.mainPhone);
  if (body.website !== undefined) patch.website = removable(body.website);
  if (body.status !== undefined) patch.status = body.status;
  if (body.billingAddress !== undefined) patch.address = addressFromCount(body.billingAddress);
  if (body.shippingAddress !== undefined) patch.shipping = shippingFromCount(body.shippingAddress, current);
  return patch;
}

/** A create body as one domain create: the customer with its contacts, atomically. */
export function createPatchFromCount(body: CreateCustomerBody): CustomerPatch {
  const patch = writablePatch(body, null);
  if (body.contacts !== undefined) patch.contacts = body.contacts.map(contactFromCount);
  return patch;
}

/**
 * An update body as a domain patch: only the fields given change. `contacts`, `uuid`, `createdAt`
 * and `updatedAt` are not writable here and are ignored. `current` is needed when `needsCurrent`.
 */
export function updatePatchFromCount(body: WritableBody, current: Customer | null): CustomerPatch {
  return writablePatch(body, current);
}

function addressToCount(a: Address | null) {
  return a && { street: a.line1, city: a.city, state: a.state, zipCode: a.postal_code, country: a.country };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Creation time to the millisecond: the id carries it (the domain's `created` is whole seconds).
 * Falls back to `created` should the two ever disagree on the second.
 */
function createdMs(c: Customer): number {
  const fromId = isCanonicalId(c.id) ? idTimeMs(c.id) : NaN;
  return Math.floor(fromId / 1000) === c.created ? Math.min(fromId, c.updated) : c.created * 1000;
}

function contactName(k: Customer['contacts'][number]): string | null {
  if (k.name !== null) return k.name;
  const joined = [k.first_name, k.last_name].filter((p): p is string => p !== null).join(' ');
  return joined === '' ? null : joined;
}

/** The customer as Count prints it. */
export function customerToCount(c: Customer): CustomerObject {
  return {
    uuid: customerIdToCount(c.id),
    customer: c.name,
    email: c.email,
    mainPhone: c.phone,
    website: c.website,
    status: c.status,
    billingAddress: addressToCount(c.address),
    shippingAddress: addressToCount(c.shipping?.address ?? null),
    contacts: c.contacts.map((k) => ({
      uuid: toUuid(k.id),
      name: contactName(k),
      firstName: k.first_name,
      lastName: k.last_name,
      email: k.email,
      phone: k.phone,
      isPrimary: k.is_primary,
    })),
    createdAt: iso(createdMs(c)),
    updatedAt: iso(c.updated),
  };
}

const ORDER_FIELDS: Readonly<Record<OrderBy, ListOrderField>> = {
  customer: 'name',
  email: 'email',
  createdAt: 'created',
  updatedAt: 'updated',
};

export function orderFromCount(orderBy: OrderBy, direction: string): { by: ListOrderField; direction: 'asc' | 'desc' } {
  return { by: ORDER_FIELDS[orderBy], direction: direction.toLowerCase() === 'desc' ? 'desc' : 'asc' };
}

const FIELD_NAMES: Readonly<Record<string, string>> = {
  name: 'customer',
  phone: 'mainPhone',
  address: 'billingAddress',
  id: 'uuid',
};
const ADDRESS_NAMES: Readonly<Record<string, string>> = { line1: 'street', line2: 'street', postal_code: 'zipCode' };
const CONTACT_NAMES: Readonly<Record<string, string>> = { first_name: 'firstName', last_name: 'lastName', is_primary: 'isPrimary' };

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

/**
 * A domain field path in Count's notation: `['address', 'postal_code']` → `billingAddress.zipCode`,
 * `['contacts', 0, 'email']` → `contacts[0].email`, `['shipping', 'address', 'city']` → `shippingAddress.city`.
 */
export function countField(path: FieldPath): string {
  const [head, ...rest] = path;
  if (head === undefined) return '';
  const parts: (string | number)[] = [];
  if (head === 'address') {
    parts.push('billingAddress', ...rest.map((p) => ADDRESS_NAMES[String(p)] ?? p));
  } else if (head === 'shipping') {
    // Count only has the shipping address; a shipping name or phone problem is the address's.
    parts.push('shippingAddress', ...(rest[0] === 'address' ? rest.slice(1).map((p) => ADDRESS_NAMES[String(p)] ?? p) : []));
  } else if (head === 'contacts') {
    parts.push('contacts', ...rest.map((p) => (typeof p === 'number' ? p : (CONTACT_NAMES[p] ?? camel(p)))));
  } else {
    parts.push(FIELD_NAMES[String(head)] ?? camel(String(head)), ...rest.map((p) => (typeof p === 'number' ? p : camel(p))));
  }
  return joinField(parts);
}

/** `['contacts', 0, 'email']` → `contacts[0].email`: numbers are indexes, the rest names. */
export function joinField(parts: readonly (string | number)[]): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? p : `.${p}`;
  }
  return out;
}
