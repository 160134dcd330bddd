import type { FastifyRequest } from 'fastify';
import { AuthError, type AuthFailure } from '../../http/auth.ts';
import type { Rendered, SurfaceErrors } from '../shared/errors/answer.ts';
import { SurfaceError, type Problem } from '../shared/errors/problem.ts';
import type { AssetErrorBody, ValidationErrorItem } from './schemas.ts';
import { validationItems } from './validation-items.ts';
import { pathToWire, shownCustomerId } from './wire.ts';

/**
 * Asset's error bodies, for every route but POST /auth/token (./oauth-errors.ts). Asset's pages
 * show no error bodies; Asset's API is FastAPI's, so Clientele answers as FastAPI does:
 *
 * - invalid input: 422 `{"detail": [{"type", "loc", "msg", "ctx"?}]}` (./validation-items.ts);
 * - every other error: `{"detail": "<message>"}`, the message naming the field, parameter or
 *   header at fault.
 */

const detail = (message: string, headers?: Record<string, string>): Rendered<AssetErrorBody> =>
  headers ? { body: { detail: message }, headers } : { body: { detail: message } };

const invalid = (items: ValidationErrorItem[]): Rendered<AssetErrorBody> => ({ body: { detail: items } });

/** An id the caller sent, as quoted back: cut short, it names the value without echoing a page of it. */
function quoted(id: string): string {
  return id.length > 60 ? `${id.slice(0, 57)}...` : id;
}

const AUTH_MESSAGES: Readonly<Record<AuthFailure, string>> = {
  missing: "Not authenticated: send the access token from POST /auth/token in the Authorization header, as 'Bearer <access_token>'.",
  malformed: "Invalid Authorization header: use 'Bearer <access_token>'.",
  invalid: 'Invalid access token in the Authorization header.',
  expired: 'The access token in the Authorization header has expired; request a new one from POST /auth/token.',
};

/** 401 with RFC 6750's challenge: bare when no token was sent, else naming what was wrong with it. */
function unauthenticated(reason: AuthFailure): Rendered<AssetErrorBody> {
  const message = AUTH_MESSAGES[reason];
  const challenge = reason === 'missing' ? 'Bearer' : `Bearer error="${reason === 'malformed' ? 'invalid_request' : 'invalid_token'}", error_description="${message}"`;
  return detail(message, { 'WWW-Authenticate': challenge });
}

const JSON_ONLY = 'send the body as application/json.';

function isFormBody(request: FastifyRequest | null): boolean {
  return /^application\/x-www-form-urlencoded/i.test(request?.headers['content-type'] ?? '');
}

/** The Content-Type `requireJsonBody` refused, as it carries it. */
function refusedType(error: unknown): string | null {
  if (!(error instanceof SurfaceError)) return null;
  const type = (error.detail as { contentType?: unknown } | null)?.contentType;
  return typeof type === 'string' ? type : null;
}

function render(problem: Problem, request: FastifyRequest | null): Rendered<AssetErrorBody> {
  switch (problem.kind) {
    case 'validation':
      return invalid([{ type: 'value_error', loc: ['body', ...pathToWire(problem.error.path)], msg: `Value error, ${problem.message}` }]);
    case 'not_found': {
      const { resource, id, path } = problem.error;
      if (path[0] === 'page_token') {
        // A page token whose boundary customer is not in this business and mode: the token is what is wrong.
        return { ...invalid([{ type: 'value_error', loc: ['query', 'page_token'], msg: 'Value error, the page token does not belong to this list' }]), as: 'request_invalid' };
      }
      if (resource === 'tenant') return detail(`Business not found: no business with business_id '${quoted(id)}'.`);
      return detail(`Customer not found: no customer with customer_id '${quoted(shownCustomerId(id))}' in this business.`);
    }
    case 'conflict': {
      const field = pathToWire(problem.error.path).join('.');
      return detail(problem.message.includes(field) ? problem.message : `${field}: ${problem.message}`);
    }
    case 'unavailable':
      return detail('Service temporarily unavailable; retry shortly.');
    case 'idempotency_key_reused':
    case 'idempotency_key_in_use':
    case 'idempotency_key_invalid':
    case 'precondition_failed':
    case 'rate_limited':
    case 'forbidden':
      return detail(problem.message);
    case 'unauthenticated':
      return unauthenticated(problem.error instanceof AuthError ? problem.error.reason : 'invalid');
    case 'request_invalid':
      return invalid(validationItems(problem.part, problem.issues));
    case 'body_unparseable':
      if (problem.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return invalid([{ type: 'missing', loc: ['body'], msg: 'Field required' }]);
      return invalid([{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error', ctx: { error: problem.message } }]);
    case 'body_too_deep':
      // Clientele's nesting limit, not FastAPI's: refused before parsing, not as a validation error.
      return detail(problem.message);
    case 'form_unparseable':
      // A form body is refused whole, as any form body is; otherwise the syntax at fault is the query string's.
      if (isFormBody(request)) return { ...detail(`Unsupported Content-Type header: ${JSON_ONLY}`), as: 'media_type_unsupported' };
      return invalid([{ type: 'value_error', loc: ['query'], msg: `Value error, ${problem.message}` }]);
    case 'body_too_large':
      return detail('The request body is too large.');
    case 'media_type_unsupported': {
      const type = refusedType(problem.error);
      return detail(type === null ? `Unsupported Content-Type header: ${JSON_ONLY}` : `Unsupported Content-Type header '${type.slice(0, 80)}': ${JSON_ONLY}`);
    }
    case 'malformed_request':
      return detail(problem.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' ? 'The Content-Length header does not match the body.' : problem.message);
    case 'uri_too_long':
    case 'request_timeout':
    case 'headers_too_large':
      return detail(problem.message);
    case 'route_not_found':
      return detail(request ? `Not Found: no route for ${request.method} ${request.url.split('?')[0]}.` : problem.message);
    case 'internal':
      return detail(request ? `Internal Server Error (request ${request.id}). It has been logged.` : problem.message);
  }
}

/**
 * Statuses where FastAPI answers otherwise than the catalogue. Asset's API reference shows only
 * each route's "Successful Response" (https://docs.getasset.com/api-reference/customer/create-a-new-customer),
 * FastAPI's default wording; FastAPI answers invalid input with 422
 * (https://fastapi.tiangolo.com/tutorial/handling-errors/).
 */
const statusExceptions = {
  // A field that breaks the model's rules is Pydantic's value_error, a RequestValidationError (handling-errors page above).
  validation: 422,
  // The route's schema refusing a field or parameter: RequestValidationError (handling-errors page above).
  request_invalid: 422,
  // A body that is not JSON, or none: RequestValidationError, json_invalid / missing (https://github.com/fastapi/fastapi/pull/1354).
  body_unparseable: 422,
  // A query string that cannot be decoded: answered as any other invalid query parameter (handling-errors page above).
  form_unparseable: 422,
} as const;

export const assetErrors: SurfaceErrors<AssetErrorBody> = { statusExceptions, render };
