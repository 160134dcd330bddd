import { toUuid } from '../../formats/ids.ts';
import { isCanonicalId } from '../../domain/ids.ts';
import type { FastifyRequest } from 'fastify';
import { EmailTakenError } from '../../domain/errors.ts';
import { AuthError } from '../../http/auth.ts';
import { MAX_JSON_DEPTH } from '../../http/json-body.ts';
import type { Rendered, SurfaceErrors } from '../shared/errors/answer.ts';
import { SurfaceError, type Problem } from '../shared/errors/problem.ts';
import { countField } from './field-names.ts';
import { CountParameterError } from './parameter-errors.ts';
import type { CountError } from './schemas.ts';
import { issueItems, LOCATIONS, type ErrorItem, type Location } from './validation-messages.ts';
import { shownCustomerId } from './wire.ts';

/**
 * Count's error envelope, as its pages document it (every page of
 * https://developers.getcount.com/api-reference/customers: "Always \"error\"", a human-readable
 * message, a machine-readable code, details "varies by error type", errors "present for validation
 * errors with multiple fields"):
 *
 *   {"status": "error", "message": "…", "code": "VALIDATION_ERROR", "details": {…}, "errors": [{"field", "message"}]}
 *
 * `details` is always an object (`{}` when there is nothing to add); `errors` only on validation
 * failures, one entry per bad field, `field` in Count's notation (field-names.ts). Statuses are the
 * catalogue's; the codes and what `details` holds are Count's (README.md lists them).
 */
type Details = CountError['details'];

/** A signed or bearer request that does not authenticate; `reason` says why. */
export type CountAuthReason =
  | 'missing_credentials'
  | 'missing_header'
  | 'invalid_timestamp'
  | 'timestamp_out_of_range'
  | 'invalid_signature'
  | 'credentials_expired'
  | 'invalid_authorization'
  | 'missing_bearer'
  | 'invalid_token'
  | 'token_expired'
  | 'credentials_mismatch'
  | 'partner_required';

export type CountAuthDetail = { reason: CountAuthReason; header?: string; serverTime?: number };

export class CountAuthError extends SurfaceError<CountAuthDetail> {
  constructor(reason: CountAuthReason, message: string, extra: Omit<CountAuthDetail, 'reason'> = {}) {
    super('unauthenticated', message, { reason, ...extra });
    this.name = 'CountAuthError';
  }
}

/** An OAuth code or refresh token refused (Count's "Forbidden - Invalid refresh token"); `code` is the envelope's. */
export class CountGrantError extends SurfaceError<{ code: 'INVALID_AUTHORIZATION_CODE' | 'INVALID_REFRESH_TOKEN' | 'CLIENT_MISMATCH' }> {
  constructor(code: CountGrantError['detail']['code'], message: string) {
    super('forbidden', message, { code });
    this.name = 'CountGrantError';
  }
}

/** A body sent in another Content-Type than JSON (or none); the detail is the type as sent. */
export class NotJsonBodyError extends SurfaceError<{ contentType: string | null }> {
  constructor(contentType: string | undefined) {
    super('media_type_unsupported', 'Send the request body as application/json.', { contentType: contentType === undefined ? null : contentType.slice(0, 100) });
    this.name = 'NotJsonBodyError';
  }
}

/** A body that JSON.parse refuses, or that names __proto__ / constructor.prototype. */
export class InvalidJsonError extends SurfaceError<null> {
  constructor() {
    super('body_unparseable', 'The request body is not valid JSON (or it names __proto__ or constructor.prototype, which are refused).', null);
    this.name = 'InvalidJsonError';
  }
}

/** find-by-email found no live customer with this e-mail. */
function envelope(code: CountError['code'], message: string, details: Details = {}, errors?: ErrorItem[]): Rendered<CountError> {
  return { body: { status: 'error', message, code, details, ...(errors ? { errors } : {}) } };
}

/** A 400 listing every bad field. */
function validationFailed(items: ErrorItem[], location: Location): Rendered<CountError> {
  const fields = [...new Set(items.map((item) => item.field))];
  return envelope('VALIDATION_ERROR', `Validation failed for ${fields.join(', ')}.`, { location }, items);
}

/** A secret key or access token (`Authorization: Bearer`) that does not authenticate. */
function bearerRefused(err: AuthError): Rendered<CountError> {
  const messages = {
    missing: 'Authentication required.',
    malformed: "Invalid Authorization header: use 'Authorization: Bearer <secret key>'.",
    invalid: `Invalid API key provided: ${err.masked ?? ''}`,
    expired: `Expired API key provided: ${err.masked ?? ''}. Use the key that replaced it.`,
  } as const;
  const reasons = { missing: 'missing_credentials', malformed: 'invalid_authorization', invalid: 'invalid_api_key', expired: 'api_key_expired' } as const;
  return envelope('UNAUTHORIZED', messages[err.reason], { reason: reasons[err.reason] });
}

const BODY_MESSAGES: Readonly<Record<string, string>> = { FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty.' };

const MALFORMED_MESSAGES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length does not match the body.',
  FST_ERR_BAD_URL: 'The URL is malformed.',
  FST_ERR_ASYNC_CONSTRAINT: 'The URL is malformed.',
};

