import { isCanonicalId, newId } from '../ids.ts';
import { ValidationError } from '../errors.ts';
import type { Customer, CustomerPatch, CustomerScope, InvoiceSettings } from './model.ts';
import { applyPatch } from './patch.ts';
import { randomInvoicePrefix } from './invoice-prefix.ts';

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
  (patch.contacts ?? []).forEach((contact, i) => {
    if (contact.id === undefined) return;
    if (typeof contact.id !== 'string' || !isCanonicalId(contact.id)) throw new ValidationError(['contacts', i, 'id'], `Invalid contact id: ${String(contact.id)}`);
    if (seen.has(contact.id)) throw new ValidationError(['contacts', i, 'id'], `Contact id given twice: ${contact.id}`);
    seen.add(contact.id);
  });
  base.contacts = [...seen].map((id) => ({ id, name: null, first_name: null, last_name: null, email: null, phone: null, is_primary: false }));
  const customer = applyPatch(base, { ...patch, contacts: patch.contacts ?? null }, nowMs);
  customer.updated = updated;
  return customer;
}

/** A customer with every field at its default: what a create starts from, and what an erasure leaves. */
export function blankCustomer(scope: CustomerScope, id: string, created: number, updated: number): Customer {
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
