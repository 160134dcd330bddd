import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfTokenOf } from '../domain/console/console-session.ts';
import type { ConsoleUser } from '../domain/console/console-service.ts';
import { SESSION_TTL_SECONDS } from '../domain/console/console-service.ts';
import { CONSOLE_PREFIX } from '../http/console-paths.ts';
import type { App } from '../http/types.ts';

/** The session cookie: the token itself (its hash is what the store keeps). */
const SESSION_COOKIE = 'clientele_session';
/** Forms shown before sign-in carry a random value that must match this cookie's (double submit). */
const PRE_SESSION_COOKIE = 'clientele_csrf';

declare module 'fastify' {
  interface FastifyRequest {
    /** The console's signed-in user, once loadUser has run; null when signed out. */
    consoleUser: ConsoleUser | null;
    /** The session token the cookie carried, when it named a live session. */
    consoleToken: string | null;
  }
}

/** HttpOnly, SameSite=Strict, Secure over TLS, scoped to the console's paths. */
function cookieOptions(request: FastifyRequest, maxAge: number) {
  return { path: CONSOLE_PREFIX, httpOnly: true, sameSite: 'strict' as const, secure: request.protocol === 'https', maxAge };
}

export function startSession(request: FastifyRequest, reply: FastifyReply, token: string): void {
  void reply.setCookie(SESSION_COOKIE, token, cookieOptions(request, SESSION_TTL_SECONDS));
}

export function endSession(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(request, 0));
}

/** Reads the session cookie on every console request: who is signed in, if anyone. */
export function registerSessionLoading(app: App): void {
  app.decorateRequest('consoleUser', null);
  app.decorateRequest('consoleToken', null);
  app.addHook('preHandler', async (request) => {
    // Stylesheets and scripts need no session: no store lookup for them.
    if (request.url.startsWith(`${CONSOLE_PREFIX}/assets/`) || request.url.startsWith(`${CONSOLE_PREFIX}/vendor/`)) return;
    const token = request.cookies[SESSION_COOKIE];
    if (!token || token.length > 100) return;
    const user = await app.consoleSessions.userOf(token);
    if (!user) return;
    request.consoleUser = user;
    request.consoleToken = token;
  });
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The session's CSRF token, for its forms. */
export const csrfOf = (request: FastifyRequest): string => (request.consoleToken ? csrfTokenOf(request.consoleToken) : '');

/** A signed-in form: its `_csrf` must be the session's. */
export function checkCsrf(request: FastifyRequest): boolean {
  const sent = (request.body as Record<string, unknown> | undefined)?._csrf;
  return typeof sent === 'string' && request.consoleToken !== null && same(sent, csrfTokenOf(request.consoleToken));
}

/** A form before sign-in: a fresh random value in a cookie and in the form (double submit). */
export function preSessionCsrf(request: FastifyRequest, reply: FastifyReply): string {
  const existing = request.cookies[PRE_SESSION_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const value = randomBytes(32).toString('base64url');
  void reply.setCookie(PRE_SESSION_COOKIE, value, cookieOptions(request, 3600));
  return value;
}

export function checkPreSessionCsrf(request: FastifyRequest): boolean {
  const sent = (request.body as Record<string, unknown> | undefined)?._csrf;
  const cookie = request.cookies[PRE_SESSION_COOKIE];
  return typeof sent === 'string' && typeof cookie === 'string' && same(sent, cookie);
}
