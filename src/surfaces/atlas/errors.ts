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
 * Atlas's error envelope, `{"error": {"type", "code", "message", "param"}}` (Stripe's shape, as
 * Atlas's errors page shows it), for every problem in the catalogue, at the catalogue's statuses.
 * `param` names the field in Atlas's notation (`billing_address.line1`). The codes, and where
 * they differ from Atlas's errors page, are in README.md.
 */
export type AtlasErrorBody = Static<typeof AtlasError>;

type ErrorType = AtlasErrorBody['error']['type'];
type Extra = { code?: string; param?: string };

function atlasError(type: ErrorType, message: string, extra: Extra = {}, headers?: Record<string, string>): Rendered<AtlasErrorBody> {
  const body: AtlasErrorBody = { error: { type, message } };
  if (extra.code) body.error.code = extra.code;
  if (extra.param) body.error.param = extra.param;
  return headers ? { body, headers } : { body };
}

const invalid = (message: string, extra?: Extra) => atlasError('invalid_request_error', message, extra);

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="Atlas"' };

function unauthenticated(err: AuthError): Rendered<AtlasErrorBody> {
  const masked = err.masked ?? '';
  const messages = {
    missing: "No API key provided. Send your secret key as 'Authorization: Bearer sk_test_…' (or sk_live_…).",
    malformed: "Invalid Authorization header. Use 'Authorization: Bearer YOUR_SECRET_KEY'.",
    invalid: `Invalid API key provided: ${masked}`,
    expired: `Expired API key provided: ${masked}. Use the key that replaced it.`,
  } as const;
  const codes = { missing: 'api_key_missing', malformed: 'api_key_invalid', invalid: 'api_key_invalid', expired: 'api_key_expired' } as const;
  return atlasError('authentication_error', messages[err.reason], { code: codes[err.reason] }, CHALLENGE);
}

const INVALID_JSON = 'The request body is not valid JSON (or it names __proto__ or constructor.prototype, which are refused).';

/** A body that is not a JSON object: how each source of the problem has always been worded. */
function unparseable(problem: Problem): Rendered<AtlasErrorBody> {
  if (problem.error instanceof BodyNotObjectError) return invalid(problem.message, { code: 'invalid_json' });
  if (problem.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return invalid(INVALID_JSON, { code: 'invalid_json' });
  return invalid(`The body is not valid JSON: ${problem.message}`, { code: 'invalid_json' });
}

/** A malformed URL or framing, by what Fastify found. */
function malformed(problem: Problem): Rendered<AtlasErrorBody> {
  switch (problem.code) {
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return invalid('The URL is malformed.', { code: 'invalid_url' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return invalid('The Content-Length does not match the body.', { code: 'invalid_request' });
    default:
      return invalid(problem.message, { code: 'invalid_request' });
  }
}

function render(problem: Problem, request: FastifyRequest | null): Rendered<AtlasErrorBody> {
  // Refused before Fastify saw it (headers too large, bytes that are not HTTP): the message only.
  if (request === null) return invalid(problem.message);
  switch (problem.kind) {
    case 'validation':
      return invalid(problem.message, { code: problem.error.code, param: atlasParam(problem.error.path) });
    case 'not_found': {
      const { resource, id, path } = problem.error;
      const shown = resource === 'customer' ? shownCustomerId(id) : id;
      return invalid(`No such ${resource}: '${shown}'`, { code: 'resource_missing', param: atlasParam(path) });
    }
    case 'conflict':
      return invalid(problem.message, { code: problem.error.code, param: atlasParam(problem.error.path) });
    case 'unavailable':
      return atlasError('api_error', 'The service is temporarily unavailable; retry shortly.', { code: 'service_unavailable' });
    case 'idempotency_key_reused':
    case 'idempotency_key_in_use':
    case 'idempotency_key_invalid':
      return atlasError('idempotency_error', problem.message, { code: problem.kind });
    case 'precondition_failed':
      return invalid(problem.message, { code: 'precondition_failed' });
    case 'rate_limited':
      return atlasError('rate_limit_error', problem.message, { code: 'rate_limit_exceeded' });
    case 'unauthenticated':
      return problem.error instanceof AuthError
        ? unauthenticated(problem.error)
        : atlasError('authentication_error', problem.message, { code: 'api_key_invalid' }, CHALLENGE);
    case 'request_invalid': {
      const { message, ...extra } = schemaIssueMessage(problem.issues, problem.part);
      return invalid(message, extra);
    }
    case 'body_unparseable':
      return unparseable(problem);
    case 'body_too_deep':
      return invalid(problem.message, { code: 'invalid_request' });
    case 'form_unparseable':
      return invalid(problem.message, { code: 'parameter_invalid' });
    case 'body_too_large':
      return invalid('The request body is too large.', { code: 'body_too_large' });
    case 'media_type_unsupported':
      return invalid('Unsupported Content-Type: send the body as application/json.', { code: 'unsupported_media_type' });
    case 'malformed_request':
      return malformed(problem);
    case 'uri_too_long':
    case 'request_timeout':
    case 'headers_too_large':
      return invalid(problem.message, { code: 'invalid_request' });
    case 'route_not_found':
      return invalid(problem.message, { code: 'route_not_found' });
    case 'internal':
      return atlasError('api_error', problem.message);
  }
}

/**
 * No status exceptions: where Atlas's errors page (https://docs.atlaspay.cc/developer/errors)
 * differs from the catalogue (409 for an idempotency key reused with other parameters, where the
 * catalogue says 400), the catalogue's status is kept until issue 17 decides; README.md lists it.
 */
export const atlasErrors: SurfaceErrors<AtlasErrorBody> = { statusExceptions: {}, render };
