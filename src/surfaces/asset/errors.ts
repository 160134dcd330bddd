import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, NotFoundError, type FieldPath, type IdempotencyError, type PreconditionFailedError } from '../../domain/errors.ts';
import { AuthError } from '../../http/auth.ts';
import { pathToWire, shownCustomerId } from './wire.ts';
import { RateLimitedError } from '../../http/rate-limits/rate-limited-error.ts';

/**
 * Asset's error bodies. Asset's pages do not show them; Asset's API is FastAPI's, so Clientele
 * answers as FastAPI does:
 *
 * - invalid input: 422 `{"detail": [{"type", "loc", "msg", "ctx"?}]}`, `loc` naming the field
 *   from the request part: `["body", "billing_address", "street_1"]`, `["query", "page_size"]`;
 * - every other error: `{"detail": "<message>"}`, the message naming the field, parameter or
 *   header at fault (401, 404, 409, 415, 413, 503, 500).
 *
 * POST /auth/token answers in OAuth 2.0's format instead (RFC 6749 §5.2):
 * `{"error": "invalid_client", "error_description": "…"}`; past its rate limit, 429 `slow_down`.
 */

export type Loc = (string | number)[];

export interface DetailItem {
  type: string;
  loc: Loc;
  msg: string;
  ctx?: Record<string, unknown>;
}

interface Mapped {
  status: number;
  body: { detail: string | DetailItem[] } | { error: string; error_description: string };
  headers?: Record<string, string>;
}

/** A 422 the surface raises itself, with the request part already in `loc`. */
export class AssetValidationError extends Error {
  readonly statusCode = 422;
  constructor(readonly items: DetailItem[]) {
    super(items.map((i) => `${i.loc.join('.')}: ${i.msg}`).join('; '));
    this.name = 'AssetValidationError';
  }
}

/** An error of the token endpoint, in RFC 6749's terms. */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401 | 503,
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope' | 'temporarily_unavailable',
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

const detail = (status: number, message: string, headers?: Record<string, string>): Mapped => ({
  status,
  body: { detail: message },
  ...(headers ? { headers } : {}),
});

const invalid = (items: DetailItem[]): Mapped => ({ status: 422, body: { detail: items } });

// ---- schema validation (ajv) → FastAPI's items ----

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  data?: unknown;
}

const PART: Readonly<Record<string, string>> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

function instanceLoc(part: string, instancePath: string, extra?: string): Loc {
  const parts: Loc = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (extra !== undefined) parts.push(extra);
  return [part, ...parts];
}

function plural(n: unknown, word: string): string {
  return `${String(n)} ${word}${n === 1 ? '' : 's'}`;
}

function fromAjv(e: AjvError, part: string): DetailItem {
  const loc = instanceLoc(part, e.instancePath);
  switch (e.keyword) {
    case 'required':
      return { type: 'missing', loc: instanceLoc(part, e.instancePath, String(e.params.missingProperty)), msg: 'Field required' };
    case 'additionalProperties':
      return { type: 'extra_forbidden', loc: instanceLoc(part, e.instancePath, String(e.params.additionalProperty)), msg: 'Extra inputs are not permitted' };
    case 'maxLength':
      return { type: 'string_too_long', loc, msg: `String should have at most ${plural(e.params.limit, 'character')}`, ctx: { max_length: e.params.limit } };
    case 'minLength':
      return { type: 'string_too_short', loc, msg: `String should have at least ${plural(e.params.limit, 'character')}`, ctx: { min_length: e.params.limit } };
    case 'minimum':
      return { type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${String(e.params.limit)}`, ctx: { ge: e.params.limit } };
    case 'maximum':
      return { type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${String(e.params.limit)}`, ctx: { le: e.params.limit } };
    case 'const':
    case 'enum':
      return { type: 'literal_error', loc, msg: 'Input should be one of the documented values' };
    case 'type': {
      const expected = ([] as unknown[]).concat(e.params.type).map(String);
      if (loc.length === 1 && part === 'body' && (e.data === undefined || e.data === null)) {
        return { type: 'missing', loc, msg: 'Field required' };
      }
      if (expected.includes('object')) {
        return { type: 'model_attributes_type', loc, msg: 'Input should be a valid dictionary or object to extract fields from' };
      }
      if (expected.includes('integer')) {
        return typeof e.data === 'string'
          ? { type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer' }
          : { type: 'int_type', loc, msg: 'Input should be a valid integer' };
      }
      if (expected.includes('string')) return { type: 'string_type', loc, msg: 'Input should be a valid string' };
      return { type: 'value_error', loc, msg: `Input should be of type ${expected.join(' or ')}` };
    }
    default:
      return { type: 'value_error', loc, msg: `Value error, ${e.message ?? 'invalid value'}` };
  }
}

function fromValidation(errors: AjvError[], context: string | undefined): Mapped {
  const part = PART[context ?? 'body'] ?? 'body';
  const items: DetailItem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const item = fromAjv(e, part);
    const key = JSON.stringify(item.loc);
    if (seen.has(key)) continue;
    seen.add(key);
    items.push(item);
  }
  if (items.length === 0) items.push({ type: 'value_error', loc: [part], msg: 'Invalid input' });
  return invalid(items);
}

