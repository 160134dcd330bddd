/** A row that fails: what is reported of it, and how the CLI prints it. */
import { ConflictError, DomainError, ValidationError } from '../../domain/errors.ts';
import { pathToParam } from '../../formats/bracket-path.ts';
import type { RowFailure } from './import-types.ts';
import type { SourceRecord } from './readers/source-records.ts';
import type { CsvColumns } from './rows/csv-columns.ts';

/** `id`: the row's own `id`, to name it. */
export function failureOf(record: SourceRecord, error: unknown, columns: CsvColumns | null, id?: unknown): RowFailure {
  const failure: RowFailure = { row: record.row, line: record.line, field: null, code: 'parameter_invalid', message: String((error as Error)?.message ?? error) };
  if (error instanceof ValidationError || error instanceof ConflictError) {
    failure.code = error.code;
    failure.field = error.path.length > 0 ? pathToParam(error.path) : null;
    const column = failure.field && columns?.headerFor(failure.field);
    if (column && column !== failure.field) failure.column = column;
  } else if (!(error instanceof DomainError)) {
    failure.code = 'row_refused';
  }
  if (typeof id === 'string' && id !== '') failure.id = id;
  return failure;
}

/** `line 17: email: Invalid email address: x`, as the CLI prints a failure. */
export function describeFailure(failure: RowFailure): string {
  const where = failure.field ? `${failure.field}${failure.column ? ` (column "${failure.column}")` : ''}: ` : '';
  return `line ${failure.line}: ${where}${failure.message}`;
}
