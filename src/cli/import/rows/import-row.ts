/**
 * One import row → what the domain needs to build the customer: a CustomerPatch, and what the row
 * says of the customer's identity (a Clientele id to keep, its creation and update times).
 *
 * A row is a customer in Stripe's shape, field for field as `GET /v1/customers/:id` (and
 * `clientele export`) prints it, Clientele's extension fields included, or as Stripe's own API
 * prints it. CSV rows are first turned into that shape by `CsvColumns`.
 *
 * Types are checked here (a name must be text, a balance a whole number); the rules (e-mail
 * syntax, countries, lengths, metadata limits) are the domain's, applied when the customer is built.
 * Every error names the field in the native bracket notation.
 */
import type { CustomerPatch } from '../../../domain/customers/model.ts';
import { customerIdFromWire } from '../../../formats/ids.ts';
import { describe, either, fail, integer, isObject, object, oneOf, text, unixSeconds } from './field-checks.ts';
import { address, contacts, invoiceSettings, locales, metadata, taxIds } from './field-values.ts';

export interface ImportRow {
  patch: CustomerPatch;
  /** The row's Clientele id (canonical), kept by the import; null: the import assigns one. */
  id: string | null;
  /** Unix seconds, when the row says. */
  created: number | null;
  /** Unix milliseconds, when the row says. */
  updated: number | null;
  /** A deleted customer's stub (`{"id","object":"customer","deleted":true}`): nothing to import. */
  deleted: boolean;
}

/** Fields of Stripe's customer object that are read-only, or live with the payment processor: accepted and ignored. */
export const IGNORED_FIELDS = new Set([
  'object', 'livemode', 'currency', 'default_currency', 'delinquent', 'discount', 'test_clock', 'cash_balance',
  'invoice_credit_balance', 'customer_account', 'sources', 'subscriptions', 'tax', 'deleted',
]);

/** Every field a row may name (besides IGNORED_FIELDS). */
export const ROW_FIELDS = new Set([
  'id', 'created', 'updated', 'email', 'name', 'phone', 'description', 'address', 'shipping', 'balance', 'account_balance',
  'default_source', 'invoice_prefix', 'invoice_settings', 'metadata', 'next_invoice_sequence', 'preferred_locales',
  'tax_exempt', 'individual_name', 'business_name', 'company_name', 'external_id', 'billing_email', 'website', 'status',
  'tax_ids', 'tax_id_data', 'contacts', 'default_payment_method', 'seller_id', 'stripe_customer_id',
]);

export function isKnownField(name: string): boolean {
  return ROW_FIELDS.has(name) || IGNORED_FIELDS.has(name);
}

const STRIPE_ID = /^cus_[0-9A-Za-z]+$/;

/** A row in Stripe's customer shape → patch and identity. Throws ValidationError naming the field. */
export function importRow(value: unknown): ImportRow {
  if (!isObject(value)) return fail([], `A row is a customer object, not ${describe(value)}.`);
  for (const key of Object.keys(value)) if (!isKnownField(key)) fail([key], `Unknown field '${key}': not a customer field.`);
  if (value.object !== undefined && value.object !== 'customer') fail(['object'], `Not a customer: object is ${describe(value.object)}.`);
  if (value.deleted === true) return { patch: {}, id: null, created: null, updated: null, deleted: true };

  let id: string | null = null;
  let stripeId = text(['stripe_customer_id'], value.stripe_customer_id);
  const givenId = text(['id'], value.id);
  if (givenId) {
    id = customerIdFromWire(givenId);
    if (id === null) {
      // Another system's customer id: Stripe's is kept as stripe_customer_id.
      if (!STRIPE_ID.test(givenId)) fail(['id'], `Invalid id: '${givenId}' is neither a Clientele nor a Stripe customer id (cus_…); put other systems' ids in external_id.`);
      if (stripeId && stripeId !== givenId) fail(['id'], `id '${givenId}' and stripe_customer_id '${stripeId}' differ.`);
      stripeId = givenId;
    }
  }
  const created = unixSeconds(['created'], value.created) ?? null;
  const updatedSeconds = unixSeconds(['updated'], value.updated);

  const givenSettings = value.invoice_settings === undefined ? undefined : invoiceSettings(value.invoice_settings);
  const paymentMethod = text(['default_payment_method'], value.default_payment_method);
  let settings = givenSettings;
  if (paymentMethod !== undefined) {
    const merged = either(['default_payment_method'], 'invoice_settings[default_payment_method]', paymentMethod, givenSettings?.default_payment_method);
    settings = { ...(givenSettings ?? {}), default_payment_method: merged ?? null };
  }
  if (value.tax_ids !== undefined && value.tax_id_data !== undefined) {
    either(['tax_ids'], 'tax_id_data', taxIds('tax_ids', value.tax_ids), taxIds('tax_id_data', value.tax_id_data));
  }
  const shipping = value.shipping;
  const patch: CustomerPatch = {
    name: text(['name'], value.name),
    email: text(['email'], value.email),
    phone: text(['phone'], value.phone),
    description: text(['description'], value.description),
    address: address(['address'], value.address),
    balance: either(['balance'], 'account_balance', integer(['balance'], value.balance), integer(['account_balance'], value.account_balance)),
    default_source: text(['default_source'], value.default_source),
    invoice_prefix: text(['invoice_prefix'], value.invoice_prefix) ?? undefined,
    invoice_settings: settings,
    metadata: metadata(value.metadata),
    next_invoice_sequence: integer(['next_invoice_sequence'], value.next_invoice_sequence),
    preferred_locales: locales(value.preferred_locales),
    tax_exempt: oneOf(['tax_exempt'], value.tax_exempt, ['none', 'exempt', 'reverse'] as const),
    individual_name: text(['individual_name'], value.individual_name),
    external_id: text(['external_id'], value.external_id),
    company_name: either(['company_name'], 'business_name', text(['company_name'], value.company_name), text(['business_name'], value.business_name)),
    billing_email: text(['billing_email'], value.billing_email),
    website: text(['website'], value.website),
    status: oneOf(['status'], value.status, ['active', 'inactive'] as const),
    tax_ids: value.tax_ids !== undefined ? taxIds('tax_ids', value.tax_ids) : taxIds('tax_id_data', value.tax_id_data),
    contacts: contacts(value.contacts),
    seller_id: text(['seller_id'], value.seller_id),
    stripe_customer_id: stripeId,
  };
  if (shipping !== undefined) {
    if (shipping === null || shipping === '') patch.shipping = null;
    else {
      const given = object(['shipping'], shipping, ['name', 'phone', 'address']);
      patch.shipping = {
        name: text(['shipping', 'name'], given.name) ?? null,
        phone: text(['shipping', 'phone'], given.phone) ?? null,
        address: address(['shipping', 'address'], given.address) ?? null,
      };
    }
  }
  for (const key of Object.keys(patch) as (keyof CustomerPatch)[]) {
    if (patch[key] === undefined) delete patch[key];
  }
  return { patch, id, created, updated: updatedSeconds === undefined ? null : updatedSeconds * 1000, deleted: false };
}
