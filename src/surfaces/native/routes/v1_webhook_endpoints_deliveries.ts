import type { App } from '../../../http/types.ts';
import { ERROR_RESPONSES } from '../schemas.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { listCursor } from '../../shared/list-cursor.ts';
import { DeliveryList, IdParams } from '../webhook-schemas.ts';
import { ListPageQuery } from '../schemas.ts';
import { deliveryIdIn, deliveryToWire, endpointIdIn } from '../webhook-wire.ts';
import { webhookEndpointIdToWire } from '../../../formats/ids.ts';

export function v1WebhookEndpointsDeliveries(app: App): void {
  app.get('/webhook_endpoints/:id/deliveries', {
    schema: {
      tags: ['Webhook endpoints'],
      summary: "Extension: the endpoint's deliveries, newest first, each with its attempts",
      params: IdParams,
      querystring: ListPageQuery,
      response: { 200: DeliveryList, ...ERROR_RESPONSES },
    },
    handler: async (request): Promise<DeliveryList> => {
      const q = request.query;
      const scope = scopeOf(request);
      const endpointId = endpointIdIn(request.params.id);
      const cursor = listCursor(
        q.starting_after !== undefined ? deliveryIdIn(q.starting_after, 'starting_after') : undefined,
        q.ending_before !== undefined ? deliveryIdIn(q.ending_before, 'ending_before') : undefined,
      );
      const page = await app.webhooks.deliveries(scope, 'stripe', endpointId, { limit: q.limit ?? 10, ...(cursor ? { cursor } : {}) });
      return { object: 'list' as const, data: page.data.map(deliveryToWire), has_more: page.hasMore, url: `/v1/webhook_endpoints/${webhookEndpointIdToWire(endpointId)}/deliveries` };
    },
  });
}