// ---- domain errors ----

/** An id the caller sent, as quoted back: cut short, it names the value without echoing a page of it. */
function quoted(id: string): string {
  return id.length > 60 ? `${id.slice(0, 57)}...` : id;
}

function bodyLoc(path: FieldPath): Loc {
  return ['body', ...pathToWire(path)];
}

function fromDomain(err: DomainError | RateLimitedError): Mapped {
  switch (err instanceof RateLimitedError ? 'rate_limited' : err.kind) {
    case 'validation': {
      const e = err as DomainError & { path: FieldPath };
      return invalid([{ type: 'value_error', loc: bodyLoc(e.path), msg: `Value error, ${err.message}` }]);
    }
    case 'not_found': {
      const e = err as NotFoundError;
      const field = String(e.path[0] ?? 'id');
      if (field === 'page_token') {
        // A page token whose boundary customer is not in this business and mode.
        return invalid([{ type: 'value_error', loc: ['query', 'page_token'], msg: 'Value error, the page token does not belong to this list' }]);
      }
      if (e.resource === 'tenant') return detail(404, `Business not found: no business with business_id '${quoted(e.id)}'.`);
      return detail(404, `Customer not found: no customer with customer_id '${quoted(shownCustomerId(e.id))}' in this business.`);
    }
    case 'conflict': {
      const e = err as DomainError & { path: FieldPath };
      const field = pathToWire(e.path).join('.');
      return detail(409, err.message.includes(field) ? err.message : `${field}: ${err.message}`);
    }
    case 'unavailable':
      return detail(503, 'Service temporarily unavailable; retry shortly.', { 'Retry-After': '1' });
    case 'idempotency': {
      const e = err as IdempotencyError;
      return detail((e.reason === 'in_progress' ? 409 : 400), err.message, e.reason === 'in_progress' ? { 'retry-after': '1' } : undefined);
    }
    case 'precondition_failed':
      return detail(412, err.message, { etag: (err as PreconditionFailedError).currentEtag });
    case 'rate_limited':
      return detail(429, err.message, { 'retry-after': String((err as RateLimitedError).retryAfterSeconds) });
  }
}

// ---- authentication ----

function fromAuth(err: AuthError): Mapped {
  const messages = {
    missing: "Not authenticated: send the access token from POST /auth/token in the Authorization header, as 'Bearer <access_token>'.",
    malformed: "Invalid Authorization header: use 'Bearer <access_token>'.",
    invalid: 'Invalid access token in the Authorization header.',
    expired: 'The access token in the Authorization header has expired; request a new one from POST /auth/token.',
  } as const;
  const challenge =
    err.reason === 'missing'
      ? 'Bearer'
      : `Bearer error="${err.reason === 'malformed' ? 'invalid_request' : 'invalid_token'}", error_description="${messages[err.reason]}"`;
  return detail(401, messages[err.reason], { 'WWW-Authenticate': challenge });
}

// ---- framework errors ----

