import { Type } from 'typebox';
import type { App } from '../../../http/types.ts';
import { webhookEndpointIdToWire } from '../../../formats/ids.ts';
import { ERROR_RESPONSES } from '../schemas.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { DeletedWebhookEndpointObject, IdParams } from '../webhook-schemas.ts';
import { endpointIdIn } from '../webhook-wire.ts';

export function v1WebhookEndpointsDelete(app: App): void {
  app.delete('/webhook_endpoints/:id', {
    schema: {
      tags: ['Webhook endpoints'],
      summary: 'Delete a webhook endpoint with its deliveries',
      params: IdParams,
      body: Type.Optional(Type.Object({}, { additionalProperties: false })),
      response: { 200: DeletedWebhookEndpointObject, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      const endpoint = await app.webhooks.delete(scopeOf(request), 'stripe', endpointIdIn(request.params.id));
      return { id: webhookEndpointIdToWire(endpoint.id), object: 'webhook_endpoint' as const, deleted: true as const };
    },
  });
}
