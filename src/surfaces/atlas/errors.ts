import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ConflictError, type IdempotencyError, type NotFoundError, type PreconditionFailedError, type ValidationError } from '../../domain/errors.ts';
import { AuthError } from '../../http/auth.ts';
import { FormSyntaxError } from '../../http/form-body.ts';
import { atlasParam, shownCustomerId } from './wire.ts';
import { RateLimitedError } from '../../http/rate-limits/rate-limited-error.ts';

/**
 * Atlas documents no error format. Its API is Stripe-shaped (sk_ keys, `object: "customer"`,
 * snake_case), so its errors are too: `{"error": {"type", "code", "message", "param"}}`.
 *
 *   400 invalid_request_error  parameter_unknown | parameter_missing | parameter_invalid |
 *                              email_invalid | country_invalid | invalid_json | invalid_url
 *   401 authentication_error   api_key_missing | api_key_invalid | api_key_expired
 *   404 invalid_request_error  resource_missing (param customer_id) | route_not_found
 *   409 invalid_request_error  resource_already_exists (param email)
 *   413, 415 invalid_request_error  body_too_large | unsupported_media_type
 *   429 rate_limit_error       rate_limit_exceeded (Retry-After; see src/http/rate-limits.ts)
 *   503 api_error              service_unavailable (Retry-After: 1)
 *   500 api_error              (never expected; logged)
 *
 * `param` names the field in Atlas's notation: its own name, dotted (`billing_address.line1`).
 */
export interface AtlasErrorBody {
  error: { type: string; code?: string; message: string; param?: string };
}

interface Mapped {
  status: number;
  body: AtlasErrorBody;
  headers?: Record<string, string>;
}

function error(status: number, type: string, message: string, extra: { code?: string; param?: string } = {}): Mapped {
  const body: AtlasErrorBody = { error: { type, message } };
  if (extra.code) body.error.code = extra.code;
  if (extra.param) body.error.param = extra.param;
  return { status, body };
}

const invalid = (message: string, code: string, param?: string) =>
  error(400, 'invalid_request_error', message, param === undefined ? { code } : { code, param });

/** Fields other APIs name that Atlas names differently, or does not let a client write. */
const HINTS: Readonly<Record<string, string>> = {
  address: 'Atlas calls it billing_address.',
  shipping: 'Atlas takes shipping_address.',
  invoice_settings: 'Atlas takes default_payment_method at the top level.',
  tax_ids: 'Tax ids are read-only on this API.',
  tax_id_data: 'Tax ids are read-only on this API.',
  id: 'The id is in the path.',
};

/** Friendlier wording for the query parameters' bounds. */
const QUERY_RULES: Readonly<Record<string, string>> = {
  limit: 'limit must be an integer from 1 to 100.',
  offset: 'offset must be an integer of at least 0.',
};

interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

