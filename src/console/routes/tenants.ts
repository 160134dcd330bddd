import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import type { Mode } from '../../domain/customers/model.ts';
import { tenantIdFromWire } from '../../formats/ids.ts';
import { CONSOLE_PREFIX } from '../../http/console-paths.ts';
import type { App } from '../../http/types.ts';
import { needAdmin, needCsrf } from '../guards.ts';
import { redirectDone, render } from '../page.ts';
import { settingsOf } from '../settings-form.ts';
import { partnerView, tenantView } from '../views-data.ts';

function tenantIdOf(wire: string): string {
  const id = tenantIdFromWire(wire);
  if (!id) throw new ValidationError(['tenant'], 'Not a tenant id.');
  return id;
}

const modeOf = (text: unknown): Mode => {
  if (text !== 'test' && text !== 'live') throw new ValidationError(['mode'], 'Mode is test or live.');
  return text;
};

/** The host admin's pages: every tenant, create one, its settings, roll its keys and client credentials. */
export function tenantRoutes(app: App): void {
  const admin = { preHandler: needAdmin, schema: { hide: true } };
  const write = { preHandler: [needAdmin, needCsrf], schema: { hide: true } };

  /** Every tenant and partner application; `created`: the secrets of a tenant just made, shown this once. */
  const tenantsPage = async (request: FastifyRequest, reply: FastifyReply, created: object | null) =>
    render(request, reply, 'tenants', 'Tenants', 'tenants', {
      tenants: (await app.tenants.list()).map(tenantView),
      partners: (await app.partners.listApps()).map(partnerView),
      created,
    });

  app.get('/tenants', admin, async (request, reply) => tenantsPage(request, reply, null));

  app.post<{ Body: { name?: string } }>('/tenants', write, async (request, reply) => {
    const name = typeof request.body?.name === 'string' ? request.body.name.trim() : '';
    if (name === '' || name.length > 200) throw new ValidationError(['name'], 'A tenant needs a name of 1 to 200 characters.');
    const made = await app.tenants.create(name);
    return tenantsPage(request, reply, made ? { name: made.tenant.name, keys: made.secrets, clients: made.clients } : null);
  });

  app.get<{ Params: { id: string } }>('/tenants/:id', admin, async (request, reply) =>
    render(request, reply, 'tenant', 'Tenant', 'tenants', { tenant: tenantView(await app.tenants.get(tenantIdOf(request.params.id))), error: null, rolled: null }),
  );

  app.post<{ Params: { id: string } }>('/tenants/:id/settings', write, async (request, reply) => {
    const id = tenantIdOf(request.params.id);
    try {
      await app.tenants.updateSettings(id, settingsOf(request.body, { admin: true }));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return render(request, reply, 'tenant', 'Tenant', 'tenants', { tenant: tenantView(await app.tenants.get(id)), error: err.message, rolled: null }, 400);
    }
    return redirectDone(reply, `${CONSOLE_PREFIX}/tenants/${request.params.id}`, 'settings_saved');
  });

  app.post<{ Params: { id: string }; Body: { mode?: string; what?: string; grace?: string } }>('/tenants/:id/roll', write, async (request, reply) => {
    const id = tenantIdOf(request.params.id);
    const mode = modeOf(request.body?.mode);
    const grace = Number(request.body?.grace ?? 0);
    if (!Number.isInteger(grace) || grace < 0 || grace > 30 * 86_400) throw new ValidationError(['grace'], 'Grace is 0 to 30 days, in seconds.');
    const rolled =
      request.body?.what === 'client'
        ? { what: 'client credentials', mode, ...(await app.tenants.rollClient(id, mode, grace)) }
        : { what: 'secret key', mode, secret: (await app.tenants.rollKey(id, mode, grace)).secret };
    return render(request, reply, 'tenant', 'Tenant', 'tenants', { tenant: tenantView(await app.tenants.get(id)), error: null, rolled });
  });
}
