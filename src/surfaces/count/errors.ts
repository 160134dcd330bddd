import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, EmailTakenError, type ConflictError, type IdempotencyError, type NotFoundError, type PreconditionFailedError, type ValidationError } from '../../domain/errors.ts';
import { AuthError } from '../../http/auth.ts';
import { FormSyntaxError } from '../../http/form-body.ts';
import { countField, shownCustomerId } from './wire.ts';
import { RateLimitedError } from '../../http/rate-limits/rate-limited-error.ts';

/**
 * Count's error envelope, as its pages document it:
 *
 *   {"status": "error", "message": "…", "code": "VALIDATION_ERROR", "details": {…}, "errors": [{"field", "message"}]}
 *
 * `status`, `message`, `code` and `details` (an object, `{}` when there is nothing to add) are
 * always present; `errors` only on validation failures, one entry per bad field, `field` in
 * Count's notation (`customer`, `billingAddress.zipCode`, `contacts[0].email`; `body` or `query`
 * for the request as a whole).
 *
 *   400 VALIDATION_ERROR   a body field, query parameter or domain rule; details.location
 *   400 INVALID_JSON       the body is not JSON (or names __proto__ / constructor.prototype)
 *   400 BAD_REQUEST        a malformed URL, query string or Content-Length
 *   401 UNAUTHORIZED       missing, stale or wrong credentials; details.reason says which
 *   404 NOT_FOUND          no such customer (details.uuid); ROUTE_NOT_FOUND for unknown URLs
 *   409 EMAIL_EXISTS       the e-mail belongs to another customer of the team (details.field)
 *   409 CONFLICT           any other conflict
 *   413 PAYLOAD_TOO_LARGE, 415 UNSUPPORTED_MEDIA_TYPE, 503 SERVICE_UNAVAILABLE (Retry-After: 1)
 *   500 INTERNAL_ERROR     never expected; logged
 */

export interface ErrorItem {
  field: string;
  message: string;
}

export interface CountErrorFields {
  message: string;
  code: string;
  details: Record<string, unknown>;
  errors?: ErrorItem[];
}

export interface CountErrorBody extends CountErrorFields {
  status: 'error';
}

export interface Mapped {
  status: number;
  body: CountErrorBody;
  headers?: Record<string, string>;
}

/** An error raised by the surface itself, already in Count's terms. */
export class CountError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly items?: ErrorItem[],
  ) {
    super(message);
    this.name = 'CountError';
  }
}

/** A 400 listing every bad field. */
export function validationError(items: ErrorItem[], location: 'body' | 'query' | 'params'): CountError {
  const fields = [...new Set(items.map((i) => i.field))];
  return new CountError(400, 'VALIDATION_ERROR', `Validation failed for ${fields.join(', ')}.`, { location }, items);
}

export type CountAuthReason =
  | 'missing_credentials'
  | 'missing_header'
  | 'invalid_timestamp'
  | 'timestamp_out_of_range'
  | 'invalid_signature'
  | 'credentials_expired'
  | 'invalid_authorization';

/** Why a request is not authenticated; every reason is a 401. */
export class CountAuthError extends Error {
  constructor(
    readonly reason: CountAuthReason,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CountAuthError';
  }
}

function body(status: number, code: string, message: string, details: Record<string, unknown> = {}, errors?: ErrorItem[]): Mapped {
  return { status, body: { status: 'error', message, code, details, ...(errors ? { errors } : {}) } };
}

function fromSharedAuth(err: AuthError): Mapped {
  const messages = {
    missing: 'Authentication required.',
    malformed: "Invalid Authorization header: use 'Authorization: Bearer <secret key>'.",
    invalid: `Invalid API key provided: ${err.masked ?? ''}`,
    expired: `Expired API key provided: ${err.masked ?? ''}. Use the key that replaced it.`,
  } as const;
  const reasons = { missing: 'missing_credentials', malformed: 'invalid_authorization', invalid: 'invalid_api_key', expired: 'api_key_expired' } as const;
  return body(401, 'UNAUTHORIZED', messages[err.reason], { reason: reasons[err.reason] });
}