function pointerParts(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function depth(e: SchemaError): number {
  return pointerParts(e.instancePath).length;
}

const ARTICLE: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/** One message for a failed schema validation, naming the field. */
function fromValidation(errors: SchemaError[], context: string | undefined): Mapped {
  const inQuery = context === 'querystring';
  const deepestFirst = (a: SchemaError, b: SchemaError) => depth(b) - depth(a);

  const unknown = errors.filter((e) => e.keyword === 'additionalProperties').sort(deepestFirst)[0];
  if (unknown) {
    const names = (unknown.params.additionalProperties as string[] | undefined) ?? [];
    const parts = [...pointerParts(unknown.instancePath), String(names[0] ?? '')];
    const param = parts.join('.');
    const hint = parts.length === 1 ? HINTS[param] : undefined;
    const what = inQuery ? 'query parameter' : 'field';
    return invalid(`Unknown ${what}: ${param}.${hint ? ' ' + hint : ''}`, 'parameter_unknown', param);
  }

  const missing = errors.find((e) => e.keyword === 'required');
  if (missing) {
    const names = (missing.params.requiredProperties as string[] | undefined) ?? [];
    const param = [...pointerParts(missing.instancePath), String(names[0] ?? '')].join('.');
    return invalid(`Missing required field: ${param}.`, 'parameter_missing', param);
  }

  // Inside a union every branch reports. The most specific complaint is the deepest one that
  // is not merely "must be null" for the nullable branch the value was never meant for.
  const candidates = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'boolean');
  const specific = candidates.filter(
    (e) => !(e.keyword === 'type' && e.params.type === 'null' && candidates.some((o) => o !== e && o.instancePath.startsWith(e.instancePath))),
  );
  const e = specific.sort((a, b) => deepestFirst(a, b) || Number(a.keyword === 'type') - Number(b.keyword === 'type'))[0];
  if (!e) return invalid('Invalid request.', 'parameter_invalid');
  const parts = pointerParts(e.instancePath);
  if (parts.length === 0) return invalid('The request body must be a JSON object.', 'invalid_json');
  const param = parts.join('.');
  const rule = inQuery ? QUERY_RULES[param] : undefined;
  const limit = e.params.limit;
  let message: string;
  switch (e.keyword) {
    case 'type': {
      if (rule) {
        message = rule;
        break;
      }
      const types = new Set<string>();
      for (const o of errors) {
        if (o.instancePath !== e.instancePath || o.keyword !== 'type') continue;
        for (const t of [o.params.type].flat()) types.add(String(t));
      }
      message = `${param} must be ${[...types].map((t) => ARTICLE[t] ?? t).join(' or ')}.`;
      if (param === 'email' && !inQuery) message += ' It is required, so it cannot be cleared.';
      break;
    }
    case 'maxLength':
      message = `${param} must be at most ${limit} characters.`;
      break;
    case 'minLength':
      message = `${param} must not be empty.`;
      break;
    case 'pattern':
      message = `${param} must not be blank.`;
      break;
    case 'minimum':
    case 'maximum':
      message = rule ?? `${param} must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${limit}.`;
      break;
    case 'maxProperties':
      message = `${param} can have at most ${limit} keys.`;
      break;
    default:
      message = `Invalid value for ${param}: ${e.message ?? 'invalid'}.`;
  }
  return invalid(message, 'parameter_invalid', param);
}

function fromAuth(err: AuthError): Mapped {
  const messages = {
    missing: "No API key provided. Send your secret key as 'Authorization: Bearer sk_test_…' (or sk_live_…).",
    malformed: "Invalid Authorization header. Use 'Authorization: Bearer YOUR_SECRET_KEY'.",
    invalid: `Invalid API key provided: ${err.masked ?? ''}`,
    expired: `Expired API key provided: ${err.masked ?? ''}. Use the key that replaced it.`,
  } as const;
  const codes = { missing: 'api_key_missing', malformed: 'api_key_invalid', invalid: 'api_key_invalid', expired: 'api_key_expired' } as const;
  const mapped = error(401, 'authentication_error', messages[err.reason], { code: codes[err.reason] });
  mapped.headers = { 'WWW-Authenticate': 'Bearer realm="Atlas"' };
  return mapped;
}