const IDEMPOTENCY_CODES = {
  idempotency_key_reused: 'IDEMPOTENCY_KEY_REUSED',
  idempotency_key_in_use: 'IDEMPOTENCY_KEY_IN_USE',
  idempotency_key_invalid: 'INVALID_IDEMPOTENCY_KEY',
} as const;

function render(problem: Problem, request: FastifyRequest | null): Rendered<CountError> {
  switch (problem.kind) {
    case 'validation': {
      const field = countField(problem.error.path) || 'body';
      return validationFailed([{ field, message: problem.message }], 'body');
    }
    case 'not_found': {
      const { resource, id, path } = problem.error;
      // find-by-email: the e-mail is what named the customer.
      if (path[0] === 'email') return envelope('NOT_FOUND', 'No customer with this e-mail.', { email: id });
      if (resource === 'webhook_endpoint') return envelope('NOT_FOUND', 'Webhook subscription not found.', { uuid: isCanonicalId(id) ? toUuid(id) : id });
      if (resource !== 'customer') return envelope('NOT_FOUND', problem.message);
      return envelope('NOT_FOUND', 'Customer not found.', { uuid: shownCustomerId(id) });
    }
    case 'conflict': {
      const field = countField(problem.error.path);
      if (problem.error instanceof EmailTakenError) {
        return envelope('EMAIL_EXISTS', `${problem.message} Customer e-mails are unique within the team.`, { field });
      }
      return envelope('CONFLICT', problem.message, { field });
    }
    case 'unavailable':
      return envelope('SERVICE_UNAVAILABLE', 'The service is temporarily unavailable; retry shortly.');
    case 'idempotency_key_reused':
    case 'idempotency_key_in_use':
    case 'idempotency_key_invalid':
      return envelope(IDEMPOTENCY_CODES[problem.kind], problem.message, { type: 'idempotency_error' });
    case 'precondition_failed':
      return envelope('PRECONDITION_FAILED', problem.message, { etag: problem.error.currentEtag });
    case 'rate_limited':
      return envelope('RATE_LIMIT_EXCEEDED', problem.message, { retryAfter: problem.error.retryAfterSeconds });
    case 'unauthenticated':
      // Count's refresh page: "you receive a 401 error with "token_expired" code".
      if (problem.error instanceof CountAuthError) return envelope(problem.error.detail.reason === 'token_expired' ? 'token_expired' : 'UNAUTHORIZED', problem.message, problem.error.detail);
      if (problem.error instanceof AuthError) return bearerRefused(problem.error);
      return envelope('UNAUTHORIZED', problem.message);
    case 'forbidden':
      return envelope(problem.error instanceof CountGrantError ? problem.error.detail.code : 'FORBIDDEN', problem.message);
    case 'request_invalid': {
      if (problem.error instanceof CountParameterError) {
        const { field, location } = problem.error.detail;
        return envelope('VALIDATION_ERROR', problem.message, { location }, [{ field, message: problem.message }]);
      }
      const location = LOCATIONS[problem.part];
      return validationFailed(issueItems(problem.issues, location), location);
    }
    case 'body_unparseable':
      if (problem.error instanceof SurfaceError) return envelope('INVALID_JSON', problem.message);
      return envelope('INVALID_JSON', BODY_MESSAGES[problem.code ?? ''] ?? 'The request body is not valid JSON.');
    case 'body_too_deep':
      return envelope('INVALID_JSON', problem.message, { maxDepth: MAX_JSON_DEPTH });
    case 'form_unparseable':
      return envelope('BAD_REQUEST', problem.message, { location: 'query' });
    case 'body_too_large':
      return envelope('PAYLOAD_TOO_LARGE', 'The request body is too large (at most 1 MB).');
    case 'media_type_unsupported':
      return envelope('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.', problem.error instanceof NotJsonBodyError ? problem.error.detail : {});
    case 'malformed_request':
      return envelope('BAD_REQUEST', MALFORMED_MESSAGES[problem.code ?? ''] ?? (problem.message || 'Bad request.'));
    case 'uri_too_long':
      return envelope('BAD_REQUEST', problem.message);
    case 'request_timeout':
      return envelope('REQUEST_TIMEOUT', problem.message);
    case 'headers_too_large':
      return envelope('REQUEST_HEADERS_TOO_LARGE', problem.message);
    case 'route_not_found': {
      if (!request) return envelope('ROUTE_NOT_FOUND', problem.message);
      const path = (request.raw.url ?? request.url).split('?')[0] ?? '';
      return envelope('ROUTE_NOT_FOUND', problem.message, { method: request.method, path });
    }
    case 'internal':
      return envelope('INTERNAL_ERROR', problem.message);
  }
}

export const countErrors: SurfaceErrors<CountError> = {
  /**
   * None: every status Count's pages document is the catalogue's for the same problem. 400 for a
   * bad parameter or body, 401 when authentication fails, 404 for a customer that does not exist,
   * 429 past the rate limit (https://developers.getcount.com/api-reference/customers/get-customer,
   * https://developers.getcount.com/api-reference/customers/find-customer-by-email,
   * https://developers.getcount.com/api-reference/customers/list-customers); 409 for a taken e-mail
   * (https://developers.getcount.com/rest-api-reference/customers/create-customer); 429 per client
   * id (https://developers.getcount.com/getting-started/important-note).
   */
  statusExceptions: {},
  render,
};