function fromDomain(err: DomainError | RateLimitedError): Mapped {
  switch (err instanceof RateLimitedError ? 'rate_limited' : err.kind) {
    case 'validation': {
      const e = err as ValidationError;
      const field = countField(e.path) || 'body';
      return body(400, 'VALIDATION_ERROR', `Validation failed for ${field}.`, { location: 'body' }, [{ field, message: e.message }]);
    }
    case 'not_found': {
      const e = err as NotFoundError;
      if (e.resource !== 'customer') return body(404, 'NOT_FOUND', err.message);
      return body(404, 'NOT_FOUND', 'Customer not found.', { uuid: shownCustomerId(e.id) });
    }
    case 'conflict': {
      const e = err as ConflictError;
      if (err instanceof EmailTakenError) {
        return body(409, 'EMAIL_EXISTS', `${err.message} Customer e-mails are unique within the team.`, { field: countField(e.path) });
      }
      return body(409, 'CONFLICT', err.message, { field: countField(e.path) });
    }
    case 'unavailable':
      return { ...body(503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable; retry shortly.'), headers: { 'Retry-After': '1' } };
    case 'idempotency': {
      const e = err as IdempotencyError;
      const codes = { parameters_mismatch: 'IDEMPOTENCY_KEY_REUSED', in_progress: 'IDEMPOTENCY_KEY_IN_USE', invalid_key: 'INVALID_IDEMPOTENCY_KEY' } as const;
      const mapped = body((e.reason === 'in_progress' ? 409 : 400), codes[e.reason], err.message, { type: 'idempotency_error' });
      return e.reason === 'in_progress' ? { ...mapped, headers: { 'Retry-After': '1' } } : mapped;
    }
    case 'precondition_failed': {
      const e = err as PreconditionFailedError;
      return { ...body(412, 'PRECONDITION_FAILED', err.message, { etag: e.currentEtag }), headers: { ETag: e.currentEtag } };
    }
    case 'rate_limited': {
      const e = err as RateLimitedError;
      return { ...body(429, 'RATE_LIMIT_EXCEEDED', err.message, { retryAfter: e.retryAfterSeconds }), headers: { 'Retry-After': String(e.retryAfterSeconds) } };
    }
  }
}

const FRAMEWORK: Readonly<Record<string, { status?: number; code: string; message: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large (at most 1 MB).' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send the request body as application/json.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_REQUEST', message: 'The Content-Length does not match the body.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'INVALID_JSON', message: 'The request body is empty.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: 'The request body is not valid JSON.' },
  FST_ERR_BAD_URL: { code: 'BAD_REQUEST', message: 'The URL is malformed.' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'BAD_REQUEST', message: 'The URL is malformed.' },
};

/** Any error as Count's envelope; null when it is a bug (a 500). */
export function mapCountError(err: unknown): Mapped | null {
  if (err instanceof CountError) return body(err.statusCode, err.code, err.message, err.details, err.items);
  if (err instanceof CountAuthError) return body(401, 'UNAUTHORIZED', err.message, { reason: err.reason, ...err.extra });
  if (err instanceof AuthError) return fromSharedAuth(err);
  if (err instanceof DomainError || err instanceof RateLimitedError) return fromDomain(err);
  if (err instanceof FormSyntaxError) return body(400, 'BAD_REQUEST', err.message, { location: 'query' });
  const fe = err as { statusCode?: unknown; code?: unknown; name?: unknown; message?: unknown } | null;
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const known = typeof fe.code === 'string' ? FRAMEWORK[fe.code] : undefined;
    if (known) return body(known.status ?? fe.statusCode, known.code, known.message);
    if (fe.name === 'SyntaxError') return body(400, 'INVALID_JSON', 'The request body is not valid JSON.');
    return body(fe.statusCode, 'BAD_REQUEST', String(fe.message ?? 'Bad request.'));
  }
  return null;
}

/** An error's envelope without `status`: what a bulk row reports. Unexpected errors still throw. */
export function rowError(err: unknown): { statusCode: number; error: CountErrorFields } {
  const mapped = mapCountError(err);
  if (!mapped || mapped.status >= 500) throw err;
  const { status: _status, ...fields } = mapped.body;
  return { statusCode: mapped.status, error: fields };
}

/** Renders any error in Count's error format: never a stack, never Fastify's own shape. */
export function countErrorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  let mapped = mapCountError(err);
  if (!mapped) {
    request.log.error({ err }, 'unhandled error');
    mapped = body(500, 'INTERNAL_ERROR', `An unexpected error occurred (request ${request.id}). It has been logged.`);
  }
  if (mapped.headers) void reply.headers(mapped.headers);
  void reply.code(mapped.status).send(mapped.body);
}

/** Unknown routes under the prefix, and known paths with another method. */
export function countNotFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const path = (request.raw.url ?? request.url).split('?')[0] ?? '';
  const mapped = body(404, 'ROUTE_NOT_FOUND', `Unrecognized request URL (${request.method} ${path}).`, { method: request.method, path });
  void reply.code(404).send(mapped.body);
}

const BARE_CODES: Readonly<Record<number, string>> = { 408: 'REQUEST_TIMEOUT', 431: 'REQUEST_HEADERS_TOO_LARGE' };

/** Count's envelope for a request refused before it could be parsed (headers too large, say). */
export function countBareError(status: number, message: string): CountErrorBody {
  return body(status, BARE_CODES[status] ?? 'BAD_REQUEST', message).body;
}
