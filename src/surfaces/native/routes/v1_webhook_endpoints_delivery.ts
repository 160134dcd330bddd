import type { App } from '../../../http/types.ts';
import { ERROR_RESPONSES, FORM_AND_JSON } from '../schemas.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { DeliveryObject, DeliveryParams } from '../webhook-schemas.ts';
import { deliveryIdIn, deliveryToWire, endpointIdIn } from '../webhook-wire.ts';

export function v1WebhookEndpointsDelivery(app: App): void {
  app.get('/webhook_endpoints/:id/deliveries/:delivery_id', {
    schema: { tags: ['Webhook endpoints'], summary: 'Extension: one delivery with its attempts', params: DeliveryParams, response: { 200: DeliveryObject, ...ERROR_RESPONSES } },
    handler: async (request) => {
      const scope = scopeOf(request);
      const endpoint = await app.webhooks.getOf(scope, 'stripe', endpointIdIn(request.params.id));
      return deliveryToWire(await app.webhooks.delivery(scope, endpoint.id, deliveryIdIn(request.params.delivery_id)));
    },
  });

  app.post('/webhook_endpoints/:id/deliveries/:delivery_id/retry', {
    schema: {
      tags: ['Webhook endpoints'],
      consumes: FORM_AND_JSON,
      summary: 'Extension: send a delivery again now (one that failed for good starts a fresh retry schedule)',
      params: DeliveryParams,
      response: { 200: DeliveryObject, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      const scope = scopeOf(request);
      const endpoint = await app.webhooks.getOf(scope, 'stripe', endpointIdIn(request.params.id));
      const id = deliveryIdIn(request.params.delivery_id);
      await app.webhooks.retry(scope, endpoint.id, id);
      return deliveryToWire(await app.webhooks.delivery(scope, endpoint.id, id));
    },
  });
}
