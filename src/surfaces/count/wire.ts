import type { Address, ContactInput, Customer, CustomerPatch, Shipping } from '../../domain/customers/model.ts';
import { idTimeMs, isCanonicalId } from '../../domain/ids.ts';
import type { ListOrderField } from '../../domain/store-port.ts';
import { taxIdCountry } from '../../domain/customers/tax-id-rules.ts';
import { isTaxIdType } from '../../domain/customers/tax-id-types.ts';
import { fromUuid, isUuidText, toUuid } from '../../formats/ids.ts';
import { CountParameterError, INVALID_UUID } from './parameter-errors.ts';
import type { Location } from './validation-messages.ts';
import { customerIdParam } from '../shared/request-scope.ts';
import type { CreateCustomerBody, CustomerObject, CustomerResponse, DeletedResponse, OrderBy, UpdateCustomerBody } from './schemas.ts';

/**
 * Count's wire format ⇄ the domain model, and the success envelopes around it. Every choice made
 * where Count's pages are silent is listed in README.md.
 *
 *   customer ⇄ name            email ⇄ email              mainPhone ⇄ phone
 *   website ⇄ website          status ⇄ status
 *   billingAddress ⇄ address   {street ⇄ line1, city, state, zipCode ⇄ postal_code, country}
 *   shippingAddress ⇄ shipping.address (shipping.name and .phone, set natively, are kept)
 *   contacts ⇄ contacts        {name, firstName ⇄ first_name, lastName ⇄ last_name, email, phone,
 *                               isPrimary ⇄ is_primary}
 *   uuid ⇄ id (UUID v4 rendering)   createdAt ⇄ created   updatedAt ⇄ updated (ISO 8601, UTC, ms)
 */

export function customerIdToCount(id: string): string {
  return toUuid(id);
}

/** The canonical id for a uuid, or null for any text that is not one this server made. */
export function customerIdFromCount(uuid: string): string | null {
  return fromUuid(uuid);
}

/**
 * The canonical id behind a uuid in `field`. Text that is no UUID at all is Count's 400 "Invalid
 * UUID format"; a well-formed UUID this server did not make is simply not found.
 */
export function customerIdIn(uuid: string, field = 'uuid', location: Location = 'params'): string {
  if (!isUuidText(uuid)) throw new CountParameterError(field, location, INVALID_UUID);
  return customerIdParam(customerIdFromCount, uuid, field);
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
function addressFromCount(address: AddressInput | null): Address | null {
  if (address === null) return null;
  return {
    line1: address.street ?? null,
    line2: null,
    city: address.city ?? null,
    state: address.state ?? null,
    postal_code: address.zipCode ?? null,
    country: address.country ?? null,
  };
}

function contactFromCount(contact: ContactBody): ContactInput {
  return {
    name: contact.name ?? null,
    first_name: contact.firstName ?? null,
    last_name: contact.lastName ?? null,
    email: contact.email ?? null,
    phone: contact.phone ?? null,
    is_primary: contact.isPrimary === true,
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

function addressToCount(address: Address | null): CustomerObject['billingAddress'] {
  return address && { street: address.line1, city: address.city, state: address.state, zipCode: address.postal_code, country: address.country };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Creation time to the millisecond: the id carries it (the domain's `created` is whole seconds).
 * Falls back to `created` should the two ever disagree on the second.
 */
function createdMs(customer: Customer): number {
  const fromId = isCanonicalId(customer.id) ? idTimeMs(customer.id) : NaN;
  return Math.floor(fromId / 1000) === customer.created ? Math.min(fromId, customer.updated) : customer.created * 1000;
}

function contactName(contact: Customer['contacts'][number]): string | null {
  if (contact.name !== null) return contact.name;
  const joined = [contact.first_name, contact.last_name].filter((part): part is string => part !== null).join(' ');
  return joined === '' ? null : joined;
}

/** The customer as Count prints it. */
export function customerToCount(customer: Customer): CustomerObject {
  return {
    uuid: customerIdToCount(customer.id),
    customer: customer.name,
    email: customer.email,
    mainPhone: customer.phone,
    website: customer.website,
    status: customer.status,
    billingAddress: addressToCount(customer.address),
    shippingAddress: addressToCount(customer.shipping?.address ?? null),
    contacts: customer.contacts.map((contact) => ({
      uuid: toUuid(contact.id),
      name: contactName(contact),
      firstName: contact.first_name,
      lastName: contact.last_name,
      email: contact.email,
      phone: contact.phone,
      isPrimary: contact.is_primary,
    })),
    taxSettings: {
      taxExempt: customer.tax_exempt,
      taxIds: customer.tax_ids.map((taxId) => ({ type: taxId.type, value: taxId.value, country: isTaxIdType(taxId.type) ? taxIdCountry(taxId.type, taxId.value) : null })),
    },
    createdAt: iso(createdMs(customer)),
    updatedAt: iso(customer.updated),
  };
}

/** `{status: "success", message, data: <customer>}`. */
export function customerResponse(message: string, customer: Customer): CustomerResponse {
  return { status: 'success', message, data: customerToCount(customer) };
}

/** What DELETE answers: Count has no deleted stubs, only this acknowledgement. */
export function deletedResponse(customer: Customer): DeletedResponse {
  return { status: 'success', message: 'Customer deleted successfully', data: { uuid: customerIdToCount(customer.id), deleted: true } };
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
