import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import { Eta } from 'eta';
import { DomainError, NotFoundError, UnavailableError } from '../domain/errors.ts';
import { CONSOLE_PREFIX } from '../http/console-paths.ts';
import type { App } from '../http/types.ts';
import { CONSOLE_CSP } from './csp.ts';
import { render } from './page.ts';
import { consentRoutes } from './routes/consent.ts';
import { customerRoutes } from './routes/customers.ts';
import { settingsRoutes } from './routes/settings.ts';
import { signInRoutes } from './routes/sign-in.ts';
import { tenantRoutes } from './routes/tenants.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { registerSessionLoading } from './session.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const HTMX = join(dirname(createRequire(import.meta.url).resolve('htmx.org/package.json')), 'dist');

/**
 * The operator console at /console: server-rendered pages (eta), htmx for the search box, every
 * write through the same services as the APIs (surface `console`, the signed-in key as actor).
 */
export async function consolePlugin(app: App): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifyView, {
    engine: { eta: new Eta({ views: join(HERE, 'views'), autoEscape: true, cache: process.env.NODE_ENV === 'production' }) },
    templates: join(HERE, 'views'),
  });
  await app.register(fastifyStatic, { root: join(HERE, 'assets'), prefix: '/assets/', decorateReply: false, cacheControl: false });
  await app.register(fastifyStatic, { root: HTMX, prefix: '/vendor/', decorateReply: false, allowedPath: (path) => path === '/htmx.min.js', cacheControl: false });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!reply.hasHeader('content-security-policy')) void reply.header('Content-Security-Policy', CONSOLE_CSP);
    void reply.header('X-Frame-Options', 'DENY');
    // The admin link carries its token in the URL: never sent onwards.
    void reply.header('Referrer-Policy', 'no-referrer');
    if (request.url.startsWith(`${CONSOLE_PREFIX}/assets/`) || request.url.startsWith(`${CONSOLE_PREFIX}/vendor/`)) void reply.header('Cache-Control', 'public, max-age=3600');
    return payload;
  });
  registerSessionLoading(app);

  app.setErrorHandler(async (err, request, reply) => {
    if (err instanceof NotFoundError) return render(request, reply, 'error', 'Not found', '', { message: 'Nothing here: it may have been deleted, or it belongs to another tenant or mode.' }, 404);
    if (err instanceof UnavailableError) {
      void reply.header('Retry-After', '1');
      return render(request, reply, 'error', 'Unavailable', '', { message: 'The store is not answering just now: try again in a moment.' }, 503);
    }
    if (err instanceof DomainError) return render(request, reply, 'error', 'Refused', '', { message: err.message }, 400);
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return render(request, reply, 'error', 'Bad request', '', { message: (err as Error).message }, status);
    request.log.error({ err }, 'console error');
    return render(request, reply, 'error', 'Error', '', { message: `Something went wrong (request ${request.id}); it has been logged.` }, 500);
  });
  app.setNotFoundHandler(async (request, reply) => render(request, reply, 'error', 'Not found', '', { message: 'No such page.' }, 404));

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    if (!request.consoleUser) return reply.redirect(`${CONSOLE_PREFIX}/sign-in`);
    return reply.redirect(request.consoleUser.admin ? `${CONSOLE_PREFIX}/tenants` : `${CONSOLE_PREFIX}/customers`);
  });
  signInRoutes(app);
  customerRoutes(app);
  webhookRoutes(app);
  settingsRoutes(app);
  tenantRoutes(app);
  consentRoutes(app);
}
