import type { Customer } from './model.ts';
import { PreconditionFailedError } from '../errors.ts';

/**
 * A write's condition on the customer's current version, from `If-Match`: any existing version
 * (`*`), or one of these entity tags.
 */
export type Precondition = '*' | readonly string[];

/** A customer's entity tag: its version, quoted (a strong tag; every write changes it). */
export function customerEtag(customer: Pick<Customer, 'version'>): string {
  return `"v${customer.version}"`;
}

/** Throws PreconditionFailedError, naming the current tag, unless `current` satisfies `precondition`. */
export function checkPrecondition(current: Customer, precondition: Precondition | undefined): void {
  if (precondition === undefined || precondition === '*') return;
  const etag = customerEtag(current);
  if (!precondition.includes(etag)) throw new PreconditionFailedError(etag);
}
