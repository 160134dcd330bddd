import Fastify, { type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CustomerService } from '../domain/customers/customer-service.ts';
import { randomBytes } from 'node:crypto';
import { pooledRandomBase62 } from '../domain/ids.ts';
import { SecretBox } from '../domain/tenants/secret-box.ts';
import type { Store } from '../domain/store-port.ts';
import { parseBracketForm, parseQueryString, QUERY_ERROR } from '../http/form-body.ts';
import { boundedJsonParser } from '../http/json-body.ts';
import { registerIdempotency } from '../http/idempotency.ts';
import { IdempotencyKeys, type IdempotencyTimes } from '../domain/idempotency-keys.ts';
import { CredentialService } from '../domain/tenants/credential-service.ts';
import { SURFACES } from './surfaces.ts';
import { clientErrorHandler, frameworkErrorHandler, surfaceOf } from './pre-route-errors.ts';
import type { App } from '../http/types.ts';
import { registerRateLimits, type RateLimitOptions } from '../http/rate-limits/limiter.ts';

export interface AppOptions {
  store: Store;
  /** Opens client secrets (Count's HMAC, Asset's OAuth). Default: a key of this process only, for tests. */
  secretBox?: SecretBox;
  logger?: FastifyServerOptions['logger'];
  /** How long idempotency keys are kept, held and waited for (defaults: 24 h, 60 s, 5 s). */
  idempotency?: Partial<IdempotencyTimes>;
  /** Rate limits (src/http/rate-limits.ts): on, in memory, unless told otherwise. */
  rateLimits?: RateLimitOptions;
  return503OnClosing?: boolean;
}

/** Never logged, wherever they appear. */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers["x-signature"]', 'req.headers.cookie', 'headers.authorization'];

export async function buildApp(options: AppOptions): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    return503OnClosing: options.return503OnClosing ?? true,
    genReqId: () => `req_${pooledRandomBase62(17)}`,
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    routerOptions: { querystringParser: parseQueryString, maxParamLength: 500 },
    // Errors raised while routing, before any surface sees the request, still leave in its format.
    frameworkErrors: (err, request, reply) => frameworkErrorHandler(err, request, reply),
    clientErrorHandler,
    ajv: {
      customOptions: {
        // Scalars only: 'array' coercion unwraps one-element lists inside unions (ajv mutates the data).
        coerceTypes: true,
        removeAdditional: false,
        useDefaults: true,
        allErrors: false,
        verbose: true,
        strict: false,
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('customers', new CustomerService(options.store));
  app.decorate('credentials', new CredentialService(options.store, options.secretBox ?? new SecretBox(randomBytes(32))));
  app.decorate('idempotencyKeys', new IdempotencyKeys(options.store, options.idempotency));
  app.decorateRequest('auth', null);
  app.decorateRequest('surface', 'other');

  const parseJson = boundedJsonParser(app);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => parseJson(request, body as string, done));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseBracketForm(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  // Responses are plain objects built by each surface's renderer; the schemas document them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.addHook('onRequest', async (request, reply) => {
    request.surface = surfaceOf(request);
    void reply.header('Request-Id', request.id);
  });
  app.addHook('preValidation', async (request) => {
    const failed = (request.query as Record<symbol, unknown> | undefined)?.[QUERY_ERROR];
    if (failed) throw failed;
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Clientele',
        version: '0.1.0',
        description: "Customer records, wire-compatible with Stripe's Customers API, plus vendor surfaces over one store.",
      },
      components: {
        securitySchemes: {
          secretKey: { type: 'http', scheme: 'bearer', description: 'sk_test_… or sk_live_…; HTTP Basic with the key as user name also works.' },
          assetOAuth: {
            type: 'oauth2',
            description: "Asset: the tenant's client credentials for an access token, then `Authorization: Bearer <access_token>`.",
            flows: { clientCredentials: { tokenUrl: '/asset/v0/auth/token', scopes: {} } },
          },
          countSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'x-signature',
            description: 'Count: x-client-id, x-timestamp and x-signature = hex HMAC-SHA256(client secret, METHOD:path:timestamp:bodyHash).',
          },
        },
      },
      security: [{ secretKey: [] }],
      tags: [
        { name: 'Customers', description: 'Native, Stripe-compatible API at /v1' },
        { name: 'Asset', description: "Asset's customer endpoints at /asset/v0" },
        { name: 'CheckoutPage', description: "CheckoutPage's customer endpoints at /checkoutpage/v1" },
        { name: 'Atlas', description: "Atlas's customer endpoints at /atlas/functions/v1" },
        { name: 'Count', description: "Count's customer endpoints at /count/partners" },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await options.store.ping();
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  // Each surface checks its limits right after authenticating (app.rateLimits.hook), before
  // validation and before the idempotency hook below claims a key.
  await registerRateLimits(app, options.rateLimits);
  registerIdempotency(app);
  for (const surface of SURFACES) await app.register(surface.plugin, { prefix: surface.prefix });
  return app;
}
