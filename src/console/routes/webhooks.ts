import type { FastifyRequest } from 'fastify';
import { ValidationError } from '../../domain/errors.ts';
import type { WebhookEndpoint } from '../../domain/webhooks/endpoint.ts';
import { deliveryIdFromWire, webhookEndpointIdFromWire, webhookEndpointIdToWire } from '../../formats/ids.ts';
import { CONSOLE_PREFIX } from '../../http/console-paths.ts';
import type { App } from '../../http/types.ts';
import { needCsrf, needTenant, scopeOf } from '../guards.ts';
import { redirectDone, render } from '../page.ts';
import { deliveryView } from '../views-data.ts';

const EVENTS = ['customer.created', 'customer.updated', 'customer.deleted'] as const;
const ROLL_GRACE_SECONDS = 24 * 3600;

function endpointView(e: WebhookEndpoint) {
  return {
    id: webhookEndpointIdToWire(e.id),
    kind: e.flavor === 'stripe' ? 'Native (Stripe events)' : 'Count subscription',
    flavor: e.flavor,
    url: e.url,
    events: e.enabledEvents.join(', '),
    status: e.status,
    disabledReason: e.disabledReason,
    failing: e.failingSince !== null,
  };
}

function endpointIdOf(wire: string): string {
  const id = webhookEndpointIdFromWire(wire);
  if (!id) throw new ValidationError(['id'], `'${wire.slice(0, 40)}' is not a webhook endpoint id.`);
  return id;
}

/** Native endpoints and Count subscriptions: list, create, deliveries with attempts, retry now, roll secret. */
export function webhookRoutes(app: App): void {
  const tenant = { preHandler: needTenant, schema: { hide: true } };
  const write = { preHandler: [needTenant, needCsrf], schema: { hide: true } };

  const listPage = async (request: FastifyRequest) => {
    const scope = scopeOf(request);
    const [native, count] = await Promise.all([app.webhooks.list(scope, 'stripe', { limit: 100 }), app.webhooks.list(scope, 'count', { limit: 100 })]);
    return { endpoints: [...native.data, ...count.data].map(endpointView), events: EVENTS };
  };

  app.get('/webhooks', tenant, async (request, reply) => render(request, reply, 'webhooks', 'Webhooks', 'webhooks', { ...(await listPage(request)), secret: null, error: null, url: '' }));

  app.post<{ Body: { url?: string; events?: string | string[]; kind?: string; secret?: string } }>('/webhooks', write, async (request, reply) => {
    const url = typeof request.body?.url === 'string' ? request.body.url.trim() : '';
    const picked = [request.body?.events ?? []].flat().filter((e): e is string => (EVENTS as readonly string[]).includes(e as string));
    const count = request.body?.kind === 'count';
    try {
      // A Count subscription is for one event (Count's model), with the signing secret its owner chose, if any.
      if (count && picked.length !== 1) throw new ValidationError(['events'], 'A Count subscription is for exactly one event: tick one.');
      const made = count
        ? await app.webhooks.create(scopeOf(request), 'count', { url, enabledEvents: picked, secret: typeof request.body?.secret === 'string' ? request.body.secret : null })
        : await app.webhooks.create(scopeOf(request), 'stripe', { url, enabledEvents: picked.length === 0 ? ['*'] : picked });
      if (made.endpoint.flavor === 'count') return redirectDone(reply, `${CONSOLE_PREFIX}/webhooks/${webhookEndpointIdToWire(made.endpoint.id)}`, 'subscription_created');
      // The secret is shown this once, as Stripe's dashboard does.
      return render(request, reply, 'webhooks', 'Webhooks', 'webhooks', { ...(await listPage(request)), secret: { endpoint: webhookEndpointIdToWire(made.endpoint.id), value: made.secret }, error: null, url: '' });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return render(request, reply, 'webhooks', 'Webhooks', 'webhooks', { ...(await listPage(request)), secret: null, error: err.message, url }, 400);
    }
  });

  app.get<{ Params: { id: string } }>('/webhooks/:id', tenant, async (request, reply) => {
    const scope = scopeOf(request);
    const endpoint = await app.webhooks.get(scope, endpointIdOf(request.params.id));
    const deliveries = await app.webhooks.deliveries(scope, endpoint.flavor, endpoint.id, { limit: 50 });
    return render(request, reply, 'webhook', 'Webhook endpoint', 'webhooks', { endpoint: endpointView(endpoint), deliveries: deliveries.data.map(deliveryView), secret: null });
  });

  app.post<{ Params: { id: string; delivery: string } }>('/webhooks/:id/deliveries/:delivery/retry', write, async (request, reply) => {
    const delivery = deliveryIdFromWire(request.params.delivery);
    if (!delivery) throw new ValidationError(['delivery'], 'Not a delivery id.');
    await app.webhooks.retry(scopeOf(request), endpointIdOf(request.params.id), delivery);
    return redirectDone(reply, `${CONSOLE_PREFIX}/webhooks/${request.params.id}`, 'delivery_queued');
  });

  app.post<{ Params: { id: string } }>('/webhooks/:id/roll-secret', write, async (request, reply) => {
    const scope = scopeOf(request);
    const rolled = await app.webhooks.rollSecret(scope, endpointIdOf(request.params.id), ROLL_GRACE_SECONDS);
    const deliveries = await app.webhooks.deliveries(scope, rolled.endpoint.flavor, rolled.endpoint.id, { limit: 50 });
    return render(request, reply, 'webhook', 'Webhook endpoint', 'webhooks', {
      endpoint: endpointView(rolled.endpoint),
      deliveries: deliveries.data.map(deliveryView),
      secret: rolled.secret,
    });
  });
}
