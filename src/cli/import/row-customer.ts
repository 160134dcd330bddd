/** One record of the file → the customer to insert, a deleted stub to skip, or the row's failure. */
import { importedCustomer } from '../../domain/customers/factory.ts';
import type { Customer, CustomerScope } from '../../domain/customers/model.ts';
import { DomainError, ValidationError } from '../../domain/errors.ts';
import { idTimeMs } from '../../domain/ids.ts';
import { failureOf } from './failures.ts';
import type { RowFailure } from './import-types.ts';
import type { ImportFormat, SourceRecord } from './readers/source-records.ts';
import type { CsvColumns } from './rows/csv-columns.ts';
import { importRow } from './rows/import-row.ts';
import { rowIdentity, type RunIdentity } from './run-identity.ts';

/** A customer built from a row, waiting for its batch's insert. */
export interface PendingCustomer {
  record: SourceRecord;
  customer: Customer;
  /** The row's own `id`, to name it in errors. */
  id: unknown;
}

export type RowOutcome = { pending: PendingCustomer } | { skipped: true } | { failure: RowFailure };

export interface RowContext {
  format: ImportFormat;
  /** CSV: the file's columns. */
  columns: CsvColumns | null;
  run: RunIdentity;
  scope: CustomerScope;
}

export function customerOfRecord(record: SourceRecord, context: RowContext): RowOutcome {
  let id: unknown;
  try {
    if (record.error !== undefined) throw new ValidationError([], record.error);
    const value = context.format === 'csv' ? context.columns!.toObject(record.value as string[]) : record.value;
    id = (value as { id?: unknown } | null)?.id;
    const row = importRow(value);
    if (row.deleted) return { skipped: true };
    const nowMs = Date.now();
    const identity = row.id !== null ? { id: row.id, created: row.created ?? Math.floor(idTimeMs(row.id) / 1000) } : rowIdentity(context.run, record.row, row.created);
    const updated = row.updated ?? Math.max(nowMs, identity.created * 1000);
    return { pending: { record, id, customer: importedCustomer(context.scope, row.patch, { ...identity, updated }, nowMs) } };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return { failure: failureOf(record, err, context.columns, id) };
  }
}
