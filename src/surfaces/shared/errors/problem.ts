import {
  DomainError,
  type ConflictError,
  type DomainErrorKind,
  type IdempotencyError,
  type NotFoundError,
  type PreconditionFailedError,
  type UnavailableError,
  type ValidationError,
} from '../../../domain/errors.ts';
import { AuthError } from '../../../http/auth.ts';
import { RateLimitedError } from '../../../http/rate-limits/rate-limited-error.ts';
import type { ErrorKind } from './catalogue.ts';
import { schemaIssues, type RawSchemaError, type RequestPart, type SchemaIssue } from './schema-issues.ts';

/**
 * Any thrown value, classified once for every surface: its kind in the catalogue, and what each
 * surface's renderer needs to word it. Domain errors arrive typed, so a renderer reads their
 * fields without casts; everything else carries the thrown value as it is.
 */
type DomainProblem =
  | { kind: 'validation'; error: ValidationError }
  | { kind: 'not_found'; error: NotFoundError }
  | { kind: 'conflict'; error: ConflictError }
  | { kind: 'unavailable'; error: UnavailableError }
  | { kind: 'idempotency_key_reused' | 'idempotency_key_in_use' | 'idempotency_key_invalid'; error: IdempotencyError }
  | { kind: 'precondition_failed'; error: PreconditionFailedError };

type RequestProblem =
  | { kind: 'rate_limited'; error: RateLimitedError }
  | { kind: 'request_invalid'; error: unknown; part: RequestPart; issues: SchemaIssue[] }
  | { kind: Exclude<ErrorKind, DomainProblem['kind'] | 'rate_limited' | 'request_invalid'>; error: unknown };

export type Problem = (DomainProblem | RequestProblem) & {
  /** The thrown error's message (the renderer may word it its own way). */
  message: string;
  /** The framework's or the toolkit's code (`FST_ERR_…`, `CLIENTELE_…`), where there is one. */
  code?: string;
};

/**
 * Kinds a surface may raise in its own terms. The domain's kinds arrive as the domain's typed
 * errors, so that a renderer can trust the type of `problem.error` for those; a surface's own
 * `request_invalid` (an OAuth parameter refused, say) carries no schema issues.
 */
export type SurfaceErrorKind = Exclude<ErrorKind, DomainProblem['kind'] | 'rate_limited' | 'internal'>;

/**
 * An error a surface raises in its own terms (an OAuth error, a body that is not JSON): the kind
 * says its status, `detail` is what the surface's renderer shows.
 */
export class SurfaceError<Detail = unknown> extends Error {
  constructor(
    readonly kind: SurfaceErrorKind,
    message: string,
    readonly detail: Detail,
  ) {
    super(message);
    this.name = 'SurfaceError';
  }
}

/** Schema complaints about one part of a request, from a surface's own validator. */
export class SchemaValidationError extends Error {
  readonly statusCode = 400;
  constructor(
    readonly part: RequestPart,
    readonly issues: SchemaIssue[],
  ) {
    super(`invalid ${part}`);
    this.name = 'SchemaValidationError';
  }
}

const IDEMPOTENCY_KINDS = {
  parameters_mismatch: 'idempotency_key_reused',
  in_progress: 'idempotency_key_in_use',
  invalid_key: 'idempotency_key_invalid',
} as const satisfies Record<IdempotencyError['reason'], ErrorKind>;

function domainProblem(error: DomainError): DomainProblem {
  const kind: DomainErrorKind = error.kind;
  switch (kind) {
    case 'validation':
      return { kind, error: error as ValidationError };
    case 'not_found':
      return { kind, error: error as NotFoundError };
    case 'conflict':
      return { kind, error: error as ConflictError };
    case 'unavailable':
      return { kind, error: error as UnavailableError };
    case 'idempotency': {
      const e = error as IdempotencyError;
      return { kind: IDEMPOTENCY_KINDS[e.reason], error: e };
    }
    case 'precondition_failed':
      return { kind, error: error as PreconditionFailedError };
    default:
      return kind satisfies never;
  }
}

/** Errors Fastify and the HTTP toolkit raise while taking a request in, by code. */
const CODES: Readonly<Record<string, ErrorKind>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'media_type_unsupported',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body_unparseable',
  FST_ERR_CTP_INVALID_JSON_BODY: 'body_unparseable',
  FST_ERR_BAD_URL: 'malformed_request',
  FST_ERR_ASYNC_CONSTRAINT: 'malformed_request',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
  CLIENTELE_JSON_TOO_DEEP: 'body_too_deep',
  CLIENTELE_FORM_SYNTAX: 'form_unparseable',
};

/** Other client errors, by the status they carry. */
const STATUSES: Readonly<Record<number, ErrorKind>> = {
  404: 'route_not_found',
  408: 'request_timeout',
  413: 'body_too_large',
  414: 'uri_too_long',
  415: 'media_type_unsupported',
  431: 'headers_too_large',
};

const PARTS = new Set<string>(['body', 'querystring', 'params', 'headers']);

/** The problem `err` is; null when it is a bug (the surface answers 500 and logs it). */
export function classify(err: unknown): Problem | null {
  if (err instanceof DomainError) return { ...domainProblem(err), message: err.message };
  if (err instanceof AuthError) return { kind: 'unauthenticated', error: err, message: err.message };
  if (err instanceof RateLimitedError) return { kind: 'rate_limited', error: err, message: err.message };
  if (err instanceof SurfaceError) {
    if (err.kind === 'request_invalid') return { kind: err.kind, error: err, message: err.message, part: 'body', issues: [] };
    return { kind: err.kind, error: err, message: err.message };
  }
  if (err instanceof SchemaValidationError) return { kind: 'request_invalid', error: err, message: err.message, part: err.part, issues: err.issues };
  const e = err as { statusCode?: unknown; code?: unknown; name?: unknown; message?: unknown; validation?: unknown; validationContext?: unknown } | null;
  if (e === null || typeof e !== 'object') return null;
  const message = typeof e.message === 'string' ? e.message : '';
  const code = typeof e.code === 'string' ? e.code : undefined;
  const withCode = code === undefined ? {} : { code };
  if (Array.isArray(e.validation)) {
    const part = typeof e.validationContext === 'string' && PARTS.has(e.validationContext) ? (e.validationContext as RequestPart) : 'body';
    return { kind: 'request_invalid', error: err, message, part, issues: schemaIssues(e.validation as RawSchemaError[], undefined), ...withCode };
  }
  if (typeof e.statusCode !== 'number' || e.statusCode < 400 || e.statusCode >= 500) return null;
  const known = code !== undefined ? CODES[code] : undefined;
  // JSON.parse's own SyntaxError: a body Fastify's parser refused (a prototype-poisoning key, say).
  const kind = known ?? (e.name === 'SyntaxError' ? 'body_unparseable' : (STATUSES[e.statusCode] ?? 'malformed_request'));
  return { kind, error: err, message, ...withCode } as Problem;
}
