import type { App } from '../../http/types.ts';
import { CONSOLE_PREFIX } from '../../http/console-paths.ts';
import { safeNext, needCsrf } from '../guards.ts';
import { render } from '../page.ts';
import { checkPreSessionCsrf, endSession, preSessionCsrf, startSession } from '../session.ts';
import { SignInLimiter } from '../sign-in-limiter.ts';

type SignInBody = { key?: string; next?: string; _csrf?: string };

/**
 * Sign-in with a tenant's secret key (that tenant and mode only; the other mode needs its own key),
 * the host admin's one-time link, and sign-out.
 */
export function signInRoutes(app: App): void {
  const limiter = new SignInLimiter();

  app.get<{ Querystring: { next?: string; mode?: string } }>('/sign-in', { schema: { hide: true } }, async (request, reply) => {
    const mode = request.query.mode === 'live' || request.query.mode === 'test' ? request.query.mode : null;
    return render(request, reply, 'sign-in', 'Sign in', 'sign-in', { preCsrf: preSessionCsrf(request, reply), next: safeNext(request.query.next) ?? '', mode, error: null });
  });

  app.post<{ Body: SignInBody }>('/sign-in', { schema: { hide: true } }, async (request, reply) => {
    const body = request.body ?? {};
    const next = safeNext(body.next) ?? '';
    const again = (status: number, error: string) =>
      render(request, reply, 'sign-in', 'Sign in', 'sign-in', { preCsrf: preSessionCsrf(request, reply), next, mode: null, error }, status);
    if (!checkPreSessionCsrf(request)) return again(403, 'The form expired: try again.');
    const wait = limiter.retryAfter(request.ip);
    if (wait > 0) {
      void reply.header('Retry-After', String(wait));
      return again(429, `Too many failed sign-ins from this address: wait ${wait} seconds.`);
    }
    const key = typeof body.key === 'string' ? body.key.trim() : '';
    const signedIn = key.length > 0 && key.length <= 200 ? await app.consoleSessions.signInWithKey(key) : null;
    if (!signedIn) {
      limiter.failed(request.ip);
      return again(401, 'That is not a working secret key (sk_test_… or sk_live_…).');
    }
    // Switching mode replaces the session this browser had.
    if (request.consoleToken) await app.consoleSessions.signOut(request.consoleToken);
    startSession(request, reply, signedIn.token);
    return reply.code(303).redirect(next || `${CONSOLE_PREFIX}/customers`);
  });

  app.post('/sign-out', { schema: { hide: true }, preHandler: needCsrf }, async (request, reply) => {
    if (request.consoleToken) await app.consoleSessions.signOut(request.consoleToken);
    endSession(request, reply);
    return reply.code(303).redirect(`${CONSOLE_PREFIX}/sign-in`);
  });

  // The link only shows a button: a link scanner that fetches it does not spend it.
  app.get<{ Querystring: { token?: string } }>('/admin-link', { schema: { hide: true } }, async (request, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    return render(request, reply, 'admin-link', 'Host admin sign-in', 'sign-in', { preCsrf: preSessionCsrf(request, reply), token });
  });

  app.post<{ Body: { token?: string; _csrf?: string } }>('/admin-link', { schema: { hide: true } }, async (request, reply) => {
    if (!checkPreSessionCsrf(request)) return render(request, reply, 'error', 'Form expired', '', { message: 'The form expired: open the link again.' }, 403);
    const wait = limiter.retryAfter(request.ip);
    if (wait > 0) return render(request, reply, 'error', 'Too many attempts', '', { message: `Too many failed sign-ins from this address: wait ${wait} seconds.` }, 429);
    const token = typeof request.body?.token === 'string' ? request.body.token : '';
    const session = token.length > 0 && token.length <= 100 ? await app.consoleSessions.redeemAdminLink(token) : null;
    if (!session) limiter.failed(request.ip);
    if (!session) return render(request, reply, 'error', 'Link used or expired', '', { message: 'This link was used already or has expired: run `npx clientele console link` for a new one.' }, 400);
    if (request.consoleToken) await app.consoleSessions.signOut(request.consoleToken);
    startSession(request, reply, session);
    return reply.code(303).redirect(`${CONSOLE_PREFIX}/tenants`);
  });
}
