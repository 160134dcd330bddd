import type { Customer } from '../../domain/customers/model.ts';
import { EmailTakenError, IdTakenError, QueryBudgetError, UnavailableError, ValidationError } from '../../domain/errors.ts';

/** SQLSTATEs after which the same request may well succeed on retry: the database is going or coming back. */
const RETRYABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** True when `err` says the database could not be reached or dropped the connection. */
export function isConnectionError(err: unknown): boolean {
  const error = err as { code?: unknown; message?: unknown } | null;
  const code = typeof error?.code === 'string' ? error.code : '';
  if (code.startsWith('08') || RETRYABLE_SQLSTATES.has(code) || NETWORK_CODES.has(code)) return true;
  const message = typeof error?.message === 'string' ? error.message : '';
  // node-postgres reports a dropped socket and a pool connect timeout by message only.
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Client was closed|after calling end on the pool/i.test(message);
}

/**
 * Rethrows a connection failure as UnavailableError (a 503 on every surface), and text PostgreSQL
 * cannot hold (U+0000, which the domain and the parsers already refuse) as a ValidationError;
 * other errors unchanged.
 */
export function unavailableIfDisconnected(err: unknown): never {
  if (isConnectionError(err)) {
    throw new UnavailableError('The database is unavailable; retry the request.', { cause: err });
  }
  const code = (err as { code?: unknown } | null)?.code;
  // query_canceled by statement_timeout (the server's read budget, PostgresStoreOptions).
  if (code === '57014' && /statement timeout/i.test(String((err as Error).message))) throw new QueryBudgetError(null);
  if (code === '22021' || code === '22P05') {
    throw new ValidationError([], 'Text cannot contain the NUL character (U+0000).');
  }
  throw err;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const violation = err as { code?: unknown; constraint?: unknown } | null;
  return violation?.code === '23505' && (constraint === undefined || violation.constraint === constraint);
}

/** A customer's INSERT or UPDATE refused for its e-mail or id, as the domain error saying so; other errors unchanged. */
export function customerWriteError(err: unknown, customer: Customer): unknown {
  if (isUniqueViolation(err, 'customers_email_unique')) return new EmailTakenError(customer.email ?? '');
  if (isUniqueViolation(err, 'customers_pkey')) return new IdTakenError(customer.id);
  return err;
}

/** A Batcher's outage: the calls still queued fail at once rather than wait on an unreachable database. */
export function isOutage(error: unknown): boolean {
  return error instanceof UnavailableError;
}
