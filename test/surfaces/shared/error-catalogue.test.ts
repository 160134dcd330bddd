/**
 * The error catalogue's invariants, in the spirit of Fastify's test/internals/errors.test.js:
 * every kind has a status and its documentation; every domain error kind maps to a kind; and every
 * surface renders every kind at a status its /openapi.json documents for its routes, with a body
 * that matches the schema documented there. A new kind (in the catalogue or in the domain)
 * without samples here fails to compile; one a surface cannot render fails here.
 */
import { CountGrantError } from '../../../src/surfaces/count/errors.ts';
import { SurfaceError } from '../../../src/surfaces/shared/errors/problem.ts';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { Ajv, type ValidateFunction } from 'ajv';
import { startServer, type TestServer } from '../../helpers/server.ts';
import {
  ConflictError,
  DOMAIN_ERROR_KINDS,
  EmailTakenError,
  IdempotencyError,
  IdTakenError,
  NotFoundError,
  PreconditionFailedError,
  UnavailableError,
  ValidationError,
  type DomainError,
  type DomainErrorKind,
} from '../../../src/domain/errors.ts';
import { newId } from '../../../src/domain/ids.ts';
import { AuthError } from '../../../src/http/auth.ts';
import { FormSyntaxError } from '../../../src/http/form-body.ts';
import { JsonTooDeepError } from '../../../src/http/json-body.ts';
import { RateLimitedError } from '../../../src/http/rate-limits/rate-limited-error.ts';
import { ERROR_CATALOGUE, ERROR_KINDS, type ErrorKind } from '../../../src/surfaces/shared/errors/catalogue.ts';
import { answerError, answerProblem, problemOf, statusFor, type BareKind } from '../../../src/surfaces/shared/errors/answer.ts';
import { classify, SchemaValidationError } from '../../../src/surfaces/shared/errors/problem.ts';
import type { Surface } from '../../../src/surfaces/shared/surface.ts';
import { SURFACES } from '../../../src/server/surfaces.ts';

/** What Fastify throws, shaped as it throws it. */
function fastifyError(code: string | undefined, statusCode: number, message: string, name = 'FastifyError'): Error {
  return Object.assign(new Error(message), { code, statusCode, name });
}

const DOMAIN_SAMPLES: Record<DomainErrorKind, DomainError[]> = {
  validation: [new ValidationError(['address', 'country'], "Country 'XX' is unknown.", 'country_invalid'), new ValidationError(['contacts', 0, 'email'], 'Invalid email address: x', 'email_invalid')],
  not_found: [new NotFoundError('customer', newId()), new NotFoundError('customer', 'not-an-id', ['starting_after']), new NotFoundError('tenant', 'biz_x', ['business_id'])],
  conflict: [new EmailTakenError('taken@example.com'), new IdTakenError(newId()), new ConflictError(['email_uniqueness'], 'Duplicates exist.')],
  unavailable: [new UnavailableError('The store is busy; retry the request.')],
  idempotency: [new IdempotencyError('parameters_mismatch', 'key-1'), new IdempotencyError('in_progress', 'key-2'), new IdempotencyError('invalid_key', '\u0001')],
  precondition_failed: [new PreconditionFailedError('"v3"')],
};

const issue = { path: ['email'], keyword: 'maxLength', params: { limit: 512 }, value: 'x'.repeat(600) };

