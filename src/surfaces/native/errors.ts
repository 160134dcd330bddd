import type { Static } from 'typebox';
import type { FastifyRequest } from 'fastify';
import { isCanonicalId } from '../../domain/ids.ts';
import { AuthError } from '../../http/auth.ts';
import { pathToParam } from '../../formats/bracket-path.ts';
import { customerIdToWire, deliveryIdToWire, eventIdToWire, taxIdIdToWire, webhookEndpointIdToWire } from '../../formats/ids.ts';
import type { NotFoundError } from '../../domain/errors.ts';

/** How a missing resource's canonical id is shown. */
const WIRE_IDS: Partial<Record<NotFoundError['resource'], (id: string) => string>> = {
  customer: customerIdToWire,
  event: eventIdToWire,
  webhook_endpoint: webhookEndpointIdToWire,
  webhook_delivery: deliveryIdToWire,
  tax_id: taxIdIdToWire,
};
import type { Rendered, SurfaceErrors } from '../shared/errors/answer.ts';
import type { Problem } from '../shared/errors/problem.ts';
import type { StripeError } from './schemas.ts';
import { schemaIssueMessage } from './validation-messages.ts';

/**
 * Stripe's error envelope, `{"error": {"type", "code", "message", "param"}}`, for every problem in
 * the catalogue, at the catalogue's statuses (Stripe documents none differently). Stripe's SDKs
 * read `Stripe-Should-Retry` to decide whether to retry.
 */
export type StripeErrorBody = Static<typeof StripeError>;

type Extra = { code?: string; param?: string };

function stripe(type: string, message: string, extra: Extra = {}, headers?: Record<string, string>): Rendered<StripeErrorBody> {
  const body: StripeErrorBody = { error: { type, message } };
  if (extra.code) body.error.code = extra.code;
  if (extra.param) body.error.param = extra.param;
  return headers ? { body, headers } : { body };
}

const invalid = (message: string, extra?: Extra, headers?: Record<string, string>) => stripe('invalid_request_error', message, extra, headers);

// Stripe's own wording, which its users' code and logs search for.
const AUTH_MESSAGES = {
  missing:
    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details.",
  malformed: "Invalid Authorization header. Use 'Authorization: Bearer YOUR_SECRET_KEY' or HTTP Basic with the key as user name.",
  invalid: 'Invalid API Key provided: ',
  expired: 'Expired API Key provided: ',
} as const;

function unauthenticated(err: AuthError): Rendered<StripeErrorBody> {
  const masked = err.masked ?? '';
  const message =
    err.reason === 'invalid' ? AUTH_MESSAGES.invalid + masked : err.reason === 'expired' ? `${AUTH_MESSAGES.expired}${masked}. Use the key that replaced it.` : AUTH_MESSAGES[err.reason];
  // Stripe answers a 401 with `invalid_request_error` (its SDKs still raise StripeAuthenticationError, from the status).
  return stripe('invalid_request_error', message, err.reason === 'expired' ? { code: 'api_key_expired' } : {}, { 'WWW-Authenticate': 'Basic realm="Clientele"' });
}

const BODY_MESSAGES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The JSON body is empty.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The body is not valid JSON.',
};

function render(problem: Problem, request: FastifyRequest | null): Rendered<StripeErrorBody> {
  switch (problem.kind) {
    case 'validation':
      return invalid(problem.message, { code: problem.error.code, param: pathToParam(problem.error.path) });
    case 'not_found': {
      const { resource, id, path } = problem.error;
      const shown = isCanonicalId(id) ? (WIRE_IDS[resource]?.(id) ?? id) : id;
      return invalid(`No such ${resource.replaceAll('_', ' ')}: '${shown}'`, { code: 'resource_missing', param: pathToParam(path) });
    }
    case 'conflict':
      // A retry would conflict again: tell Stripe's SDKs not to.
      return invalid(problem.message, { code: problem.error.code, param: pathToParam(problem.error.path) }, { 'Stripe-Should-Retry': 'false' });
    case 'unavailable':
      return stripe('api_error', problem.message, {}, { 'Stripe-Should-Retry': 'true' });
    case 'idempotency_key_reused':
      return stripe('idempotency_error', problem.message);
    case 'idempotency_key_in_use':
      // The same request will succeed once the first has finished.
      return stripe('idempotency_error', problem.message, { code: 'idempotency_key_in_use' }, { 'Stripe-Should-Retry': 'true' });
    case 'idempotency_key_invalid':
      return stripe('idempotency_error', problem.message, { code: 'idempotency_key_invalid' });
    case 'precondition_failed':
      return invalid(problem.message, { code: 'precondition_failed' });
    case 'rate_limited':
      return invalid(problem.message, { code: 'rate_limit' });
    case 'forbidden':
      return invalid(problem.message);
    case 'unauthenticated':
      return unauthenticated(problem.error as AuthError);
    case 'request_invalid': {
      const { message, ...extra } = schemaIssueMessage(problem.issues);
      return invalid(message, extra);
    }
    case 'body_unparseable':
      return invalid((problem.code && BODY_MESSAGES[problem.code]) ?? (problem.code === undefined ? 'The body is not valid JSON.' : problem.message));
    case 'body_too_deep':
      return invalid(problem.message);
    case 'body_too_large':
      return invalid('The request body is too large.');
    case 'media_type_unsupported':
      return invalid('Unsupported Content-Type: send application/x-www-form-urlencoded or application/json.');
    case 'form_unparseable':
    case 'malformed_request':
    case 'uri_too_long':
    case 'request_timeout':
    case 'headers_too_large':
      return invalid(problem.message);
    case 'route_not_found':
      return invalid(request ? `Unrecognized request URL (${request.method}: ${request.url.split('?')[0]}).` : problem.message);
    case 'internal':
      return stripe('api_error', problem.message);
  }
}

export const nativeErrors: SurfaceErrors<StripeErrorBody> = { render };