const FRAMEWORK_MESSAGES: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported Content-Type header: send the body as application/json.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is too large.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body.',
};

function fromFramework(fe: FastifyError, formBody: boolean): Mapped | null {
  if (typeof fe.statusCode !== 'number' || fe.statusCode < 400 || fe.statusCode >= 500) return null;
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return invalid([{ type: 'missing', loc: ['body'], msg: 'Field required' }]);
  if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.name === 'SyntaxError') {
    return invalid([{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error', ctx: { error: fe.message } }]);
  }
  if (fe.code === 'CLIENTELE_FORM_SYNTAX') {
    // A form body is refused whole (415); otherwise the form syntax at fault is the query string's.
    if (formBody) return detail(415, 'Unsupported Content-Type header: send the body as application/json.');
    return invalid([{ type: 'value_error', loc: ['query'], msg: `Value error, ${fe.message}` }]);
  }
  return detail(fe.statusCode, FRAMEWORK_MESSAGES[fe.code] ?? fe.message);
}

/** Maps any error to Asset's format; null when it is a bug (a 500). */
export function mapAssetError(err: unknown, request?: FastifyRequest): Mapped | null {
  if (err instanceof AssetValidationError) return invalid(err.items);
  if (err instanceof AuthError) return fromAuth(err);
  if (err instanceof DomainError || err instanceof RateLimitedError) return fromDomain(err);
  const fe = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe?.validation) return fromValidation(fe.validation, fe.validationContext);
  const formBody = /^application\/x-www-form-urlencoded/i.test(request?.headers['content-type'] ?? '');
  return fromFramework(fe, formBody);
}

// ---- the token endpoint: RFC 6749 ----

function oauth(status: number, error: string, description: string, headers?: Record<string, string>): Mapped {
  return { status, body: { error, error_description: description }, ...(headers ? { headers } : {}) };
}

export function mapOAuthError(err: unknown): Mapped | null {
  if (err instanceof OAuthError) return oauth(err.status, err.error, err.description, err.headers);
  if (err instanceof DomainError && err.kind === 'unavailable') {
    return oauth(503, 'temporarily_unavailable', 'Service temporarily unavailable; retry shortly.', { 'Retry-After': '1' });
  }
  if (err instanceof RateLimitedError) {
    // RFC 6749 names no error for this; `slow_down` is the registered OAuth error for "too often" (RFC 8628 §3.5).
    return oauth(429, 'slow_down', err.message, { 'retry-after': String(err.retryAfterSeconds) });
  }
  const fe = err as FastifyError;
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const message =
      fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'Unsupported Content-Type header: send application/x-www-form-urlencoded (or application/json).'
        : fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.name === 'SyntaxError'
          ? 'The body is not valid JSON.'
          : fe.message;
    return oauth(400, 'invalid_request', message);
  }
  return null;
}

function isTokenEndpoint(request: FastifyRequest): boolean {
  const path = (request.raw.url ?? '').split('?')[0] ?? '';
  return /\/auth\/token\/?$/.test(path);
}

function send(reply: FastifyReply, mapped: Mapped): void {
  if (mapped.headers) void reply.headers(mapped.headers);
  void reply.code(mapped.status).send(mapped.body);
}

/** Renders any error in Asset's error format; never a stack, never a 500 for bad input. */
export function assetErrorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const token = isTokenEndpoint(request);
  let mapped = token ? mapOAuthError(err) : mapAssetError(err, request);
  if (!mapped) {
    request.log.error({ err }, 'unhandled error');
    mapped = token
      ? oauth(500, 'server_error', `An unexpected error occurred (request ${request.id}). It has been logged.`)
      : detail(500, `Internal Server Error (request ${request.id}). It has been logged.`);
  }
  send(reply, mapped);
}

/** FastAPI's answer for a URL no route serves. */
export function assetNotFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send({ detail: `Not Found: no route for ${request.method} ${request.url.split('?')[0]}.` });
}

/** Asset's body for a request refused before it could be parsed (headers too large, say). */
export function assetBareError(_status: number, message: string): { detail: string } {
  return { detail: message };
}
