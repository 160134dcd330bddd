import { STATUS_CODES } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { FieldPath } from '../../domain/errors.ts';
import type { ErrorKind } from '../shared/errors/catalogue.ts';
import { statusFor, type Rendered, type SurfaceErrors } from '../shared/errors/answer.ts';
import type { Problem } from '../shared/errors/problem.ts';
import type { ErrorBody, ErrorItem, UnauthorizedBody } from './schemas.ts';
import { EMPTY_BODY_MESSAGE, item, schemaIssueItems } from './validation-messages.ts';
import { pathToWire } from './wire.ts';

/**
 * CheckoutPage's error bodies, as its pages print them:
 *
 *   {"status": "error", "type": "error", "message": "Not Found", "errors": [{"param", "message", "value"}]}
 *
 * `message` is the status's reason phrase ("Bad Request", "Not Found", "Conflict", …); each
 * entry of `errors` names what is at fault — a body field in camelCase dot notation
 * (`address.postalCode`), a query parameter (`limit`), the path parameter (`customerId`), or
 * `body` / `Content-Type` / `query` / `url` / `request` for the request as a whole — with the value
 * as sent (null when none was). 401 alone has its own body: {"error": "Unauthorized", "message":
 * "Missing or invalid API key"}.
 */
export type CheckoutPageErrorBody = ErrorBody | UnauthorizedBody;

const UNAUTHORIZED_BODY: UnauthorizedBody = { error: 'Unauthorized', message: 'Missing or invalid API key' };

/** Every field of one update the domain refuses (see routes/checkoutpage_customers_update.ts), each reported. */
/** The list's cursors: an id that names no customer is a bad parameter of a list that exists, not a missing resource. */
const CURSORS = new Set(['starting_after', 'ending_before']);

/** The value at a dotted wire path in the request's body, else its query string. */
function sentValue(request: FastifyRequest | null, param: string): unknown {
  const path = param.split('.');
  for (const source of [request?.body, request?.query]) {
    let node: unknown = source;
    for (const key of path) {
      if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) {
        node = undefined;
        break;
      }
      node = (node as Record<string, unknown>)[key];
    }
    if (node !== undefined) return node;
  }
  return undefined;
}

function fieldItem(request: FastifyRequest | null, path: FieldPath, message: string): ErrorItem {
  const param = pathToWire(path);
  return item(param, message, sentValue(request, param));
}

const NOT_JSON = 'The request body is not valid JSON.';

/** What a request's own framing got wrong: its URL, or (refused before Fastify saw it) its headers. */
function requestItem(problem: Problem, request: FastifyRequest | null): ErrorItem {
  if (request === null) return item('headers', problem.message);
  if (problem.code === 'FST_ERR_BAD_URL') return item('url', 'The URL is not valid: it holds malformed percent-encoding.', request.raw.url ?? null);
  return item('request', problem.message);
}

/** The entries of the error body, and the kind it is answered as where CheckoutPage files it elsewhere. */
function entries(problem: Problem, request: FastifyRequest | null): { errors: ErrorItem[]; as?: ErrorKind } {
  switch (problem.kind) {
    case 'validation':
      return { errors: [problem.error, ...problem.error.others].map((refusal) => fieldItem(request, refusal.path, refusal.message)) };
    case 'not_found': {
      const field = String(problem.error.path[0] ?? 'id');
      if (CURSORS.has(field)) {
        const message = 'No customer with this id: pass the id of a customer from a previous page.';
        return { errors: [item(field, message, sentValue(request, field))], as: 'validation' };
      }
      const params = request?.params as Record<string, unknown> | undefined;
      return { errors: [item('customerId', 'No customer with this id.', params?.customerId ?? problem.error.id)] };
    }
    case 'conflict':
      return { errors: [fieldItem(request, problem.error.path, problem.message)] };
    case 'unavailable':
      return { errors: [item('request', 'The service is briefly unavailable; retry the request.')] };
    case 'idempotency_key_reused':
    case 'idempotency_key_in_use':
    case 'idempotency_key_invalid':
      return { errors: [item('Idempotency-Key', problem.message, problem.error.key)] };
    case 'precondition_failed':
      return { errors: [item('If-Match', problem.message, request?.headers['if-match'])] };
    case 'rate_limited':
    case 'forbidden':
      return { errors: [item('request', problem.message)] };
    case 'request_invalid':
      return { errors: schemaIssueItems(problem.part, problem.issues) };
    case 'body_unparseable':
      if (problem.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return { errors: [item('body', EMPTY_BODY_MESSAGE)] };
      // JSON.parse's own SyntaxError carries no code: a body Fastify's parser refused (a prototype-poisoning key, …).
      if (problem.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || problem.code === undefined) return { errors: [item('body', NOT_JSON)] };
      return { errors: [item('request', problem.message)] };
    case 'body_too_deep':
      return { errors: [item('request', problem.message)] };
    case 'form_unparseable':
      return { errors: [item('query', problem.message)] };
    case 'body_too_large':
      return { errors: [item('body', 'The request body is too large (at most 1 MB).')] };
    case 'media_type_unsupported':
      return { errors: [item('Content-Type', 'Send the request body as application/json.', request?.headers['content-type'])] };
    case 'route_not_found': {
      if (request === null) return { errors: [item('url', problem.message)] };
      const path = (request.raw.url ?? '').split('?')[0] ?? '';
      return { errors: [item('url', `No endpoint ${request.method} ${path}.`, path)] };
    }
    case 'malformed_request':
    case 'uri_too_long':
    case 'request_timeout':
    case 'headers_too_large':
      return { errors: [requestItem(problem, request)] };
    case 'unauthenticated':
    case 'internal':
      // unauthenticated never gets here (see render); internal's message names the logged request.
      return { errors: [item('request', problem.message)] };
  }
}

function render(problem: Problem, request: FastifyRequest | null): Rendered<CheckoutPageErrorBody> {
  if (problem.kind === 'unauthenticated') return { body: UNAUTHORIZED_BODY, headers: { 'WWW-Authenticate': 'Bearer' } };
  const { errors, as } = entries(problem, request);
  const status = statusFor(checkoutPageErrors, as ?? problem.kind);
  const body: ErrorBody = { status: 'error', type: 'error', message: STATUS_CODES[status] ?? 'Error', errors };
  return as ? { body, as } : { body };
}

/**
 * CheckoutPage documents its statuses only as the conventional ones
 * (https://checkoutpage.com/docs/api, "HTTP status codes": 400 invalid parameters, 401, 403, 404,
 * 429, 500), each what the catalogue gives: no exceptions. A list cursor naming no customer is
 * answered as a `validation` problem (400), not as `not_found`, by the renderer above.
 */
export const checkoutPageErrors: SurfaceErrors<CheckoutPageErrorBody> = { statusExceptions: {}, render };
