/**
 * Errors the domain raises, and the store raises through its port. They name fields by their
 * canonical path (`['address', 'country']`); each surface renders the path in its own notation.
 */
export type FieldPath = readonly (string | number)[];

/** Every kind of error the domain and the store raise; each surface renders each (src/surfaces/shared/errors/). */
export const DOMAIN_ERROR_KINDS = ['validation', 'not_found', 'conflict', 'unavailable', 'idempotency', 'precondition_failed'] as const;
export type DomainErrorKind = (typeof DOMAIN_ERROR_KINDS)[number];

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
}

export class ValidationError extends DomainError {
  readonly kind = 'validation';
  constructor(
    readonly path: FieldPath,
    message: string,
    readonly code: string = 'parameter_invalid',
    /** Further fields the same request got wrong, where the caller checked each (CheckoutPage reports every one). */
    readonly others: readonly ValidationError[] = [],
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
  constructor(
    readonly resource: 'customer' | 'tenant' | 'customer_history_entry' | 'event' | 'webhook_endpoint' | 'webhook_delivery' | 'tax_id' | 'partner_grant',
    readonly id: string,
    /** The request field that carried the id, when it was not the path. */
    readonly path: FieldPath = ['id'],
  ) {
    super(`No such ${resource}: '${id}'`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
  constructor(
    readonly path: FieldPath,
    message: string,
    readonly code: string = 'resource_already_exists',
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** The store cannot answer right now (database down, locked too long). */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnavailableError';
  }
}

/** A read that ran past its budget was stopped: the store answers others meanwhile. */
export class QueryBudgetError extends UnavailableError {
  constructor(readonly budgetMs: number | null) {
    super(
      `The query ran longer than its budget${budgetMs === null ? '' : ` of ${budgetMs} ms`} and was stopped; narrow it (a longer substring, an exact field or a created range) and retry.`,
    );
    this.name = 'QueryBudgetError';
  }
}

export class EmailTakenError extends ConflictError {
  constructor(email: string) {
    super(['email'], `A customer with the email '${email}' already exists.`);
    this.name = 'EmailTakenError';
  }
}

/** A customer with this id exists already (an import that keeps its source's ids). */
export class IdTakenError extends ConflictError {
  constructor(readonly id: string) {
    super(['id'], 'A customer with this id already exists.');
    this.name = 'IdTakenError';
  }
}

/**
 * An Idempotency-Key that cannot be honoured: reused with other parameters, still held by a
 * request that has not finished, or not a usable key.
 */
export class IdempotencyError extends DomainError {
  readonly kind = 'idempotency';
  constructor(
    readonly reason: 'parameters_mismatch' | 'in_progress' | 'invalid_key',
    readonly key: string,
  ) {
    super(IdempotencyError.messageFor(reason, key));
    this.name = 'IdempotencyError';
  }

  private static messageFor(reason: IdempotencyError['reason'], key: string): string {
    const shown = key.length > 40 ? key.slice(0, 37) + '...' : key;
    switch (reason) {
      case 'parameters_mismatch':
        return `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${shown}' if you meant to execute a different request.`;
      case 'in_progress':
        return `There is currently another in-progress request using this idempotency key ('${shown}'). Retry after it has finished.`;
      case 'invalid_key':
        return 'Invalid Idempotency-Key: it must be 1 to 255 printable characters.';
    }
  }
}

/** `If-Match` named a version the customer no longer has; nothing was written. */
export class PreconditionFailedError extends DomainError {
  readonly kind = 'precondition_failed';
  constructor(
    /** The customer's current ETag, for the client to re-read or retry with. */
    readonly currentEtag: string,
  ) {
    super(`The customer has changed since the version given in If-Match; its current ETag is ${currentEtag}. Re-read it and retry.`);
    this.name = 'PreconditionFailedError';
  }
}
