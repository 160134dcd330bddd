import { SurfaceError } from '../shared/errors/problem.ts';
import type { Location } from './validation-messages.ts';

/**
 * A parameter Count's pages give a 400 of its own: "Bad Request - Invalid UUID format" (Get
 * Customer) and "Bad Request - Invalid or missing email parameter" (Find Customer by Email),
 * https://developers.getcount.com/api-reference/customers/get-customer and
 * …/find-customer-by-email. Rendered as a VALIDATION_ERROR naming the field (errors.ts).
 */
export class CountParameterError extends SurfaceError<{ field: string; location: Location }> {
  constructor(field: string, location: Location, message: string) {
    super('request_invalid', message, { field, location });
    this.name = 'CountParameterError';
  }
}

export const INVALID_UUID = 'Invalid UUID format';
export const INVALID_EMAIL = 'Invalid or missing email parameter';
