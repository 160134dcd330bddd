import type { App } from '../../../http/types.ts';
import { ERROR_RESPONSES, FORM_AND_JSON } from '../schemas.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { IdParams, RollSecretBody, WebhookEndpointObject } from '../webhook-schemas.ts';
import { endpointIdIn, endpointToStripe } from '../webhook-wire.ts';

export function v1WebhookEndpointsRollSecret(app: App): void {
  app.post('/webhook_endpoints/:id/roll_secret', {
    // Its response holds the endpoint's signing secret.
    config: { idempotent: 'sealed' },
    schema: {
      tags: ['Webhook endpoints'],
      consumes: FORM_AND_JSON,
      summary: 'Extension: a new secret, shown this once; the old one keeps signing beside it for `expire_old_in` seconds',
      params: IdParams,
      body: RollSecretBody,
      response: { 200: WebhookEndpointObject, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      const { endpoint, secret } = await app.webhooks.rollSecret(scopeOf(request), endpointIdIn(request.params.id), request.body?.expire_old_in ?? 0);
      return endpointToStripe(endpoint, secret);
    },
  });
}
