/**
 * Errors the domain and the store raise. They name fields by their canonical path
 * (`['address', 'country']`); each surface renders the path in its own notation.
 */
export type FieldPath = readonly (string | number)[];

export abstract class DomainError extends Error {
  abstract readonly kind: 'validation' | 'not_found' | 'conflict' | 'unavailable';
}

export class ValidationError extends DomainError {
  readonly kind = 'validation';
  constructor(
    readonly path: FieldPath,
    message: string,
    readonly code: string = 'parameter_invalid',
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
  constructor(
    readonly resource: 'customer' | 'tenant',
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

export class EmailTakenError extends ConflictError {
  constructor(email: string) {
    super(['email'], `A customer with the email '${email}' already exists.`);
    this.name = 'EmailTakenError';
  }
}
