import { randomFillSync } from 'node:crypto';
import { isCanonicalId, newId } from './ids.ts';
import { ValidationError, type FieldPath } from './errors.ts';
import { LIMITS } from './limits.ts';
import { normalizeCountry, isValidEmail, isValidLocale } from './rules.ts';

export type Mode = 'test' | 'live';
export type TaxExempt = 'none' | 'exempt' | 'reverse';
export type CustomerStatus = 'active' | 'inactive';

export interface Address {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
}

export interface Shipping {
  name: string | null;
  phone: string | null;
  address: Address | null;
}

export interface CustomField {
  name: string;
  value: string;
}

export interface RenderingOptions {
  amount_tax_display: string | null;
  template: string | null;
}

export interface InvoiceSettings {
  custom_fields: CustomField[] | null;
  default_payment_method: string | null;
  footer: string | null;
  rendering_options: RenderingOptions | null;
}

export interface TaxId {
  type: string;
  value: string;
}

export interface Contact {
  id: string;
  name: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  is_primary: boolean;
}

/** The one customer model: the union of every field Stripe and the vendor surfaces name. */
export interface Customer {
  id: string;
  tenant_id: string;
  mode: Mode;
  /** Unix seconds. */
  created: number;
  /** Unix milliseconds of the last write. */
  updated: number;
  deleted: boolean;
  /** Incremented by every write. */
  version: number;

  name: string | null;
  email: string | null;
  phone: string | null;
  description: string | null;
  address: Address | null;
  shipping: Shipping | null;
  balance: number;
  currency: string | null;
  default_source: string | null;
  delinquent: boolean;
  invoice_prefix: string;
  invoice_settings: InvoiceSettings;
  metadata: Record<string, string>;
  next_invoice_sequence: number;
  preferred_locales: string[];
  tax_exempt: TaxExempt;
  test_clock: string | null;
  individual_name: string | null;

  external_id: string | null;
  /** Stripe's `business_name`, CheckoutPage's `companyName`. */
  company_name: string | null;
  billing_email: string | null;
  website: string | null;
  status: CustomerStatus;
  tax_ids: TaxId[];
  contacts: Contact[];
  seller_id: string | null;
  stripe_customer_id: string | null;
}

/** Metadata changes: `clear` empties it first; then each key is set, or removed when null. */
export interface MetadataPatch {
  clear?: boolean;
  set?: Record<string, string | null>;
}

export type ContactInput = Omit<Contact, 'id' | 'first_name' | 'last_name'> & { id?: string; first_name?: string | null; last_name?: string | null };

/**
 * A change to a customer. An absent field is left as it is; `null` clears it (or resets it to
 * its default). Sub-objects (`address`, `shipping`) are replaced whole; `invoice_settings`
 * is merged field by field, as Stripe does.
 */
export interface CustomerPatch {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  description?: string | null;
  address?: Address | null;
  shipping?: Shipping | null;
  balance?: number;
  default_source?: string | null;
  invoice_prefix?: string;
  invoice_settings?: Partial<InvoiceSettings>;
  metadata?: MetadataPatch;
  next_invoice_sequence?: number;
  preferred_locales?: string[] | null;
  tax_exempt?: TaxExempt | null;
  individual_name?: string | null;
  external_id?: string | null;
  company_name?: string | null;
  billing_email?: string | null;
  website?: string | null;
  status?: CustomerStatus | null;
  tax_ids?: TaxId[] | null;
  contacts?: ContactInput[] | null;
  seller_id?: string | null;
  stripe_customer_id?: string | null;
}

export interface CustomerScope {
  tenantId: string;
  mode: Mode;
}

const EMPTY_INVOICE_SETTINGS: InvoiceSettings = {
  custom_fields: null,
  default_payment_method: null,
  footer: null,
  rendering_options: null,
};

/** A new customer from a create request, with Stripe's defaults for everything not given. */
export function newCustomer(scope: CustomerScope, patch: CustomerPatch, nowMs: number = Date.now()): Customer {
  return applyPatch(blankCustomer(scope, newId(nowMs), Math.floor(nowMs / 1000), nowMs), patch, nowMs);
}