function fromDomain(err: DomainError | RateLimitedError): Mapped {
  switch (err instanceof RateLimitedError ? 'rate_limited' : err.kind) {
    case 'validation': {
      const e = err as ValidationError;
      return invalid(err.message, e.code, atlasParam(e.path));
    }
    case 'not_found': {
      const e = err as NotFoundError;
      const id = e.resource === 'customer' ? shownCustomerId(e.id) : e.id;
      return error(404, 'invalid_request_error', `No such ${e.resource}: '${id}'`, { code: 'resource_missing', param: atlasParam(e.path) });
    }
    case 'conflict': {
      const e = err as ConflictError;
      return error(409, 'invalid_request_error', err.message, { code: e.code, param: atlasParam(e.path) });
    }
    case 'unavailable':
      return {
        ...error(503, 'api_error', 'The service is temporarily unavailable; retry shortly.', { code: 'service_unavailable' }),
        headers: { 'Retry-After': '1' },
      };
    case 'idempotency': {
      const e = err as IdempotencyError;
      const codes = { parameters_mismatch: 'idempotency_key_reused', in_progress: 'idempotency_key_in_use', invalid_key: 'idempotency_key_invalid' } as const;
      const mapped = error((e.reason === 'in_progress' ? 409 : 400), 'idempotency_error', err.message, { code: codes[e.reason] });
      return e.reason === 'in_progress' ? { ...mapped, headers: { 'Retry-After': '1' } } : mapped;
    }
    case 'precondition_failed':
      return { ...error(412, 'invalid_request_error', err.message, { code: 'precondition_failed' }), headers: { ETag: (err as PreconditionFailedError).currentEtag } };
    case 'rate_limited':
      return { ...error(429, 'rate_limit_error', err.message, { code: 'rate_limit_exceeded' }), headers: { 'Retry-After': String((err as RateLimitedError).retryAfterSeconds) } };
  }
}

const FRAMEWORK: Readonly<Record<string, { code: string; message: string }>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'Unsupported Content-Type: send the body as application/json.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'body_too_large', message: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request', message: 'The Content-Length does not match the body.' },
  FST_ERR_BAD_URL: { code: 'invalid_url', message: 'The URL is malformed.' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'invalid_url', message: 'The URL is malformed.' },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: 'invalid_json',
    message: 'The request body is not valid JSON (or it names __proto__ or constructor.prototype, which are refused).',
  },
  ATLAS_BODY_NOT_OBJECT: { code: 'invalid_json', message: 'The request body must be a JSON object.' },
};

export function mapAtlasError(err: unknown): Mapped | null {
  if (err instanceof AuthError) return fromAuth(err);
  if (err instanceof DomainError || err instanceof RateLimitedError) return fromDomain(err);
  if (err instanceof FormSyntaxError) return invalid(err.message, 'parameter_invalid');
  const fe = err as { statusCode?: unknown; code?: unknown; name?: unknown; message?: unknown; validation?: unknown; validationContext?: unknown } | null;
  if (fe && Array.isArray(fe.validation)) {
    return fromValidation(fe.validation as SchemaError[], typeof fe.validationContext === 'string' ? fe.validationContext : undefined);
  }
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const known = typeof fe.code === 'string' ? FRAMEWORK[fe.code] : undefined;
    if (known) return error(fe.statusCode, 'invalid_request_error', known.message, { code: known.code });
    // JSON.parse's SyntaxError (and Fastify's own JSON errors, prototype poisoning included).
    if (fe.name === 'SyntaxError' || (typeof fe.code === 'string' && fe.code.startsWith('FST_ERR_CTP_'))) {
      return invalid(`The body is not valid JSON: ${String(fe.message)}`, 'invalid_json');
    }
    return error(fe.statusCode, 'invalid_request_error', String(fe.message ?? 'Invalid request.'), { code: 'invalid_request' });
  }
  return null;
}

/** Renders any error in Atlas's error format: never a stack, never Fastify's own shape. */
export function atlasErrorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  let mapped = mapAtlasError(err);
  if (!mapped) {
    request.log.error({ err }, 'unhandled error');
    mapped = error(500, 'api_error', `An unexpected error occurred (request ${request.id}). It has been logged.`);
  }
  if (mapped.headers) void reply.headers(mapped.headers);
  void reply.code(mapped.status).send(mapped.body);
}

/** Unknown routes under the prefix (and known paths with another method). */
export function atlasNotFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const path = (request.raw.url ?? request.url).split('?')[0];
  void reply
    .code(404)
    .send(error(404, 'invalid_request_error', `Unrecognized request URL (${request.method} ${path}).`, { code: 'route_not_found' }).body);
}

/** Atlas's envelope for a request refused before it could be parsed (headers too large, say). */
export function atlasBareError(_status: number, message: string): AtlasErrorBody {
  return { error: { type: 'invalid_request_error', message } };
}
