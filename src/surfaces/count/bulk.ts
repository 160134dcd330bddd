import type { Customer } from '../../domain/customers/model.ts';
import type { CustomerObject } from './schemas.ts';
import { rowError, validationError, type CountErrorFields, type ErrorItem } from './errors.ts';
import { customerToCount, joinField } from './wire.ts';

/**
 * The bulk endpoints' per-row processing. Rows are applied one after another, in order, each on its
 * own (a row is one domain create or update: atomic by itself, independent of the others), so one
 * bad row never fails the others and a later row sees what earlier rows did (two rows with one new
 * e-mail: the first is created, the second is a 409). Each result says what the row would have
 * answered alone; fields are named from the request body's root: `customers[2].email`.
 */

export interface RowResult {
  index: number;
  status: 'success' | 'error';
  statusCode: number;
  data?: CustomerObject;
  error?: CountErrorFields;
}

export interface BulkData {
  results: RowResult[];
  total: number;
  succeeded: number;
  failed: number;
}

type Checker = (value: unknown, prefix: readonly (string | number)[]) => ErrorItem[] | null;

/** A domain error's fields, named from the body's root. */
function placed(error: CountErrorFields, index: number): CountErrorFields {
  const at = (field: string) => joinField(['customers', index]) + (field === '' || field === 'body' ? '' : field.startsWith('[') ? field : `.${field}`);
  if (error.errors) {
    const errors = error.errors.map((e) => (e.field.startsWith('customers[') ? e : { ...e, field: at(e.field) }));
    return { ...error, message: `Validation failed for ${[...new Set(errors.map((e) => e.field))].join(', ')}.`, errors };
  }
  if (typeof error.details.field === 'string') return { ...error, details: { ...error.details, field: at(error.details.field) } };
  return error;
}

export async function runRows<Row>(
  rows: readonly unknown[],
  check: Checker,
  apply: (row: Row) => Promise<{ statusCode: number; customer: Customer }>,
): Promise<BulkData> {
  const results: RowResult[] = [];
  for (const [index, row] of rows.entries()) {
    const items = check(row, ['customers', index]);
    if (items) {
      const { statusCode, error } = rowError(validationError(items, 'body'));
      results.push({ index, status: 'error', statusCode, error });
      continue;
    }
    try {
      const { statusCode, customer } = await apply(row as Row);
      results.push({ index, status: 'success', statusCode, data: customerToCount(customer) });
    } catch (err) {
      // A store that cannot answer (503) or a bug fails the whole request: rowError rethrows those.
      const { statusCode, error } = rowError(err);
      results.push({ index, status: 'error', statusCode, error: placed(error, index) });
    }
  }
  const succeeded = results.filter((r) => r.status === 'success').length;
  return { results, total: results.length, succeeded, failed: results.length - succeeded };
}

export function bulkMessage(what: 'create' | 'update', data: BulkData): string {
  return `Bulk ${what} processed: ${data.succeeded} succeeded, ${data.failed} failed.`;
}
