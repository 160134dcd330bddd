/**
 * The token endpoint's own renderer (RFC 6749 §5.2), which the catalogue test does not reach (it
 * renders each surface's main renderer): every kind at a status from its tables, in the body
 * /openapi.json documents for POST /auth/token.
 */
import { CountGrantError } from '../../../src/surfaces/count/errors.ts';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { Ajv } from 'ajv';
import { startServer, type TestServer } from '../../helpers/server.ts';
import { ConflictError, IdempotencyError, NotFoundError, PreconditionFailedError, UnavailableError, ValidationError } from '../../../src/domain/errors.ts';
import { AuthError } from '../../../src/http/auth.ts';
import { FormSyntaxError } from '../../../src/http/form-body.ts';
import { JsonTooDeepError } from '../../../src/http/json-body.ts';
import { RateLimitedError } from '../../../src/http/rate-limits/rate-limited-error.ts';
import { ERROR_KINDS, type ErrorKind } from '../../../src/surfaces/shared/errors/catalogue.ts';
import { answerError, answerProblem, problemOf, statusFor } from '../../../src/surfaces/shared/errors/answer.ts';
import { SchemaValidationError } from '../../../src/surfaces/shared/errors/problem.ts';
import { OAuthError, oauthErrors } from '../../../src/surfaces/asset/oauth-errors.ts';
import { ASSET } from './helpers.ts';

const fastifyError = (code: string | undefined, statusCode: number, message: string, name = 'FastifyError') => Object.assign(new Error(message), { code, statusCode, name });

/** A thrown value (or, for kinds no thrown value carries, a problem) for every kind. */
const SAMPLES: Record<ErrorKind, unknown> = {
  validation: new ValidationError(['email'], 'Invalid email address: x'),
  not_found: new NotFoundError('customer', 'x'),
  conflict: new ConflictError(['email'], 'taken'),
  unavailable: new UnavailableError('The store is busy; retry the request.'),
  idempotency_key_reused: new IdempotencyError('parameters_mismatch', 'k'),
  idempotency_key_in_use: new IdempotencyError('in_progress', 'k'),
  idempotency_key_invalid: new IdempotencyError('invalid_key', '\u0001'),
  precondition_failed: new PreconditionFailedError('"v2"'),
  unauthenticated: new AuthError('missing', null),
  rate_limited: new RateLimitedError(7, '300 requests per minute per tenant'),
  forbidden: new CountGrantError('INVALID_REFRESH_TOKEN', 'Invalid refresh token.'),
  request_invalid: new SchemaValidationError('body', [{ path: ['client_id'], keyword: 'type', params: { type: 'string' }, value: 5 }]),
  body_unparseable: fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400, 'Body is not valid JSON'),
  body_too_deep: new JsonTooDeepError(),
  form_unparseable: new FormSyntaxError("Invalid percent-encoding in the body: '%ZZ'"),
  body_too_large: fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large'),
  media_type_unsupported: fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'Unsupported Media Type: text/csv'),
  malformed_request: fastifyError('FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'Request body size did not match Content-Length'),
  uri_too_long: fastifyError('FST_ERR_MAX_PARAM_LENGTH', 414, 'too long'),
  route_not_found: problemOf('route_not_found', 'Unrecognized request URL (GET /nowhere).'),
  request_timeout: problemOf('request_timeout', 'The request took too long to arrive.'),
  headers_too_large: problemOf('headers_too_large', 'The request headers are too large.'),
  internal: new Error('a bug'),
};

const request = { id: 'req_oauth', method: 'POST', url: `${ASSET}/auth/token`, raw: { url: `${ASSET}/auth/token` }, headers: {} } as unknown as FastifyRequest;

const answer = (sample: unknown) =>
  sample instanceof Error ? answerError(oauthErrors, sample, request) : answerProblem(oauthErrors, sample as ReturnType<typeof problemOf>, request);

describe('Asset surface: the token endpoint renders every error in RFC 6749 §5.2 format', () => {
  let server: TestServer;
  before(async () => (server = await startServer()));
  after(async () => server?.close());

  it('every kind: a status from the tables, a body /openapi.json documents for POST /auth/token', async () => {
    const doc = (await server.request('GET', '/openapi.json', { key: null })).body;
    const responses = doc.paths[`${ASSET}/auth/token`].post.responses;
    const ajv = new Ajv({ strict: false });
    for (const kind of ERROR_KINDS) {
      const result = answer(SAMPLES[kind]);
      assert.equal(result.status, statusFor(oauthErrors, result.kind), kind);
      const documented = responses[String(result.status)] ?? responses[`${String(result.status)[0]}XX`];
      assert.ok(documented, `${kind}: ${result.status} is documented`);
      const validate = ajv.compile(documented.content['application/json'].schema);
      assert.ok(validate(result.body), `${kind}: ${JSON.stringify(result.body)} ${ajv.errorsText(validate.errors)}`);
    }
  });

  it('OAuth errors at their RFC 6749 statuses; store outages, rate limits and bugs in OAuth terms', () => {
    const cases: [unknown, number, string][] = [
      [new OAuthError('invalid_client', 'client_id is required.', 'Basic realm="Clientele"'), 401, 'invalid_client'],
      [new OAuthError('invalid_request', 'expires_in must be a whole number.'), 400, 'invalid_request'],
      [new OAuthError('unsupported_grant_type', 'use client_credentials.'), 400, 'unsupported_grant_type'],
      [new OAuthError('invalid_scope', 'business_id is not yours.'), 400, 'invalid_scope'],
      [SAMPLES.unavailable, 503, 'temporarily_unavailable'],
      [SAMPLES.rate_limited, 429, 'slow_down'],
      [SAMPLES.body_too_large, 400, 'invalid_request'],
      [SAMPLES.media_type_unsupported, 400, 'invalid_request'],
      [SAMPLES.not_found, 500, 'server_error'],
      [SAMPLES.internal, 500, 'server_error'],
    ];
    for (const [sample, status, error] of cases) {
      const result = answer(sample);
      assert.equal(result.status, status, error);
      assert.equal((result.body as { error: string }).error, error);
    }
    assert.equal(answer(cases[0]![0]).headers['WWW-Authenticate'], 'Basic realm="Clientele"');
    assert.equal(answer(SAMPLES.rate_limited).headers['Retry-After'], '7');
    assert.match(answer(SAMPLES.internal).body.error_description, /req_oauth/);
  });
});
