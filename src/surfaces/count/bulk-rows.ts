import type { FastifyRequest } from 'fastify';
import type { Customer } from '../../domain/customers/model.ts';
import { answerError } from '../shared/errors/answer.ts';
import { SchemaValidationError } from '../shared/errors/problem.ts';
import type { SchemaIssue } from '../shared/errors/schema-issues.ts';
import { countErrors } from './errors.ts';
import { joinField } from './field-names.ts';
import type { BulkData, BulkResponse, RowError, RowResult } from './schemas.ts';
import { customerToCount } from './wire.ts';

/**
 * The bulk endpoints' per-row processing. Rows are applied one after another, in order, each on its
 * own (a row is one domain create or update: atomic by itself, independent of the others), so one
 * bad row never fails the others and a later row sees what earlier rows did (two rows with one new
 * e-mail: the first is created, the second is a 409). Each result says what the row would have
 * answered alone, through the surface's own error tables; fields are named from the request body's
 * root: `customers[2].email`.
 */

/** A row's own error, its fields named from the body's root (`email` → `customers[3].email`). */
function placed(error: RowError, index: number): RowError {
  const row = joinField(['customers', index]);
  const at = (field: string) => (field === '' || field === 'body' ? row : field.startsWith('[') ? row + field : `${row}.${field}`);
  if (error.errors) {
    // Schema issues were placed from the root already; the domain's are the row's.
    const errors = error.errors.map((item) => (item.field.startsWith('customers[') ? item : { ...item, field: at(item.field) }));
    return { ...error, message: `Validation failed for ${[...new Set(errors.map((item) => item.field))].join(', ')}.`, errors };
  }
  if (typeof error.details.field === 'string') return { ...error, details: { ...error.details, field: at(error.details.field) } };
  return error;
}

/**
 * Checks and applies each row; a row's refusal is answered as the request would answer it, while a
 * store that cannot answer (503) or a bug (500) fails the whole request.
 */
export async function applyRows<Row>(
  request: FastifyRequest,
  rows: readonly unknown[],
  check: (row: unknown) => SchemaIssue[] | null,
  apply: (row: Row) => Promise<{ statusCode: number; customer: Customer }>,
): Promise<BulkData> {
  const results: RowResult[] = [];
  for (const [index, row] of rows.entries()) {
    try {
      const issues = check(row);
      if (issues) throw new SchemaValidationError('body', issues.map((issue) => ({ ...issue, path: ['customers', index, ...issue.path] })));
      const { statusCode, customer } = await apply(row as Row);
      results.push({ index, status: 'success', statusCode, data: customerToCount(customer) });
    } catch (err) {
      const answer = answerError(countErrors, err, request);
      if (answer.status >= 500) throw err;
      const { status: _status, ...error } = answer.body;
      results.push({ index, status: 'error', statusCode: answer.status, error: placed(error, index) });
    }
  }
  const succeeded = results.filter((result) => result.status === 'success').length;
  return { results, total: results.length, succeeded, failed: results.length - succeeded };
}

export function bulkResponse(what: 'create' | 'update', data: BulkData): BulkResponse {
  return { status: 'success', message: `Bulk ${what} processed: ${data.succeeded} succeeded, ${data.failed} failed.`, data };
}
