import type { App } from '../../../http/types.ts';
import { ERROR_RESPONSES, FORM_AND_JSON } from '../schemas.ts';
import { checkExpand } from '../expand.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { CreateWebhookEndpointBody, WebhookEndpointObject } from '../webhook-schemas.ts';
import { endpointInput, endpointToStripe } from '../webhook-wire.ts';

export function v1WebhookEndpointsCreate(app: App): void {
  app.post('/webhook_endpoints', {
    // Its response holds the endpoint's signing secret.
    config: { idempotent: 'sealed' },
    schema: {
      tags: ['Webhook endpoints'],
      consumes: FORM_AND_JSON,
      summary: 'Create a webhook endpoint; its `secret` is shown this once',
      body: CreateWebhookEndpointBody,
      response: { 200: WebhookEndpointObject, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      checkExpand(request.body.expand, '');
      const { endpoint, secret } = await app.webhooks.create(scopeOf(request), 'stripe', endpointInput(request.body));
      return endpointToStripe(endpoint, secret);
    },
  });
}
