import type { Customer } from '../../domain/customers/model.ts';
import { CustomerWrites, FOLDED_COPIES } from '../sql/customer-sql.ts';
import { POSTGRES } from '../sql/dialect.ts';
import { OTHER_TEXT_FIELDS } from '../sql/search-clauses.ts';
import { customerWriteError } from './pg-errors.ts';
import type { PgSession } from './pool.ts';

const JSON_COLUMNS: ReadonlySet<string> = new Set(['address', 'shipping', 'invoice_settings', 'metadata', 'preferred_locales', 'tax_ids', 'contacts']);
const JSONB_COLUMNS: ReadonlySet<string> = new Set(['metadata_lower', 'fields_lower']);

const foldedValues = (entries: [string, string][]) => JSON.stringify(Object.fromEntries(entries.map(([key, value]) => [key, value.toLowerCase()])));

/**
 * How PostgreSQL stores a customer: JSON in json columns (which keep the client's key order),
 * delinquent as a boolean, and search copies in jsonb (see search-sql.ts).
 */
export const CUSTOMER_WRITES = new CustomerWrites(POSTGRES, {
  derived: {
    ...FOLDED_COPIES,
    metadata_lower: (customer) => foldedValues(Object.entries(customer.metadata)),
    fields_lower: (customer) => foldedValues(OTHER_TEXT_FIELDS.flatMap((field) => (customer[field] === null ? [] : [[field, customer[field]]]))),
  },
  value(column) {
    if (JSON_COLUMNS.has(column)) return '?::json';
    if (JSONB_COLUMNS.has(column)) return '?::jsonb';
    if (column === 'delinquent') return '(?::int <> 0)';
    return '?';
  },
});

/** Writes `customer` with `sql` (CUSTOMER_WRITES' insert or update), its e-mail or id refused as the domain error. */
export async function writeCustomer(tx: PgSession, sql: string, customer: Customer, enforceUniqueEmail: boolean): Promise<void> {
  try {
    await tx.query(sql, CUSTOMER_WRITES.values(customer, enforceUniqueEmail));
  } catch (err) {
    throw customerWriteError(err, customer);
  }
}
