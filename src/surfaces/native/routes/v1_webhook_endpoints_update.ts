import type { App } from '../../../http/types.ts';
import { ERROR_RESPONSES, FORM_AND_JSON } from '../schemas.ts';
import { checkExpand } from '../expand.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { IdParams, UpdateWebhookEndpointBody, WebhookEndpointObject } from '../webhook-schemas.ts';
import { endpointChanges, endpointIdIn, endpointToStripe } from '../webhook-wire.ts';

export function v1WebhookEndpointsUpdate(app: App): void {
  app.post('/webhook_endpoints/:id', {
    schema: {
      tags: ['Webhook endpoints'],
      consumes: FORM_AND_JSON,
      summary: 'Update a webhook endpoint (`disabled` holds its deliveries, in order, until it is enabled again)',
      params: IdParams,
      body: UpdateWebhookEndpointBody,
      response: { 200: WebhookEndpointObject, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      checkExpand(request.body.expand, '');
      return endpointToStripe(await app.webhooks.update(scopeOf(request), 'stripe', endpointIdIn(request.params.id), endpointChanges(request.body)));
    },
  });
}
