import type { FastifyRequest } from 'fastify';
import type { Rendered, SurfaceErrors } from '../shared/errors/answer.ts';
import { SurfaceError, type Problem, type SurfaceErrorKind } from '../shared/errors/problem.ts';
import type { OAuthErrorBody, OAuthErrorCode } from './schemas.ts';

/**
 * POST /auth/token answers in OAuth 2.0's error format (RFC 6749 §5.2),
 * `{"error": "invalid_client", "error_description": "…"}`, not in FastAPI's.
 */

type ClientError = Extract<OAuthErrorCode, 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope' | 'invalid_target'>;

/** RFC 6749 §5.2: 401 for a client that failed to authenticate, 400 for everything else. */
const KINDS: Readonly<Record<ClientError, SurfaceErrorKind>> = {
  invalid_request: 'request_invalid',
  invalid_client: 'unauthenticated',
  invalid_grant: 'request_invalid',
  unsupported_grant_type: 'request_invalid',
  invalid_scope: 'request_invalid',
  // RFC 8707 §2: a resource indicator that is not an absolute URI without a fragment.
  invalid_target: 'request_invalid',
};

/** An error of the token endpoint in RFC 6749's terms: its code, and the challenge to send with it. */
export class OAuthError extends SurfaceError<{ error: ClientError; challenge: string | null }> {
  constructor(error: ClientError, description: string, challenge: string | null = null) {
    super(KINDS[error], description, { error, challenge });
    this.name = 'OAuthError';
  }
}

const oauth = (error: OAuthErrorCode, description: string): Rendered<OAuthErrorBody> => ({ body: { error, error_description: description } });

function render(problem: Problem, request: FastifyRequest | null): Rendered<OAuthErrorBody> {
  if (problem.error instanceof OAuthError) {
    const { error, challenge } = problem.error.detail;
    return challenge === null ? oauth(error, problem.message) : { ...oauth(error, problem.message), headers: { 'WWW-Authenticate': challenge } };
  }
  switch (problem.kind) {
    case 'unavailable':
      return oauth('temporarily_unavailable', 'Service temporarily unavailable; retry shortly.');
    case 'rate_limited':
      // RFC 6749 names no error for this; `slow_down` is the registered OAuth error for asking too often (RFC 8628 §3.5).
      return oauth('slow_down', problem.message);
    case 'media_type_unsupported':
      return oauth('invalid_request', 'Unsupported Content-Type header: send application/x-www-form-urlencoded (or application/json).');
    case 'body_unparseable':
      return oauth('invalid_request', problem.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || problem.error instanceof SyntaxError ? 'The body is not valid JSON.' : problem.message);
    case 'forbidden':
      return oauth('invalid_grant', problem.message);
    case 'request_invalid':
    case 'body_too_deep':
    case 'form_unparseable':
    case 'body_too_large':
    case 'malformed_request':
    case 'uri_too_long':
    case 'request_timeout':
    case 'headers_too_large':
    case 'route_not_found':
      return oauth('invalid_request', problem.message);
    case 'internal':
      return oauth('server_error', problem.message);
    case 'unauthenticated':
    case 'validation':
    case 'not_found':
    case 'conflict':
    case 'idempotency_key_reused':
    case 'idempotency_key_in_use':
    case 'idempotency_key_invalid':
    case 'precondition_failed':
      // The token endpoint takes no access token, reads no customer and keeps no idempotency key: a bug here.
      return { ...oauth('server_error', `An unexpected error occurred (request ${request?.id ?? 'unknown'}). It has been logged.`), as: 'internal' };
  }
}

/**
 * RFC 6749 §5.2 (https://www.rfc-editor.org/rfc/rfc6749#section-5.2): "The authorization server
 * responds with an HTTP 400 (Bad Request) status code (unless specified otherwise)", a malformed
 * request being `invalid_request`.
 */
const statusExceptions = {
  // A body over the limit is a malformed token request: 400 invalid_request (§5.2).
  body_too_large: 400,
  // A body in a Content-Type the endpoint does not read is a malformed token request: 400 invalid_request (§5.2).
  media_type_unsupported: 400,
} as const;

export const oauthErrors: SurfaceErrors<OAuthErrorBody> = { statusExceptions, render };