/** The latest `created` an import accepts: the last second of the year 9999. */
const MAX_CREATED = 253_402_300_799;

/** What an import keeps of the customer's identity in its source. */
export interface ImportedIdentity {
  /** Canonical id (24 hex characters). */
  id: string;
  /** Unix seconds. */
  created: number;
  /** Unix milliseconds of the last change in the source; default: now. Not before `created`. */
  updated?: number;
}

/**
 * A customer brought in by an import: the same defaults and rules as `newCustomer`, but with the
 * id, creation time and last-update time its source gave, and contacts that keep their ids
 * (canonical, distinct). Version 1, like any new customer.
 */
export function importedCustomer(scope: CustomerScope, patch: CustomerPatch, identity: ImportedIdentity, nowMs: number = Date.now()): Customer {
  if (typeof identity.id !== 'string' || !isCanonicalId(identity.id)) throw new ValidationError(['id'], `Invalid customer id: ${String(identity.id)}`);
  if (!Number.isSafeInteger(identity.created) || identity.created < 0 || identity.created > MAX_CREATED) {
    throw new ValidationError(['created'], `Invalid creation time: ${String(identity.created)} (unix seconds, from 0 to ${MAX_CREATED}).`);
  }
  const updated = identity.updated ?? nowMs;
  if (!Number.isSafeInteger(updated) || updated < identity.created * 1000) {
    throw new ValidationError(['updated'], `Invalid update time: ${String(updated)}: it cannot be before the creation time.`);
  }
  const base = blankCustomer(scope, identity.id, identity.created, 0);
  // Contacts that name an id keep it: the base knows them, so that checkContacts accepts them.
  const seen = new Set<string>();
  (patch.contacts ?? []).forEach((c, i) => {
    if (c.id === undefined) return;
    if (typeof c.id !== 'string' || !isCanonicalId(c.id)) throw new ValidationError(['contacts', i, 'id'], `Invalid contact id: ${String(c.id)}`);
    if (seen.has(c.id)) throw new ValidationError(['contacts', i, 'id'], `Contact id given twice: ${c.id}`);
    seen.add(c.id);
  });
  base.contacts = [...seen].map((id) => ({ id, name: null, first_name: null, last_name: null, email: null, phone: null, is_primary: false }));
  const customer = applyPatch(base, { ...patch, contacts: patch.contacts ?? null }, nowMs);
  customer.updated = updated;
  return customer;
}

/** Entropy for invoice prefixes (not secrets), drawn from a pool: one randomBytes call per customer is slow in bulk. */
const PREFIX_POOL = Buffer.alloc(4096);
let prefixPoolAt = PREFIX_POOL.length;

/** 8 random upper-case hex digits, as Stripe's invoice prefixes look. */
function randomInvoicePrefix(): string {
  if (prefixPoolAt + 4 > PREFIX_POOL.length) {
    randomFillSync(PREFIX_POOL);
    prefixPoolAt = 0;
  }
  const prefix = PREFIX_POOL.toString('hex', prefixPoolAt, prefixPoolAt + 4).toUpperCase();
  prefixPoolAt += 4;
  return prefix;
}

function blankCustomer(scope: CustomerScope, id: string, created: number, updated: number): Customer {
  return {
    id,
    tenant_id: scope.tenantId,
    mode: scope.mode,
    created,
    updated,
    deleted: false,
    version: 0,
    name: null,
    email: null,
    phone: null,
    description: null,
    address: null,
    shipping: null,
    balance: 0,
    currency: null,
    default_source: null,
    delinquent: false,
    invoice_prefix: randomInvoicePrefix(),
    invoice_settings: { ...EMPTY_INVOICE_SETTINGS },
    metadata: {},
    next_invoice_sequence: 1,
    preferred_locales: [],
    tax_exempt: 'none',
    test_clock: null,
    individual_name: null,
    external_id: null,
    company_name: null,
    billing_email: null,
    website: null,
    status: 'active',
    tax_ids: [],
    contacts: [],
    seller_id: null,
    stripe_customer_id: null,
  };
}

