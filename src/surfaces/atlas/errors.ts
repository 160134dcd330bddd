import type { Static } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { AuthError } from '../../http/auth.ts';
import type { Rendered, SurfaceErrors } from '../shared/errors/answer.ts';
import type { Problem } from '../shared/errors/problem.ts';
import { BodyNotObjectError } from '../shared/json-bodies.ts';
import type { AtlasError } from './schemas.ts';
import { schemaIssueMessage } from './validation-messages.ts';
import { atlasParam, shownCustomerId } from './wire.ts';

/**
 * Atlas's error envelope, every field of its errors page (https://docs.atlaspay.cc/developer/errors):
 *
 *   {"error": {"type", "code", "message", "decline_code", "param", "request_id", "doc_url"}}
 *
 * Only the page's types and codes are used. A field the page has but this error does not is null,
 * as the page's own example prints `param: null`. README.md maps every problem to its answer.
 */
export type AtlasErrorBody = Static<typeof AtlasError>;

type ErrorType = AtlasErrorBody['error']['type'];
type ErrorCode = NonNullable<AtlasErrorBody['error']['code']>;
type Extra = { code?: ErrorCode; param?: string };

/** The errors page: every type and code is described there. */
export const ATLAS_ERRORS_PAGE = 'https://docs.atlaspay.cc/developer/errors';

function atlasError(request: FastifyRequest | null, type: ErrorType, message: string, extra: Extra = {}, headers?: Record<string, string>): Rendered<AtlasErrorBody> {
  const body: AtlasErrorBody = {
    error: {
      type,
      code: extra.code ?? null,
      message,
      decline_code: null,
      param: extra.param || null,
      request_id: request?.id ?? null,
      doc_url: ATLAS_ERRORS_PAGE,
    },
  };
  return headers ? { body, headers } : { body };
}

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="Atlas"' };

function unauthenticated(request: FastifyRequest, err: AuthError): Rendered<AtlasErrorBody> {
  const masked = err.masked ?? '';
  const messages = {
    missing: "No API key provided. Send your secret key as 'Authorization: Bearer sk_test_…' (or sk_live_…).",
    malformed: "Invalid Authorization header. Use 'Authorization: Bearer YOUR_SECRET_KEY'.",
    invalid: `Invalid API key provided: ${masked}`,
    expired: `Expired API key provided: ${masked}. Use the key that replaced it.`,
  } as const;
  return atlasError(request, 'authentication_error', messages[err.reason], {}, CHALLENGE);
}

const INVALID_JSON = 'The request body is not valid JSON (or it names __proto__ or constructor.prototype, which are refused).';

/** A body that is not a JSON object: how each source of the problem has always been worded. */
function unparseableMessage(problem: Problem): string {
  if (problem.error instanceof BodyNotObjectError) return problem.message;
  if (problem.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return INVALID_JSON;
  return `The body is not valid JSON: ${problem.message}`;
}

/** A malformed URL or framing, by what Fastify found. */
function malformedMessage(problem: Problem): string {
  switch (problem.code) {
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return 'The URL is malformed.';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'The Content-Length does not match the body.';
    default:
      return problem.message;
  }
}

function render(problem: Problem, request: FastifyRequest | null): Rendered<AtlasErrorBody> {
  const invalid = (message: string, extra?: Extra) => atlasError(request, 'invalid_request_error', message, extra);
  // Refused before Fastify saw it (headers too large, bytes that are not HTTP): no request id.
  if (request === null) return invalid(problem.message);
  switch (problem.kind) {
    case 'validation':
      return atlasError(request, 'validation_error', problem.message, { param: atlasParam(problem.error.path) });
    case 'request_invalid': {
      const { message, missing, param } = schemaIssueMessage(problem.issues, problem.part);
      if (param === undefined) return invalid(message);
      return atlasError(request, 'validation_error', message, { param, ...(missing ? { code: 'missing_required_param' as const } : {}) });
    }
    case 'conflict':
      // A taken e-mail: Atlas's 409 means an idempotency conflict, so this is a 400 (see statusExceptions).
      return atlasError(request, 'validation_error', problem.message, { param: atlasParam(problem.error.path) });
    case 'not_found': {
      const { resource, id, path } = problem.error;
      const shown = resource === 'customer' ? shownCustomerId(id) : id;
      return invalid(`No such ${resource}: '${shown}'`, { param: atlasParam(path) });
    }
    case 'unavailable':
      return atlasError(request, 'api_error', 'The service is temporarily unavailable; retry shortly.');
    case 'idempotency_key_reused':
    case 'idempotency_key_in_use':
      return atlasError(request, 'idempotency_error', problem.message);
    case 'idempotency_key_invalid':
      return invalid(problem.message, { param: 'Idempotency-Key' });
    case 'precondition_failed':
      return invalid(problem.message, { param: 'If-Match' });
    case 'rate_limited':
      return atlasError(request, 'rate_limit_error', problem.message);
    case 'forbidden':
      return atlasError(request, 'authentication_error', problem.message);
    case 'unauthenticated':
      return problem.error instanceof AuthError ? unauthenticated(request, problem.error) : atlasError(request, 'authentication_error', problem.message, {}, CHALLENGE);
    case 'body_unparseable':
      return invalid(unparseableMessage(problem));
    case 'malformed_request':
      return invalid(malformedMessage(problem));
    case 'body_too_large':
      return invalid('The request body is too large.');
    case 'media_type_unsupported':
      return invalid('Unsupported Content-Type: send the body as application/json.');
    case 'body_too_deep':
    case 'form_unparseable':
    case 'uri_too_long':
    case 'request_timeout':
    case 'headers_too_large':
    case 'route_not_found':
      return invalid(problem.message);
    case 'internal':
      return atlasError(request, 'api_error', problem.message);
  }
}

/**
 * Where Atlas's errors page gives another status than the catalogue: an idempotency key used
 * again with other parameters is its "409 Conflict - Idempotency key conflict", and a taken e-mail
 * is a 400 (invalid parameters), since the page keeps 409 for idempotency conflicts.
 */
export const atlasErrors: SurfaceErrors<AtlasErrorBody> = { statusExceptions: { idempotency_key_reused: 409, conflict: 400 }, render };
