import { ValidationError } from '../../domain/errors.ts';
import type { ListCursor } from '../../domain/store-port.ts';

/**
 * A list's cursor from Stripe-style `starting_after` / `ending_before` (canonical ids, already
 * parsed): at most one may be given, as Stripe says.
 */
export function listCursor(startingAfter: string | undefined, endingBefore: string | undefined): ListCursor | undefined {
  if (startingAfter !== undefined && endingBefore !== undefined) {
    throw new ValidationError(['starting_after'], 'You may only specify one of these parameters: ending_before, starting_after.');
  }
  if (startingAfter !== undefined) return { after: startingAfter, field: ['starting_after'] };
  if (endingBefore !== undefined) return { before: endingBefore, field: ['ending_before'] };
  return undefined;
}