/** True when the patch names no field at all. */
export function isEmptyPatch(patch: CustomerPatch): boolean {
  return Object.values(patch).every((v) => v === undefined);
}

/** The customer after `patch`, validated. Pure: `current` is not modified. */
export function applyPatch(current: Customer, patch: CustomerPatch, nowMs: number = Date.now()): Customer {
  const next: Customer = { ...current };
  const text = (field: keyof CustomerPatch & keyof Customer, max: number) => {
    const value = patch[field];
    if (value === undefined) return;
    (next as unknown as Record<string, unknown>)[field] = checkText([field], value as string | null, max);
  };

  text('name', LIMITS.name);
  text('phone', LIMITS.phone);
  text('description', LIMITS.description);
  text('default_source', LIMITS.text);
  text('individual_name', LIMITS.individualName);
  text('external_id', LIMITS.externalId);
  text('company_name', LIMITS.businessName);
  text('website', LIMITS.website);
  text('seller_id', LIMITS.text);
  text('stripe_customer_id', LIMITS.text);

  if (patch.email !== undefined) next.email = checkEmail(['email'], patch.email);
  if (patch.billing_email !== undefined) next.billing_email = checkEmail(['billing_email'], patch.billing_email);
  if (patch.address !== undefined) next.address = checkAddress(['address'], patch.address);
  if (patch.shipping !== undefined) next.shipping = checkShipping(patch.shipping);
  if (patch.balance !== undefined) next.balance = checkInteger(['balance'], patch.balance);
  if (patch.next_invoice_sequence !== undefined) {
    next.next_invoice_sequence = checkInteger(['next_invoice_sequence'], patch.next_invoice_sequence, 1);
  }
  if (patch.invoice_prefix !== undefined) {
    if (!LIMITS.invoicePrefix.test(patch.invoice_prefix)) {
      throw new ValidationError(['invoice_prefix'], 'Invoice prefix must be 1 to 12 uppercase letters or numbers.');
    }
    next.invoice_prefix = patch.invoice_prefix;
  }
  if (patch.invoice_settings !== undefined) next.invoice_settings = mergeInvoiceSettings(current.invoice_settings, patch.invoice_settings);
  if (patch.metadata !== undefined) next.metadata = mergeMetadata(current.metadata, patch.metadata);
  if (patch.preferred_locales !== undefined) next.preferred_locales = checkLocales(patch.preferred_locales ?? []);
  if (patch.tax_exempt !== undefined) next.tax_exempt = patch.tax_exempt ?? 'none';
  if (patch.status !== undefined) next.status = patch.status ?? 'active';
  if (patch.tax_ids !== undefined) next.tax_ids = checkTaxIds(patch.tax_ids ?? []);
  if (patch.contacts !== undefined) next.contacts = checkContacts(patch.contacts ?? [], current.contacts);

  next.updated = Math.max(nowMs, current.updated);
  next.version = current.version + 1;
  refuseNul(next, []);
  return next;
}

/** The customer as a delete leaves it: a stub that keeps its id, history and data, marked deleted. */
export function deletedCustomer(current: Customer, nowMs: number): Customer {
  return { ...current, deleted: true, version: current.version + 1, updated: Math.max(nowMs, current.updated) };
}

/**
 * No text anywhere in a customer may hold U+0000 or a lone UTF-16 surrogate (`"\ud800"` is valid
 * JSON but not text): PostgreSQL refuses both, SQLite would keep a surrogate in one column and
 * replace it in another, and both stores must accept exactly the same customers, unchanged.
 */
function refuseNul(value: unknown, path: (string | number)[]): void {
  if (typeof value === 'string') {
    refuseBadText(value, path, 'Text');
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => refuseNul(item, [...path, i]));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      refuseBadText(key, path, 'Keys');
      refuseNul(item, [...path, key]);
    }
  }
}

/** With the `u` flag paired surrogates are one code point: only a lone one is in category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

function refuseBadText(text: string, path: (string | number)[], what: 'Text' | 'Keys'): void {
  if (text.includes('\u0000')) throw new ValidationError(path, `${what} cannot contain the NUL character (U+0000).`);
  if (LONE_SURROGATE.test(text)) throw new ValidationError(path, `${what} cannot contain a lone UTF-16 surrogate (U+D800 to U+DFFF): send well-formed Unicode.`);
}

/** Length in characters (code points), as JSON Schema's maxLength counts: an emoji is one. */
export function charLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

