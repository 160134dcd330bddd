import Fastify, { type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { CustomerService } from '../domain/customers/customer-service.ts';
import { randomBytes } from 'node:crypto';
import { pooledRandomBase62 } from '../domain/ids.ts';
import { customerIdRenderings } from '../formats/ids.ts';
import { SecretBox } from '../domain/tenants/secret-box.ts';
import type { Store } from '../domain/store-port.ts';
import { parseQueryString } from '../http/form-body.ts';
import { registerRequestParsers } from '../http/request-parsers.ts';
import { registerSecurityHeaders } from '../http/security-headers.ts';
import { connectionOptions, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from '../http/connection-limits.ts';
import { registerOpenApi } from './openapi.ts';
import { registerIdempotency } from '../http/idempotency.ts';
import { IdempotencyKeys, type IdempotencyTimes } from '../domain/idempotency-keys.ts';
import { CredentialService } from '../domain/tenants/credential-service.ts';
import { PartnerService } from '../domain/partners/partner-service.ts';
import { ConsoleService } from '../domain/console/console-service.ts';
import { TenantService } from '../domain/tenants/tenant-service.ts';
import { EventService } from '../domain/events/event-service.ts';
import { WebhookService } from '../domain/webhooks/webhook-service.ts';
import { DnsUrlGuard } from '../webhooks/url-guard.ts';
import type { WebhookOptions } from './webhook-options.ts';
import { registerDispatcher } from './webhooks.ts';
import { SURFACES } from './surfaces.ts';
import { consolePlugin } from '../console/plugin.ts';
import { CONSOLE_PREFIX } from '../http/console-paths.ts';
import { clientErrorHandler, frameworkErrorHandler, surfaceOf } from './pre-route-errors.ts';
import type { App } from '../http/types.ts';
import type { Metrics } from './metrics/metrics.ts';
import { instrumentStore } from './metrics/instrumented-store.ts';
import { registerHttpMetrics } from './metrics/http-metrics.ts';
import { registerRateLimits, type RateLimitOptions } from '../http/rate-limits/limiter.ts';

export interface AppOptions {
  store: Store;
  /** Opens client secrets (Count's HMAC, Asset's OAuth). Default: a key of this process only, for tests. */
  secretBox?: SecretBox;
  logger?: FastifyServerOptions['logger'];
  /** How long idempotency keys are kept, held and waited for (defaults: 24 h, 60 s, 5 s). */
  idempotency?: Partial<IdempotencyTimes>;
  /** Rate limits (src/http/rate-limits/): on, in memory, unless told otherwise. */
  rateLimits?: RateLimitOptions;
  return503OnClosing?: boolean;
  /** Webhook delivery from this process; `allowPrivate` also lets endpoints be created on loopback and private addresses. */
  webhooks?: WebhookOptions;
  /** Request and idle timeouts, and the connection cap (defaults: DEFAULT_CONNECTION_LIMITS). */
  connections?: Partial<ConnectionLimits>;
  /** Prometheus series (served by the caller on a listener of its own: metrics/listener.ts); none when absent. */
  metrics?: Metrics;
}

/**
 * The composition root: the store's services, the HTTP toolkit (parsers, OpenAPI, rate limits,
 * idempotency) and every surface under its prefix. Nothing below this sees the store itself.
 */
export async function buildApp(options: AppOptions): Promise<App> {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.connections };
  const app = Fastify({
    logger: options.logger ?? false,
    return503OnClosing: options.return503OnClosing ?? true,
    genReqId: () => `req_${pooledRandomBase62(17)}`,
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    ...connectionOptions(limits),
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

  app.server.maxConnections = limits.maxConnections;
  const { metrics } = options;
  if (metrics) metrics.watchStore(options.store);
  const store = metrics ? instrumentStore(options.store, metrics) : options.store;
  const box = options.secretBox ?? new SecretBox(randomBytes(32));
  app.decorate('customers', new CustomerService(store, customerIdRenderings));
  const credentials = new CredentialService(store, box);
  app.decorate('credentials', credentials);
  app.decorate('partners', new PartnerService(store, box));
  app.decorate('consoleSessions', new ConsoleService(store, credentials));
  app.decorate('tenants', new TenantService(store, box));
  app.decorate('events', new EventService(store));
  const webhooks = new WebhookService(store, box, new DnsUrlGuard({ allowPrivate: options.webhooks?.allowPrivate ?? false }));
  app.decorate('webhooks', webhooks);
  app.decorate('idempotencyKeys', new IdempotencyKeys(store, options.idempotency));
  app.decorateRequest('auth', null);
  app.decorateRequest('surface', 'other');

  registerRequestParsers(app);
  registerSecurityHeaders(app);
  if (metrics) registerHttpMetrics(app, metrics);

  // Responses are plain objects built by each surface's renderer; the schemas document them.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.addHook('onRequest', async (request, reply) => {
    request.surface = surfaceOf(request);
    void reply.header('Request-Id', request.id);
  });
  await registerOpenApi(app);

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await store.ping();
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  // Readiness, for a load balancer: the store answers and its schema is this build's. A server
  // started before a migration was added keeps serving (liveness) but is not ready until it is.
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    let pending: string[];
    try {
      await store.ping();
      pending = await store.pendingMigrations();
    } catch {
      return reply.code(503).send({ status: 'unavailable', reason: 'the store does not answer' });
    }
    if (pending.length > 0) return reply.code(503).send({ status: 'unavailable', reason: 'migrations pending', pending });
    return { status: 'ready' };
  });

  // Each surface checks its limits right after authenticating (app.rateLimits.hook), before
  // validation and before the idempotency hook below claims a key.
  await registerRateLimits(app, options.rateLimits);
  registerIdempotency(app, box);
  for (const surface of SURFACES) await app.register(surface.plugin, { prefix: surface.prefix });
  await app.register(consolePlugin, { prefix: CONSOLE_PREFIX });
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect(CONSOLE_PREFIX));
  registerDispatcher(app, store, webhooks, options.webhooks ?? {}, metrics);
  return app;
}
