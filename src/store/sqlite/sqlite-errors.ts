import type { Customer } from '../../domain/customers/model.ts';
import { DomainError, EmailTakenError, IdTakenError, UnavailableError } from '../../domain/errors.ts';

const codeOf = (err: unknown): string => (err as { code?: string } | null)?.code ?? '';

export function isUniqueViolation(err: unknown): boolean {
  return codeOf(err) === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Errors that are about the database, not about one customer: they fail the whole batch. */
export function isStoreFailure(err: unknown): boolean {
  if (err instanceof DomainError) return err instanceof UnavailableError;
  return !codeOf(err).startsWith('SQLITE_CONSTRAINT');
}

/** A customer's INSERT or UPDATE refused for its e-mail or id, as the domain error saying so; other errors unchanged. */
export function customerWriteError(err: unknown, customer: Customer): unknown {
  if (isUniqueViolation(err) && String((err as Error).message).includes('email_unique')) return new EmailTakenError(customer.email ?? '');
  // The customer's key (tenant_id, mode, id) is a UNIQUE constraint: the rowid is `seq` (migration 0007).
  if (isUniqueViolation(err) && String((err as Error).message).includes('customers.id')) return new IdTakenError(customer.id);
  return err;
}

/** A database that stays locked, fails to write or is closed is unavailable; other errors are themselves. */
export function storeError(err: unknown): unknown {
  const code = codeOf(err);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_BUSY')) {
    return new UnavailableError('The store is busy; retry the request.', { cause: err });
  }
  // Requests still arriving while the server shuts down.
  if (err instanceof TypeError && /database connection is not open/i.test(err.message)) {
    return new UnavailableError('The store is closed; retry the request.', { cause: err });
  }
  return err;
}

/** Runs `fn`, turning a database that stays locked or unreachable into UnavailableError. */
export function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw storeError(err);
  }
}
