import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { Tenant } from '../../domain/tenants/tenant.ts';
import { CONSOLE_PREFIX } from '../../http/console-paths.ts';
import type { App } from '../../http/types.ts';
import { needCsrf, needTenant, principalOf } from '../guards.ts';
import { redirectDone, render } from '../page.ts';
import { settingsOf } from '../settings-form.ts';
import { tenantView, when } from '../views-data.ts';

const GRACE_CHOICES = [0, 3600, 86_400, 7 * 86_400];
/** The signed-in tenant's own settings, and rolling its secret key of the signed-in mode. */
export function settingsRoutes(app: App): void {
  const page = async (request: FastifyRequest, reply: FastifyReply, tenant: Tenant, extra: object = {}, status = 200) => {
    const principal = principalOf(request);
    const connections = await app.partners.connections({ tenantId: tenant.id, mode: principal.mode });
    return render(request, reply, 'settings', 'Settings', 'settings', {
      tenant: tenantView(tenant),
      mode: principal.mode,
      graceChoices: GRACE_CHOICES,
      connections: connections.map((c) => ({ grantId: c.grantId, name: c.app?.name ?? '(application removed)', clientId: c.app?.id ?? '', since: when(c.connectedAt * 1000), until: when(c.expiresAt * 1000) })),
      error: null,
      newKey: null,
      ...extra,
    }, status);
  };

  app.get('/settings', { preHandler: needTenant, schema: { hide: true } }, async (request, reply) => page(request, reply, await app.tenants.get(principalOf(request).tenant.id)));

  app.post('/settings', { preHandler: [needTenant, needCsrf], schema: { hide: true } }, async (request, reply) => {
    const id = principalOf(request).tenant.id;
    try {
      await app.tenants.updateSettings(id, settingsOf(request.body));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return page(request, reply, await app.tenants.get(id), { error: err.message }, 400);
    }
    return redirectDone(reply, `${CONSOLE_PREFIX}/settings`, 'settings_saved');
  });

  // Count partner applications this workspace's mode is connected to: revoking ends their tokens at once.
  app.post<{ Params: { grant: string } }>('/settings/connections/:grant/revoke', { preHandler: [needTenant, needCsrf], schema: { hide: true } }, async (request, reply) => {
    const principal = principalOf(request);
    const revoked = /^[0-9a-f]{24}$/.test(request.params.grant) && (await app.partners.revoke({ tenantId: principal.tenant.id, mode: principal.mode }, request.params.grant));
    if (!revoked) throw new NotFoundError('partner_grant', request.params.grant);
    return redirectDone(reply, `${CONSOLE_PREFIX}/settings`, 'access_revoked');
  });

  app.post<{ Body: { grace?: string } }>('/settings/roll-key', { preHandler: [needTenant, needCsrf], schema: { hide: true } }, async (request, reply) => {
    const principal = principalOf(request);
    const grace = Number(request.body?.grace ?? 0);
    if (!GRACE_CHOICES.includes(grace)) throw new ValidationError(['grace'], 'Pick one of the grace periods offered.');
    const rolled = await app.tenants.rollKey(principal.tenant.id, principal.mode, grace);
    // With no grace the key this session signed in with has stopped: sign in with the new one.
    return page(request, reply, await app.tenants.get(principal.tenant.id), { newKey: rolled.secret, grace });
  });
}