function tooLong(value: string, max: number): boolean {
  return value.length > max && charLength(value) > max;
}

function checkText(path: FieldPath, value: string | null, max: number): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string') throw new ValidationError(path, `Invalid string: ${String(value)}`);
  if (tooLong(value, max)) {
    throw new ValidationError(path, `Invalid string: must be at most ${max} characters (got ${charLength(value)}).`);
  }
  return value;
}

function checkEmail(path: FieldPath, value: string | null): string | null {
  const email = checkText(path, value === null ? null : value.trim(), LIMITS.email);
  if (email !== null && !isValidEmail(email)) {
    throw new ValidationError(path, `Invalid email address: ${email}`, 'email_invalid');
  }
  return email;
}

function checkInteger(path: FieldPath, value: number, min = Number.MIN_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value)) throw new ValidationError(path, `Invalid integer: ${value}`);
  if (value < min) throw new ValidationError(path, `Must be at least ${min}.`);
  return value;
}

function checkAddress(path: FieldPath, address: Address | null): Address | null {
  if (address === null) return null;
  const out: Address = {
    line1: checkText([...path, 'line1'], address.line1 ?? null, LIMITS.text),
    line2: checkText([...path, 'line2'], address.line2 ?? null, LIMITS.text),
    city: checkText([...path, 'city'], address.city ?? null, LIMITS.text),
    state: checkText([...path, 'state'], address.state ?? null, LIMITS.text),
    postal_code: checkText([...path, 'postal_code'], address.postal_code ?? null, LIMITS.text),
    country: null,
  };
  const country = checkText([...path, 'country'], address.country ?? null, LIMITS.text);
  if (country !== null) {
    const code = normalizeCountry(country);
    if (code === null) {
      throw new ValidationError(
        [...path, 'country'],
        `Country '${country}' is unknown. Use a two-letter ISO 3166-1 alpha-2 country code, such as 'US', 'EG', or 'GB'.`,
        'country_invalid',
      );
    }
    out.country = code;
  }
  return out;
}

function checkShipping(shipping: Shipping | null): Shipping | null {
  if (shipping === null) return null;
  return {
    name: checkText(['shipping', 'name'], shipping.name ?? null, LIMITS.text),
    phone: checkText(['shipping', 'phone'], shipping.phone ?? null, LIMITS.text),
    address: checkAddress(['shipping', 'address'], shipping.address ?? null),
  };
}

function mergeInvoiceSettings(current: InvoiceSettings, patch: Partial<InvoiceSettings>): InvoiceSettings {
  const next = { ...current };
  if (patch.default_payment_method !== undefined) {
    next.default_payment_method = checkText(
      ['invoice_settings', 'default_payment_method'],
      patch.default_payment_method,
      LIMITS.text,
    );
  }
  if (patch.footer !== undefined) next.footer = checkText(['invoice_settings', 'footer'], patch.footer, LIMITS.text);
  if (patch.rendering_options !== undefined) {
    const ro = patch.rendering_options;
    next.rendering_options = ro === null ? null : { amount_tax_display: ro.amount_tax_display ?? null, template: ro.template ?? null };
  }
  if (patch.custom_fields !== undefined) {
    const fields = patch.custom_fields;
    if (fields === null || fields.length === 0) {
      next.custom_fields = null;
    } else {
      if (fields.length > LIMITS.customFields) {
        throw new ValidationError(['invoice_settings', 'custom_fields'], `At most ${LIMITS.customFields} custom fields are allowed.`);
      }
      next.custom_fields = fields.map((f, i) => ({
        name: requireText(['invoice_settings', 'custom_fields', i, 'name'], f.name, LIMITS.customFieldName),
        value: requireText(['invoice_settings', 'custom_fields', i, 'value'], f.value, LIMITS.customFieldValue),
      }));
    }
  }
  return next;
}

