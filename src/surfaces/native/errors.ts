import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, NotFoundError, type IdempotencyError, type PreconditionFailedError } from '../../domain/errors.ts';
import { AuthError } from '../../http/auth.ts';
import { isCanonicalId } from '../../domain/ids.ts';
import { customerIdToWire } from '../../formats/ids.ts';
import { pathToParam } from '../../formats/bracket-path.ts';
import { RateLimitedError } from '../../http/rate-limits/rate-limited-error.ts';

/** Stripe's error envelope: `{"error":{"type","code","message","param"}}`. */
export interface StripeErrorBody {
  error: { type: string; code?: string; message: string; param?: string };
}

interface Mapped {
  status: number;
  body: StripeErrorBody;
  headers?: Record<string, string>;
}

/** Stripe parameters Clientele deliberately does not take, with the reason a porting user needs. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  source: 'Clientele stores customer records, not payment instruments; attach sources with your payment processor.',
  payment_method: 'Clientele stores customer records, not payment instruments; set invoice_settings[default_payment_method] to its id instead.',
  cash_balance: 'Cash balances are not supported.',
  tax: 'Automatic tax location (tax[ip_address], tax[validate_location]) is not supported.',
  test_clock: 'Test clocks are not supported.',
  coupon: 'Discounts are not supported.',
  promotion_code: 'Discounts are not supported.',
};

const IDEMPOTENCY_CODES: Record<IdempotencyError['reason'], { code?: string }> = {
  parameters_mismatch: {},
  in_progress: { code: 'idempotency_key_in_use' },
  invalid_key: { code: 'idempotency_key_invalid' },
};

function error(status: number, type: string, message: string, extra: { code?: string; param?: string } = {}): Mapped {
  const body: StripeErrorBody = { error: { type, message } };
  if (extra.code) body.error.code = extra.code;
  if (extra.param) body.error.param = extra.param;
  return { status, body };
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  data?: unknown;
}

/** `/address/city` → `address[city]`. */
function ajvPathToParam(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  return pathToParam(parts);
}

