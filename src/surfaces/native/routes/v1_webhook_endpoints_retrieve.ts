import type { App } from '../../../http/types.ts';
import { ERROR_RESPONSES, ExpandQuery } from '../schemas.ts';
import { checkExpand } from '../expand.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { IdParams, WebhookEndpointObject } from '../webhook-schemas.ts';
import { endpointIdIn, endpointToStripe } from '../webhook-wire.ts';

export function v1WebhookEndpointsRetrieve(app: App): void {
  app.get('/webhook_endpoints/:id', {
    schema: { tags: ['Webhook endpoints'], summary: 'Retrieve a webhook endpoint', params: IdParams, querystring: ExpandQuery, response: { 200: WebhookEndpointObject, ...ERROR_RESPONSES } },
    handler: async (request) => {
      checkExpand(request.query.expand, '');
      return endpointToStripe(await app.webhooks.getOf(scopeOf(request), 'stripe', endpointIdIn(request.params.id)));
    },
  });
}
