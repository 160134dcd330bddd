import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Mode } from '../../domain/customers/model.ts';
import { PartnerError } from '../../domain/partners/partner-service.ts';
import type { PartnerAppRecord } from '../../domain/partners/partner.ts';
import { tenantIdFromWire, tenantIdToWire } from '../../formats/ids.ts';
import { CONSENT_PATH, CONSOLE_PREFIX } from '../../http/console-paths.ts';
import type { App } from '../../http/types.ts';
import { CONSOLE_CSP } from '../csp.ts';
import { render } from '../page.ts';
import { checkCsrf } from '../session.ts';

type ConsentQuery = { clientId?: string; redirectUri?: string; state?: string };
type ConsentBody = ConsentQuery & { decision?: string; workspace?: string; mode?: string; _csrf?: string };

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The redirect URI with the answer added (its own query is empty: registered URIs have none). */
function back(redirectUri: string, params: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

/**
 * Count's consent screen (https://developers.getcount.com/api-reference, "User Login & Consent —
 * The user logs in to COUNT and selects a workspace to authorize"): the workspace owner signs in
 * (a tenant's secret key, or the host admin), sees which application asks, picks the workspace
 * and mode, and approves or denies. The browser then goes back to the application's registered
 * redirect URI with `code` and `state` (or `error=access_denied`). A request whose client or
 * redirect URI is not registered never redirects anywhere: it is an error page.
 */
export function consentRoutes(app: App): void {
  const checked = async (request: FastifyRequest, reply: FastifyReply, q: ConsentQuery): Promise<PartnerAppRecord | null> => {
    const refuse = async (message: string) => {
      await render(request, reply, 'error', 'Authorization refused', '', { message: `${message} Ask the application's developer to check its client id, redirect URI and state.` }, 400);
      return null;
    };
    if (!text(q.state)) return refuse('The request has no state.');
    try {
      return await app.partners.authorizationRequest(text(q.clientId), text(q.redirectUri));
    } catch (err) {
      if (!(err instanceof PartnerError)) throw err;
      return refuse(err.message);
    }
  };

  app.get<{ Querystring: ConsentQuery }>(CONSENT_PATH.slice(CONSOLE_PREFIX.length), { schema: { hide: true } }, async (request, reply) => {
    const partner = await checked(request, reply, request.query);
    if (!partner) return reply;
    const here = request.url;
    const user = request.consoleUser;
    const ask = { clientId: partner.id, redirectUri: text(request.query.redirectUri), state: text(request.query.state) };
    // The form's answer redirects to the application: the page's CSP lets this one form go there.
    void reply.header('Content-Security-Policy', CONSOLE_CSP.replace("form-action 'self'", `form-action 'self' ${new URL(ask.redirectUri).origin}`));
    if (!user) return render(request, reply, 'consent', 'Authorize an application', 'consent', { partner: { name: partner.name }, ask, signIn: `${CONSOLE_PREFIX}/sign-in?next=${encodeURIComponent(here)}`, workspaces: null, redirectHost: new URL(ask.redirectUri).host });
    const workspaces = user.admin
      ? (await app.tenants.list()).flatMap((t) => (['test', 'live'] as const).map((mode) => ({ value: `${tenantIdToWire(t.id)}:${mode}`, label: `${t.name} (${mode})` })))
      : [{ value: `${tenantIdToWire(user.principal.tenant.id)}:${user.principal.mode}`, label: `${user.principal.tenant.name} (${user.principal.mode})` }];
    const otherMode = user.admin ? null : user.principal.mode === 'test' ? 'live' : 'test';
    return render(request, reply, 'consent', 'Authorize an application', 'consent', {
      partner: { name: partner.name },
      ask,
      signIn: null,
      workspaces,
      otherMode: otherMode && `${CONSOLE_PREFIX}/sign-in?mode=${otherMode}&next=${encodeURIComponent(here)}`,
      otherModeName: otherMode,
      redirectHost: new URL(ask.redirectUri).host,
    });
  });

  app.post<{ Body: ConsentBody }>(CONSENT_PATH.slice(CONSOLE_PREFIX.length), { schema: { hide: true } }, async (request, reply) => {
    const body = request.body ?? {};
    const user = request.consoleUser;
    if (!user) return reply.code(303).redirect(`${CONSOLE_PREFIX}/sign-in`);
    if (!checkCsrf(request)) return render(request, reply, 'error', 'Form expired', '', { message: 'This form is stale or did not come from this console: start the authorization again.' }, 403);
    const partner = await checked(request, reply, body);
    if (!partner) return reply;
    const redirectUri = text(body.redirectUri);
    const state = text(body.state);
    if (body.decision !== 'approve') return reply.code(303).redirect(back(redirectUri, { error: 'access_denied', state }));
    const [wire, mode] = text(body.workspace).split(':') as [string, Mode | undefined];
    const tenantId = tenantIdFromWire(wire ?? '');
    const allowed = user.admin ? tenantId !== null && (mode === 'test' || mode === 'live') : tenantId === user.principal.tenant.id && mode === user.principal.mode;
    const tenant = allowed && tenantId ? await app.tenants.get(tenantId) : null;
    if (!tenant || !mode) return render(request, reply, 'error', 'Authorization refused', '', { message: 'Pick one of the workspaces offered.' }, 400);
    const code = await app.partners.issueCode(partner, redirectUri, tenant, mode);
    return reply.code(303).redirect(back(redirectUri, { code, state }));
  });
}
