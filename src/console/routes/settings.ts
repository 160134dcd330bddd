import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import type { Tenant } from '../../domain/tenants/tenant.ts';
import { tenantIdToWire } from '../../formats/ids.ts';
import { RATE_LIMIT_NAMES } from '../../domain/tenants/rate-limit-policy.ts';
import { CONSOLE_PREFIX } from '../../http/console-paths.ts';
import type { App } from '../../http/types.ts';
import { needCsrf, needTenant, principalOf } from '../guards.ts';
import { redirectDone, render } from '../page.ts';
import { settingsOf } from '../settings-form.ts';

const GRACE_CHOICES = [0, 3600, 86_400, 7 * 86_400];
export const RATE_LIMIT_HELP = RATE_LIMIT_NAMES.join(', ');

export function tenantView(tenant: Tenant) {
  const s = tenant.settings;
  return {
    id: tenantIdToWire(tenant.id),
    name: tenant.name,
    rateLimitNames: RATE_LIMIT_HELP,
    settings: {
      email_uniqueness: s.email_uniqueness,
      native_rate_limits: s.native_rate_limits,
      history_retention_days: s.history_retention_days === null ? '' : String(s.history_retention_days),
      event_retention_days: String(s.event_retention_days),
      rate_limits: Object.entries(s.rate_limits).map(([name, rule]) => `${name}=${rule === null ? 'off' : rule.window_seconds === 0 ? rule.max : `${rule.max}/${rule.window_seconds}`}`).join(', '),
    },
  };
}

/** The signed-in tenant's own settings, and rolling its secret key of the signed-in mode. */
export function settingsRoutes(app: App): void {
  const page = (request: FastifyRequest, reply: FastifyReply, tenant: Tenant, extra: object = {}, status = 200) =>
    render(request, reply, 'settings', 'Settings', 'settings', { tenant: tenantView(tenant), mode: principalOf(request).mode, graceChoices: GRACE_CHOICES, error: null, newKey: null, ...extra }, status);

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

  app.post<{ Body: { grace?: string } }>('/settings/roll-key', { preHandler: [needTenant, needCsrf], schema: { hide: true } }, async (request, reply) => {
    const principal = principalOf(request);
    const grace = Number(request.body?.grace ?? 0);
    if (!GRACE_CHOICES.includes(grace)) throw new ValidationError(['grace'], 'Pick one of the grace periods offered.');
    const rolled = await app.tenants.rollKey(principal.tenant.id, principal.mode, grace);
    // With no grace the key this session signed in with has stopped: sign in with the new one.
    return page(request, reply, await app.tenants.get(principal.tenant.id), { newKey: rolled.secret, grace });
  });
}
