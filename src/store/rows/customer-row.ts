import type { Contact, Customer } from '../../domain/customers/model.ts';
import type { ErasedCustomer } from '../../domain/customers/erasure.ts';
import type { WriteContext } from '../../domain/customers/write-context.ts';
import { storedTaxIds } from '../../domain/customers/tax-ids.ts';

/** A customer as both SQL backends store it: scalars in columns, sub-objects as JSON text. */
export type CustomerRow = Record<CustomerColumn, string | number | null>;

export const CUSTOMER_COLUMNS = [
  'tenant_id', 'mode', 'id', 'created', 'updated', 'deleted_at', 'version',
  'email', 'email_lower', 'email_unique', 'name', 'phone', 'description', 'individual_name',
  'external_id', 'company_name', 'billing_email', 'website', 'status', 'balance', 'currency',
  'default_source', 'delinquent', 'invoice_prefix', 'next_invoice_sequence', 'tax_exempt',
  'test_clock', 'seller_id', 'stripe_customer_id', 'address', 'shipping', 'invoice_settings',
  'metadata', 'preferred_locales', 'tax_ids', 'contacts',
] as const;

export type CustomerColumn = (typeof CUSTOMER_COLUMNS)[number];

export function customerToRow(customer: Customer, enforceUniqueEmail: boolean, deletedAt: number | null = null): CustomerRow {
  const emailLower = customer.email === null ? null : customer.email.toLowerCase();
  return {
    tenant_id: customer.tenant_id,
    mode: customer.mode,
    id: customer.id,
    created: customer.created,
    updated: customer.updated,
    deleted_at: deletedAt,
    version: customer.version,
    email: customer.email,
    email_lower: emailLower,
    email_unique: enforceUniqueEmail && deletedAt === null ? emailLower : null,
    name: customer.name,
    phone: customer.phone,
    description: customer.description,
    individual_name: customer.individual_name,
    external_id: customer.external_id,
    company_name: customer.company_name,
    billing_email: customer.billing_email,
    website: customer.website,
    status: customer.status,
    balance: customer.balance,
    currency: customer.currency,
    default_source: customer.default_source,
    delinquent: customer.delinquent ? 1 : 0,
    invoice_prefix: customer.invoice_prefix,
    next_invoice_sequence: customer.next_invoice_sequence,
    tax_exempt: customer.tax_exempt,
    test_clock: customer.test_clock,
    seller_id: customer.seller_id,
    stripe_customer_id: customer.stripe_customer_id,
    address: json(customer.address),
    shipping: json(customer.shipping),
    invoice_settings: json(customer.invoice_settings),
    metadata: json(customer.metadata),
    preferred_locales: json(customer.preferred_locales),
    tax_ids: json(customer.tax_ids),
    contacts: json(customer.contacts),
  };
}

function json(value: unknown): string | null {
  return value === null ? null : JSON.stringify(value);
}

export function rowToCustomer(row: Record<string, unknown>): Customer {
  const columns = row as Record<string, string | number | null | undefined>;
  return customerFrom((column) => columns[column] ?? null);
}

const COLUMN_INDEX = Object.fromEntries(CUSTOMER_COLUMNS.map((column, i) => [column, i])) as Record<CustomerColumn, number>;

/**
 * A customer from its columns' values in CUSTOMER_COLUMNS order (a row read as an array): a store
 * that can skip building one object per row (better-sqlite3's raw mode) reads a page about 40%
 * faster (measured: 87 → 49 µs for a page of 11 rows).
 */
export function valuesToCustomer(values: readonly unknown[]): Customer {
  const columns = values as readonly (string | number | null)[];
  return customerFrom((column) => columns[COLUMN_INDEX[column]] ?? null);
}

function customerFrom(get: (column: CustomerColumn) => string | number | null): Customer {
  // JSON columns: text on SQLite, already parsed by pg from PostgreSQL's json type.
  const parsed = (column: CustomerColumn) => {
    const value = get(column);
    return typeof value === 'string' ? JSON.parse(value) : value;
  };
  const deletedAt = get('deleted_at');
  return {
    id: get('id') as string,
    tenant_id: get('tenant_id') as string,
    mode: get('mode') as Customer['mode'],
    created: Number(get('created')),
    updated: Number(get('updated')),
    deleted: deletedAt !== null,
    version: Number(get('version')),
    name: get('name') as string | null,
    email: get('email') as string | null,
    phone: get('phone') as string | null,
    description: get('description') as string | null,
    individual_name: get('individual_name') as string | null,
    external_id: get('external_id') as string | null,
    company_name: get('company_name') as string | null,
    billing_email: get('billing_email') as string | null,
    website: get('website') as string | null,
    status: get('status') as Customer['status'],
    balance: Number(get('balance')),
    currency: get('currency') as string | null,
    default_source: get('default_source') as string | null,
    delinquent: Boolean(get('delinquent')),
    invoice_prefix: get('invoice_prefix') as string,
    next_invoice_sequence: Number(get('next_invoice_sequence')),
    tax_exempt: get('tax_exempt') as Customer['tax_exempt'],
    test_clock: get('test_clock') as string | null,
    seller_id: get('seller_id') as string | null,
    stripe_customer_id: get('stripe_customer_id') as string | null,
    address: parsed('address'),
    shipping: parsed('shipping'),
    invoice_settings: parsed('invoice_settings'),
    metadata: parsed('metadata') ?? {},
    preferred_locales: parsed('preferred_locales') ?? [],
    tax_ids: storedTaxIds(parsed('tax_ids') ?? [], get('id') as string, Number(get('created'))),
    // Contacts stored before first_name/last_name existed read as having none.
    contacts: ((parsed('contacts') ?? []) as Partial<Contact>[]).map((contact) => ({
      id: contact.id as string,
      name: contact.name ?? null,
      first_name: contact.first_name ?? null,
      last_name: contact.last_name ?? null,
      email: contact.email ?? null,
      phone: contact.phone ?? null,
      is_primary: contact.is_primary === true,
    })),
  };
}

/** The arguments of `Store.insertCustomers`, checked alike by both stores. */
export function checkBatch(customers: readonly Customer[], contexts: readonly WriteContext[]): void {
  if (customers.length !== contexts.length) throw new Error('insertCustomers needs one write context per customer');
  if (contexts.some((context) => context.idempotency !== undefined)) throw new Error('insertCustomers takes no idempotency keys');
}

/** The tombstone of a customer erased before, from its row's erasure columns (ERASURE_SQL.state); null when it was not. */
export function erasedBefore(customer: Customer, state: Record<string, unknown>): ErasedCustomer | null {
  if (state.erased_at === null || state.erased_at === undefined) return null;
  return { customer, erasedAt: Number(state.erased_at), erasedBy: state.erased_by as string };
}
