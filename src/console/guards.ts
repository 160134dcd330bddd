import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CustomerScope } from '../domain/customers/model.ts';
import type { Principal } from '../domain/tenants/credential-service.ts';
import { CONSOLE_PREFIX } from '../http/console-paths.ts';
import { actorOf } from '../http/writes.ts';
import { render } from './page.ts';
import { checkCsrf } from './session.ts';

/** Where to come back after signing in: a console path only (never another site). */
export function safeNext(next: unknown): string | null {
  return typeof next === 'string' && next.startsWith(`${CONSOLE_PREFIX}/`) && !next.startsWith('//') && !/[\\\r\n]/.test(next) ? next : null;
}

function toSignIn(request: FastifyRequest, reply: FastifyReply) {
  const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
  return reply.code(303).redirect(`${CONSOLE_PREFIX}/sign-in${next}`);
}

/** preHandler: a tenant signed in (its secret key); the host admin has no tenant pages of its own. */
export async function needTenant(request: FastifyRequest, reply: FastifyReply) {
  const user = request.consoleUser;
  if (!user) return toSignIn(request, reply);
  if (user.admin) return render(request, reply, 'error', 'Tenant pages', '', { message: 'Signed in as the host admin: tenant pages need a tenant\'s secret key. Sign out and sign in with one.' }, 403);
}

/** preHandler: the host admin signed in (a one-time link from `clientele console link`). */
export async function needAdmin(request: FastifyRequest, reply: FastifyReply) {
  const user = request.consoleUser;
  if (!user) return toSignIn(request, reply);
  if (!user.admin) return render(request, reply, 'error', 'Host admin only', '', { message: 'This page is the host admin\'s: open a link from `npx clientele console link`.' }, 403);
}

/** preHandler for every signed-in form: the session's CSRF token must come with it. */
export async function needCsrf(request: FastifyRequest, reply: FastifyReply) {
  if (!checkCsrf(request)) return render(request, reply, 'error', 'Form expired', '', { message: 'This form is stale or did not come from this console: reload the page and try again.' }, 403);
}

/** The signed-in tenant's principal (after needTenant). */
export function principalOf(request: FastifyRequest): Principal {
  const user = request.consoleUser;
  if (!user || user.admin) throw new Error('a tenant page ran without a tenant signed in');
  return user.principal;
}

/** The signed-in tenant's customers and endpoints: its tenant, in its mode. */
export function scopeOf(request: FastifyRequest): CustomerScope {
  const principal = principalOf(request);
  return { tenantId: principal.tenant.id, mode: principal.mode };
}

/** The write context of a console write: the signed-in key as actor, `console` as surface. */
export function consoleWrite(request: FastifyRequest) {
  const principal = principalOf(request);
  return { actor: actorOf(principal), surface: 'console', requestId: String(request.id) };
}