function requireText(path: FieldPath, value: string | null | undefined, max: number): string {
  const text = checkText(path, value ?? null, max);
  if (text === null) throw new ValidationError(path, 'This value is required and cannot be empty.', 'parameter_missing');
  return text;
}

function mergeMetadata(current: Record<string, string>, patch: MetadataPatch): Record<string, string> {
  const next: Record<string, string> = patch.clear ? {} : { ...current };
  for (const [key, value] of Object.entries(patch.set ?? {})) {
    const path = ['metadata', key];
    if (key.length === 0) throw new ValidationError(['metadata'], 'Metadata keys cannot be empty.');
    if (tooLong(key, LIMITS.metadataKeyLength)) {
      throw new ValidationError(path, `Metadata keys can be at most ${LIMITS.metadataKeyLength} characters long (got ${charLength(key)}).`);
    }
    if (key.includes('[') || key.includes(']')) throw new ValidationError(path, 'Metadata keys cannot contain square brackets.');
    if (value === null || value === '') {
      delete next[key];
      continue;
    }
    if (tooLong(value, LIMITS.metadataValueLength)) {
      throw new ValidationError(path, `Metadata values can be at most ${LIMITS.metadataValueLength} characters long (got ${charLength(value)}).`);
    }
    next[key] = value;
  }
  if (Object.keys(next).length > LIMITS.metadataKeys) {
    throw new ValidationError(['metadata'], `An object can have at most ${LIMITS.metadataKeys} metadata keys.`);
  }
  return next;
}

function checkLocales(locales: string[]): string[] {
  if (locales.length > LIMITS.preferredLocales) {
    throw new ValidationError(['preferred_locales'], `At most ${LIMITS.preferredLocales} preferred locales are allowed.`);
  }
  return locales.map((locale, i) => {
    if (!isValidLocale(locale)) throw new ValidationError(['preferred_locales', i], `Invalid locale: ${locale}`);
    return locale;
  });
}

function checkTaxIds(taxIds: TaxId[]): TaxId[] {
  if (taxIds.length > LIMITS.taxIds) throw new ValidationError(['tax_ids'], `At most ${LIMITS.taxIds} tax ids are allowed.`);
  return taxIds.map((t, i) => ({
    type: requireText(['tax_ids', i, 'type'], t.type, LIMITS.taxIdType),
    value: requireText(['tax_ids', i, 'value'], t.value, LIMITS.taxIdValue),
  }));
}

/** Contacts are replaced as a list; a contact that keeps its `id` must be one the customer has. */
function checkContacts(contacts: ContactInput[], current: Contact[]): Contact[] {
  if (contacts.length > LIMITS.contacts) throw new ValidationError(['contacts'], `At most ${LIMITS.contacts} contacts are allowed.`);
  if (contacts.filter((c) => c.is_primary).length > 1) {
    throw new ValidationError(['contacts'], 'At most one contact can be primary.');
  }
  const known = new Set(current.map((c) => c.id));
  return contacts.map((c, i) => {
    if (c.id !== undefined && !known.has(c.id)) {
      throw new ValidationError(['contacts', i, 'id'], `No such contact on this customer: '${c.id}'`, 'resource_missing');
    }
    const contact: Contact = {
      id: c.id ?? newId(),
      name: checkText(['contacts', i, 'name'], c.name ?? null, LIMITS.name),
      first_name: checkText(['contacts', i, 'first_name'], c.first_name ?? null, LIMITS.name),
      last_name: checkText(['contacts', i, 'last_name'], c.last_name ?? null, LIMITS.name),
      email: checkEmail(['contacts', i, 'email'], c.email ?? null),
      phone: checkText(['contacts', i, 'phone'], c.phone ?? null, LIMITS.phone),
      is_primary: c.is_primary === true,
    };
    if (contact.name === null && contact.first_name === null && contact.last_name === null && contact.email === null) {
      throw new ValidationError(['contacts', i], 'A contact needs a name or an email.', 'parameter_missing');
    }
    return contact;
  });
}

/** The key under which e-mail uniqueness is checked: case-insensitive. */
export function emailKey(email: string | null): string | null {
  return email === null ? null : email.toLowerCase();
}
