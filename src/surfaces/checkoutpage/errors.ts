import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, NotFoundError, ValidationError, type FieldPath, type IdempotencyError, type PreconditionFailedError } from '../../domain/errors.ts';
import { AuthError } from '../../http/auth.ts';
import { pathToWire } from './wire.ts';
import { RateLimitedError } from '../../http/rate-limits/rate-limited-error.ts';

/**
 * CheckoutPage's error bodies, as its pages print them:
 *
 *   {"status": "error", "type": "error", "message": "Not Found", "errors": [{"param", "message", "value"}]}
 *
 * `message` is the status's reason phrase ("Bad Request", "Not Found", "Conflict", …); each
 * entry of `errors` names what is at fault — a body field in camelCase dot notation
 * (`address.postalCode`), a query parameter (`limit`), the path parameter (`customerId`), or
 * `body` / `Content-Type` / `query` for the request as a whole — with the value as sent (null when
 * none was). 401 alone has its own body: {"error": "Unauthorized", "message": "Missing or invalid API key"}.
 */

export interface ErrorItem {
  param: string;
  message: string;
  value: unknown;
}

export interface CheckoutPageErrorBody {
  status: 'error';
  type: 'error';
  message: string;
  errors: ErrorItem[];
}

export const UNAUTHORIZED_BODY = { error: 'Unauthorized', message: 'Missing or invalid API key' } as const;

interface Mapped {
  status: number;
  body: CheckoutPageErrorBody | typeof UNAUTHORIZED_BODY;
  headers?: Record<string, string>;
}

/** An error the surface raises with its entries already in CheckoutPage's terms. */
export class CheckoutPageError extends Error {
  constructor(
    readonly statusCode: number,
    readonly items: ErrorItem[],
    readonly headers?: Record<string, string>,
  ) {
    super(items.map((i) => `${i.param}: ${i.message}`).join('; ') || (STATUS_CODES[statusCode] ?? 'Error'));
    this.name = 'CheckoutPageError';
  }
}

/** Several domain validation failures of one request, each reported. */
export class ValidationErrors extends Error {
  constructor(readonly errors: readonly ValidationError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'ValidationErrors';
  }
}

/** An entry with `value` defaulting to null: JSON has no undefined. */
export function item(param: string, message: string, value?: unknown): ErrorItem {
  return { param, message, value: value === undefined ? null : value };
}

export const EMPTY_BODY_MESSAGE = 'The request body is empty: send at least one field to update.';

function errorBody(status: number, items: ErrorItem[]): CheckoutPageErrorBody {
  return { status: 'error', type: 'error', message: STATUS_CODES[status] ?? 'Error', errors: items };
}

const mapped = (status: number, items: ErrorItem[], headers?: Record<string, string>): Mapped => ({
  status,
  body: errorBody(status, items),
  ...(headers ? { headers } : {}),
});

