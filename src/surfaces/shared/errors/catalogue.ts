/**
 * The one catalogue of errors every surface renders: each kind with its HTTP status and what it
 * means. A surface documents where its vendor answers another status in its own exceptions table
 * (SurfaceErrors.statusExceptions), and renders the body in its own format; it never picks a
 * status by itself. test/surfaces/shared/error-catalogue.test.ts fails when a kind lacks its
 * status or its documentation, and when a surface cannot render one.
 */
export const ERROR_CATALOGUE = {
  // Raised by the domain (DomainError).
  validation: { status: 400, doc: 'A field breaks a rule of the customer model (e-mail syntax, country, lengths, metadata limits, …); the error names the field.' },
  not_found: { status: 404, doc: 'No such customer (or tenant, or history entry) in this tenant and mode, or an id that cannot name one.' },
  conflict: { status: 409, doc: 'The write conflicts with what is stored: the e-mail belongs to another customer (where the tenant enforces unique e-mails), or the id is taken.' },
  unavailable: { status: 503, doc: 'The store does not answer (database down, locked too long); retrying later may succeed. Sent with Retry-After.' },
  idempotency_key_reused: { status: 400, doc: 'The Idempotency-Key was first used with other parameters.' },
  idempotency_key_in_use: { status: 409, doc: 'Another request holding the same Idempotency-Key is still running; retry once it has finished. Sent with Retry-After.' },
  idempotency_key_invalid: { status: 400, doc: 'The Idempotency-Key is not 1 to 255 printable characters.' },
  precondition_failed: { status: 412, doc: "If-Match named a version the customer no longer has; nothing was written. Sent with the current ETag." },
  // Raised while taking the request in.
  unauthenticated: { status: 401, doc: 'No credentials, malformed ones, unknown ones, or expired ones.' },
  forbidden: { status: 403, doc: 'Authenticated, but what was presented is not good for this: an OAuth code or refresh token that is unknown, spent, expired or another client\'s.' },
  rate_limited: { status: 429, doc: 'Past a rate limit; sent with Retry-After.' },
  request_invalid: { status: 400, doc: "A body field, query parameter or path parameter does not match the route's schema; every surface names the field." },
  body_unparseable: { status: 400, doc: 'The body is not valid JSON (or is empty where JSON is required, or names __proto__).' },
  body_too_deep: { status: 400, doc: 'The JSON body nests objects and arrays deeper than 20 levels; refused before parsing.' },
  form_unparseable: { status: 400, doc: 'A form body or query string with malformed percent-encoding, a NUL character, or past the parser bounds.' },
  body_too_large: { status: 413, doc: 'The body is over 1 MiB.' },
  media_type_unsupported: { status: 415, doc: 'A body in a Content-Type the route does not take.' },
  malformed_request: { status: 400, doc: 'The URL or the framing is malformed (bad percent-encoding in the path, a Content-Length that does not match the body, bytes that are not HTTP).' },
  uri_too_long: { status: 414, doc: 'A path segment is over 500 characters.' },
  route_not_found: { status: 404, doc: 'No route for this method and path under the surface.' },
  request_timeout: { status: 408, doc: 'The request took too long to arrive.' },
  headers_too_large: { status: 431, doc: 'The request headers (URL included) are over 16 KiB.' },
  internal: { status: 500, doc: 'A bug: never expected, always logged with the request id.' },
} as const satisfies Record<string, { status: number; doc: string }>;

export type ErrorKind = keyof typeof ERROR_CATALOGUE;

export const ERROR_KINDS = Object.keys(ERROR_CATALOGUE) as ErrorKind[];