/** At least one thrown value for every kind in the catalogue, as it reaches a surface. */
const SAMPLES: Record<ErrorKind, unknown[]> = {
  validation: DOMAIN_SAMPLES.validation,
  not_found: DOMAIN_SAMPLES.not_found,
  conflict: DOMAIN_SAMPLES.conflict,
  unavailable: DOMAIN_SAMPLES.unavailable,
  idempotency_key_reused: [DOMAIN_SAMPLES.idempotency[0]],
  idempotency_key_in_use: [DOMAIN_SAMPLES.idempotency[1]],
  idempotency_key_invalid: [DOMAIN_SAMPLES.idempotency[2]],
  precondition_failed: DOMAIN_SAMPLES.precondition_failed,
  unauthenticated: [new AuthError('missing', null), new AuthError('malformed', null), new AuthError('invalid', 'sk_test_****abcd'), new AuthError('expired', 'sk_test_****abcd')],
  rate_limited: [new RateLimitedError(7, '100 requests per minute per API key')],
  forbidden: [new CountGrantError('INVALID_AUTHORIZATION_CODE', 'Invalid or expired authorization code.'), new SurfaceError('forbidden', 'Not for you.', null)],
  request_invalid: [
    new SchemaValidationError('body', [issue]),
    new SchemaValidationError('querystring', [{ path: ['limit'], keyword: 'maximum', params: { limit: 100 }, value: 500 }]),
    Object.assign(fastifyError('FST_ERR_VALIDATION', 400, 'body/email must NOT have more than 512 characters'), {
      validation: [{ instancePath: '/email', keyword: 'maxLength', params: { limit: 512 }, data: 'x'.repeat(600) }],
      validationContext: 'body',
    }),
  ],
  body_unparseable: [fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400, 'Body is not valid JSON'), fastifyError('FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'Body cannot be empty'), fastifyError(undefined, 400, 'Unexpected token', 'SyntaxError')],
  body_too_deep: [new JsonTooDeepError()],
  form_unparseable: [new FormSyntaxError("Invalid percent-encoding in the query: '%ZZ'")],
  body_too_large: [fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large')],
  media_type_unsupported: [fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'Unsupported Media Type: text/plain')],
  malformed_request: [fastifyError('FST_ERR_BAD_URL', 400, "'/%zz' is not a valid url component"), fastifyError('FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400, 'Request body size did not match Content-Length')],
  uri_too_long: [fastifyError('FST_ERR_MAX_PARAM_LENGTH', 414, "'x' is exceeding the max param length")],
  route_not_found: [problemOf('route_not_found', 'Unrecognized request URL (GET /nowhere).')],
  request_timeout: [problemOf('request_timeout', 'The request took too long to arrive.')],
  headers_too_large: [problemOf('headers_too_large', 'The request headers are too large (at most 16 KiB, URL included).')],
  internal: [new Error('a bug')],
};

const BARE_KINDS: BareKind[] = ['route_not_found', 'malformed_request', 'request_timeout', 'headers_too_large'];

/** A route of each surface that can meet every domain error (an update by id), as /openapi.json names it. */
const ROUTES: Record<Surface['name'], { method: string; path: string }> = {
  native: { method: 'post', path: '/v1/customers/{id}' },
  asset: { method: 'patch', path: '/asset/v0/business/{business_id}/customers/{customer_id}' },
  checkoutpage: { method: 'patch', path: '/checkoutpage/v1/customers/{customerId}' },
  atlas: { method: 'patch', path: '/atlas/functions/v1/customers/{customer_id}' },
  count: { method: 'put', path: '/count/partners/customers/{uuid}' },
};

function fakeRequest(surface: Surface): FastifyRequest {
  const url = `${surface.prefix}/customers/x?limit=500`;
  return {
    id: 'req_catalogue',
    method: 'POST',
    url,
    raw: { url },
    headers: { 'content-type': 'application/json', 'if-match': '"v2"' },
    params: { id: 'x', customerId: 'x', customer_id: 'x', uuid: 'x', business_id: 'x' },
    query: { limit: '500' },
    body: { email: 'x'.repeat(600) },
    routeOptions: { url: `${surface.prefix}/customers/:id` },
    log: { error() {}, warn() {}, info() {} },
  } as unknown as FastifyRequest;
}

describe('the error catalogue', () => {
  it('gives every kind a status (400–599) and its documentation', () => {
    for (const kind of ERROR_KINDS) {
      const entry = ERROR_CATALOGUE[kind];
      assert.ok(Number.isInteger(entry.status) && entry.status >= 400 && entry.status < 600, kind);
      assert.ok(entry.doc.length > 20, `${kind} is documented`);
    }
  });

  it('files every domain error kind under a catalogued kind', () => {
    for (const kind of DOMAIN_ERROR_KINDS) {
      assert.ok(DOMAIN_SAMPLES[kind].length > 0, kind);
      for (const error of DOMAIN_SAMPLES[kind]) {
        const problem = classify(error);
        assert.ok(problem && ERROR_KINDS.includes(problem.kind), `${kind}: ${error.constructor.name}`);
      }
    }
  });

  it('classifies every sample as the kind it stands for', () => {
    for (const kind of ERROR_KINDS) {
      for (const sample of SAMPLES[kind]) {
        if (kind === 'internal') assert.equal(classify(sample), null, 'a bug is not classified');
        else if (!(sample && typeof sample === 'object' && 'kind' in sample && !(sample instanceof Error))) assert.equal(classify(sample)?.kind, kind, String(sample));
      }
    }
  });
});

describe('every surface renders every kind at a documented status, in its documented format', () => {
  let server: TestServer;
  let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>; components?: { schemas?: Record<string, object> } };
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validators = new Map<object, ValidateFunction>();

  before(async () => {
    server = await startServer();
    doc = await (await fetch(`${server.url}/openapi.json`)).json();
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) ajv.addSchema(schema, `#/components/schemas/${name}`);
  });
  after(async () => server?.close());

  for (const surface of SURFACES) {
    it(`${surface.name}`, () => {
      const route = ROUTES[surface.name];
      const responses = doc.paths[route.path]?.[route.method]?.responses;
      assert.ok(responses, `${route.method} ${route.path} is in /openapi.json`);
      const request = fakeRequest(surface);
      for (const kind of ERROR_KINDS) {
        for (const sample of SAMPLES[kind]) {
          const answers = [
            sample && typeof sample === 'object' && 'kind' in sample && !(sample instanceof Error)
              ? answerProblem(surface.errors, sample as ReturnType<typeof problemOf>, request)
              : answerError(surface.errors, sample, request),
          ];
          if ((BARE_KINDS as string[]).includes(kind)) answers.push(answerProblem(surface.errors, problemOf(kind as BareKind, 'refused'), null));
          for (const answer of answers) {
            assert.equal(answer.status, statusFor(surface.errors, answer.kind), `${surface.name} ${kind}: the status comes from the tables`);
            const documented = responses[String(answer.status)] ?? responses[`${String(answer.status)[0]}XX`] ?? responses.default;
            assert.ok(documented, `${surface.name} ${kind}: ${answer.status} is documented for ${route.method.toUpperCase()} ${route.path}`);
            const schema = documented.content?.['application/json']?.schema;
            assert.ok(schema, `${surface.name} ${kind}: ${answer.status} has a documented body`);
            let validate = validators.get(schema);
            if (!validate) validators.set(schema, (validate = ajv.compile(schema)));
            assert.ok(validate(answer.body), `${surface.name} ${kind} (${answer.status}): ${JSON.stringify(answer.body)} ${ajv.errorsText(validate.errors)}`);
          }
        }
      }
    });
  }
});