/** The value at a dotted wire path in the request's body, else its query string. */
function sentValue(request: FastifyRequest, param: string): unknown {
  const path = param.split('.');
  for (const source of [request.body, request.query]) {
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

function validationItem(request: FastifyRequest, path: FieldPath, message: string): ErrorItem {
  const param = pathToWire(path);
  return item(param, message, sentValue(request, param));
}

function fromDomain(err: DomainError | RateLimitedError, request: FastifyRequest): Mapped {
  switch (err instanceof RateLimitedError ? 'rate_limited' : err.kind) {
    case 'validation': {
      const e = err as ValidationError;
      return mapped(400, [validationItem(request, e.path, e.message)]);
    }
    case 'not_found': {
      const e = err as NotFoundError;
      const field = String(e.path[0] ?? 'id');
      if (field === 'starting_after' || field === 'ending_before') {
        // The list exists; the cursor is what is wrong.
        return mapped(400, [item(field, 'No customer with this id: pass the id of a customer from a previous page.', sentValue(request, field))]);
      }
      const params = request.params as Record<string, unknown> | undefined;
      return mapped(404, [item('customerId', 'No customer with this id.', params?.customerId ?? e.id)]);
    }
    case 'conflict': {
      const e = err as DomainError & { path: FieldPath };
      return mapped(409, [validationItem(request, e.path, err.message)]);
    }
    case 'unavailable':
      return mapped(503, [item('request', 'The service is briefly unavailable; retry the request.')], { 'Retry-After': '1' });
    case 'idempotency': {
      const e = err as IdempotencyError;
      return mapped((e.reason === 'in_progress' ? 409 : 400), [item('Idempotency-Key', err.message, e.key)], e.reason === 'in_progress' ? { 'Retry-After': '1' } : undefined);
    }
    case 'precondition_failed': {
      const e = err as PreconditionFailedError;
      return mapped(412, [item('If-Match', err.message, request.headers['if-match'])], { ETag: e.currentEtag });
    }
    case 'rate_limited':
      return mapped(429, [item('request', err.message)], { 'Retry-After': String((err as RateLimitedError).retryAfterSeconds) });
  }
}

function fromFramework(fe: FastifyError, request: FastifyRequest): Mapped | null {
  if (typeof fe.statusCode !== 'number' || fe.statusCode < 400 || fe.statusCode >= 500) return null;
  switch (fe.code) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return mapped(400, [item('body', EMPTY_BODY_MESSAGE)]);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return mapped(400, [item('body', 'The request body is not valid JSON.')]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'CHECKOUTPAGE_UNSUPPORTED_MEDIA_TYPE':
      return mapped(415, [item('Content-Type', 'Send the request body as application/json.', request.headers['content-type'])]);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return mapped(413, [item('body', 'The request body is too large (at most 1 MB).')]);
    case 'FST_ERR_BAD_URL':
      return mapped(400, [item('url', 'The URL is not valid: it holds malformed percent-encoding.', request.raw.url ?? null)]);
    case 'CLIENTELE_FORM_SYNTAX':
      return mapped(400, [item('query', fe.message)]);
  }
  // JSON.parse's own SyntaxError (a body Fastify's parser rejected, a prototype-poisoning key, …).
  if (fe.name === 'SyntaxError') return mapped(400, [item('body', 'The request body is not valid JSON.')]);
  return mapped(fe.statusCode, [item('request', fe.message)]);
}

/** Maps any error to CheckoutPage's format; null when it is a bug (a 500). */
export function mapCheckoutPageError(err: unknown, request: FastifyRequest): Mapped | null {
  if (err instanceof AuthError) return { status: 401, body: UNAUTHORIZED_BODY, headers: { 'WWW-Authenticate': 'Bearer' } };
  if (err instanceof CheckoutPageError) return mapped(err.statusCode, err.items, err.headers);
  if (err instanceof ValidationErrors) return mapped(400, err.errors.map((e) => validationItem(request, e.path, e.message)));
  if (err instanceof DomainError || err instanceof RateLimitedError) return fromDomain(err, request);
  return fromFramework(err as FastifyError, request);
}

/** Renders any error in CheckoutPage's error format; never a stack, never a 500 for bad input. */
export function checkoutPageErrorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  let result = mapCheckoutPageError(err, request);
  if (!result) {
    request.log.error({ err }, 'unhandled error');
    result = mapped(500, [item('request', `An unexpected error occurred (request ${request.id}). It has been logged.`)]);
  }
  if (result.headers) void reply.headers(result.headers);
  void reply.code(result.status).send(result.body);
}

/** A URL no CheckoutPage route serves (CheckoutPage has no create or delete for customers). */
export function checkoutPageNotFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const path = (request.raw.url ?? '').split('?')[0] ?? '';
  void reply.code(404).send(errorBody(404, [item('url', `No endpoint ${request.method} ${path}.`, path)]));
}

/** CheckoutPage's body for a request refused before it could be parsed (headers too large, say). */
export function checkoutPageBareError(status: number, message: string): CheckoutPageErrorBody {
  return errorBody(status, [item('headers', message)]);
}
