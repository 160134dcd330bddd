import type { App } from './types.ts';

/** Where the API's documentation is served (HTML, scripts, styles): cacheable, framed by nobody. */
const DOCS_PREFIX = '/docs';

/**
 * Headers every answer carries: `nosniff` everywhere (a JSON body is never run as a script or
 * page); `Cache-Control: no-store` on everything but the docs, since API answers carry customer
 * data and credentials that no shared or browser cache should keep; the docs may not be framed.
 * The docs' Content-Security-Policy is set where they are registered (server/openapi.ts).
 */
export function registerSecurityHeaders(app: App): void {
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('X-Content-Type-Options', 'nosniff');
    // An answer sent before the request's body has arrived (a refusal of its credentials, size or
    // type) closes the connection: the unread rest of the body is not drained into memory.
    if (!request.raw.complete) void reply.header('Connection', 'close');
    const path = request.url;
    if (path === DOCS_PREFIX || path.startsWith(DOCS_PREFIX + '/') || path.startsWith(DOCS_PREFIX + '?')) {
      void reply.header('X-Frame-Options', 'DENY');
    } else {
      void reply.header('Cache-Control', 'no-store');
    }
    return payload;
  });
}