function shown(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s === undefined ? 'undefined' : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** One Stripe-style message for a failed schema validation, naming the parameter. */
function fromValidation(errors: AjvError[]): Mapped {
  const unknown = errors.find((e) => e.keyword === 'additionalProperties');
  if (unknown) {
    const name = String(unknown.params.additionalProperty);
    const param = ajvPathToParam(unknown.instancePath, name);
    const reason = unknown.instancePath === '' ? UNSUPPORTED[name] : undefined;
    return error(400, 'invalid_request_error', reason ? `Received unsupported parameter: ${param}. ${reason}` : `Received unknown parameter: ${param}`, {
      code: 'parameter_unknown',
      param,
    });
  }
  const missing = errors.find((e) => e.keyword === 'required');
  if (missing) {
    const param = ajvPathToParam(missing.instancePath, String(missing.params.missingProperty));
    return error(400, 'invalid_request_error', `Missing required param: ${param}.`, { code: 'parameter_missing', param });
  }
  // Inside a union every branch reports; the most specific complaint is the deepest one that is
  // not merely "wrong type" for a branch the value was never meant for.
  const ranked = errors
    .filter((e) => e.keyword !== 'anyOf')
    .sort((a, b) => depth(b) - depth(a) || typeRank(a) - typeRank(b));
  const e = ranked[0] ?? errors[0];
  if (!e) return error(400, 'invalid_request_error', 'Invalid request.');
  if (e.instancePath === '' && e.keyword === 'type') {
    return error(400, 'invalid_request_error', 'The request body must be a set of parameters: a form or a JSON object.');
  }
  const param = ajvPathToParam(e.instancePath);
  const value = e.data;
  let message: string;
  switch (e.keyword) {
    case 'maxLength':
      message = `Invalid string: ${shown(value)}; must be at most ${e.params.limit} characters`;
      break;
    case 'minLength':
      message = `Invalid string: ${param} must be at least ${e.params.limit} characters`;
      break;
    case 'maxItems':
      message = `Invalid array: ${param} must have at most ${e.params.limit} items`;
      break;
    case 'maxProperties':
      message = `Invalid hash: ${param} can have at most ${e.params.limit} keys`;
      break;
    case 'minimum':
    case 'maximum':
      message = `Invalid integer: ${shown(value)}; ${param} must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${e.params.limit}`;
      break;
    case 'pattern':
      message = `Invalid value for ${param}: ${shown(value)}`;
      break;
    case 'const':
    case 'enum':
    case 'type': {
      const allowed = collectAllowed(errors, e.instancePath);
      const expected = collectTypes(errors, e.instancePath);
      message =
        allowed.length > 0
          ? `Invalid ${param}: must be one of ${allowed.join(', ')}`
          : expected.includes('integer')
            ? `Invalid integer: ${shown(value)}`
            : expected.includes('boolean')
              ? `Invalid boolean: ${shown(value)}`
              : expected.includes('object')
                ? `Invalid object: ${param} must be a hash of parameters`
                : expected.includes('array')
                  ? `Invalid array: ${param} must be a list`
                  : `Invalid ${expected.join(' or ') || 'value'}: ${shown(value)}`;
      break;
    }
    default:
      message = `Invalid value for ${param}: ${e.message ?? 'invalid'}`;
  }
  return error(400, 'invalid_request_error', message, { code: 'parameter_invalid', param });
}

function depth(e: AjvError): number {
  return e.instancePath.split('/').length;
}

/** "Not the empty string" and "wrong type for this branch" say least about what was meant. */
function typeRank(e: AjvError): number {
  if (e.keyword === 'const' && e.params.allowedValue === '') return 2;
  return e.keyword === 'type' || e.keyword === 'const' ? 1 : 0;
}

function collectAllowed(errors: AjvError[], path: string): string[] {
  const out: string[] = [];
  for (const e of errors) {
    if (e.instancePath !== path) continue;
    if (e.keyword === 'const' && e.params.allowedValue !== '' && e.params.allowedValue !== null) out.push(String(e.params.allowedValue));
    if (e.keyword === 'enum') out.push(...(e.params.allowedValues as unknown[]).map(String));
  }
  return out;
}

function collectTypes(errors: AjvError[], path: string): string[] {
  const types = new Set<string>();
  for (const e of errors) if (e.instancePath === path && e.keyword === 'type') types.add(String(e.params.type));
  types.delete('null');
  return [...types];
}

function fromAuth(err: AuthError): Mapped {
  const messages = {
    missing:
      "You did not provide an API key. Provide your secret key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY') or HTTP Basic auth with the key as user name.",
    malformed: "Invalid Authorization header. Use 'Authorization: Bearer YOUR_SECRET_KEY' or HTTP Basic with the key as user name.",
    invalid: `Invalid API Key provided: ${err.masked ?? ''}`,
    expired: `Expired API Key provided: ${err.masked ?? ''}. Use the key that replaced it.`,
  } as const;
  const mapped = error(401, 'authentication_error', messages[err.reason], err.reason === 'expired' ? { code: 'api_key_expired' } : {});
  mapped.headers = { 'WWW-Authenticate': 'Basic realm="Clientele"' };
  return mapped;
}

function fromDomain(err: DomainError | RateLimitedError): Mapped {
  switch (err instanceof RateLimitedError ? 'rate_limited' : err.kind) {
    case 'validation': {
      const e = err as DomainError & { path: (string | number)[]; code: string };
      return error(400, 'invalid_request_error', err.message, { code: e.code, param: pathToParam(e.path) });
    }
    case 'not_found': {
      const e = err as NotFoundError;
      const id = e.resource === 'customer' && isCanonicalId(e.id) ? customerIdToWire(e.id) : e.id;
      return error(404, 'invalid_request_error', `No such ${e.resource}: '${id}'`, { code: 'resource_missing', param: pathToParam(e.path) });
    }
    case 'conflict': {
      const e = err as DomainError & { path: (string | number)[]; code: string };
      // A retry would conflict again: tell Stripe's SDKs not to.
      return { ...error(409, 'invalid_request_error', err.message, { code: e.code, param: pathToParam(e.path) }), headers: { 'Stripe-Should-Retry': 'false' } };
    }
    case 'unavailable':
      return { ...error(503, 'api_error', err.message), headers: { 'Stripe-Should-Retry': 'true', 'Retry-After': '1' } };
    case 'idempotency': {
      const e = err as IdempotencyError;
      const mapped = error((e.reason === 'in_progress' ? 409 : 400), 'idempotency_error', err.message, IDEMPOTENCY_CODES[e.reason]);
      // In progress: the same request will succeed once the first has finished.
      return e.reason === 'in_progress' ? { ...mapped, headers: { 'Stripe-Should-Retry': 'true', 'Retry-After': '1' } } : mapped;
    }
    case 'precondition_failed':
      return { ...error(412, 'invalid_request_error', err.message, { code: 'precondition_failed' }), headers: { ETag: (err as PreconditionFailedError).currentEtag } };
    case 'rate_limited':
      return { ...error(429, 'invalid_request_error', err.message, { code: 'rate_limit' }), headers: { 'Retry-After': String((err as RateLimitedError).retryAfterSeconds) } };
  }
}

export function mapNativeError(err: unknown): Mapped | null {
  if (err instanceof AuthError) return fromAuth(err);
  if (err instanceof DomainError || err instanceof RateLimitedError) return fromDomain(err);
  const fe = err as FastifyError & { validation?: AjvError[] };
  if (fe?.validation) return fromValidation(fe.validation);
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const messages: Record<string, string> = {
      FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported Content-Type: send application/x-www-form-urlencoded or application/json.',
      FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is too large.',
      FST_ERR_CTP_EMPTY_JSON_BODY: 'The JSON body is empty.',
      FST_ERR_CTP_INVALID_JSON_BODY: 'The body is not valid JSON.',
    };
    const message = messages[fe.code] ?? (fe.code === undefined || fe.name === 'SyntaxError' ? 'The body is not valid JSON.' : fe.message);
    return error(fe.statusCode, 'invalid_request_error', message);
  }
  return null;
}

/** The native surface's error handler: every failure leaves in Stripe's envelope, never a stack. */
export function nativeErrorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  let mapped = mapNativeError(err);
  if (!mapped) {
    request.log.error({ err }, 'unhandled error');
    mapped = error(500, 'api_error', `An unexpected error occurred (request ${request.id}). It has been logged.`);
  }
  if (mapped.headers) void reply.headers(mapped.headers);
  void reply.code(mapped.status).send(mapped.body);
}

export function nativeNotFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send(
    error(404, 'invalid_request_error', `Unrecognized request URL (${request.method}: ${request.url.split('?')[0]}).`).body,
  );
}

/** Stripe's envelope for a request refused before it could be parsed (headers too large, say). */
export function nativeBareError(_status: number, message: string): StripeErrorBody {
  return { error: { type: 'invalid_request_error', message } };
}
