import type { App } from '../../../http/types.ts';
import { ERROR_RESPONSES, FORM_AND_JSON } from '../schemas.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { IdParams, RecoverBody, RecoveryObject } from '../webhook-schemas.ts';
import { endpointIdIn } from '../webhook-wire.ts';

export function v1WebhookEndpointsRecover(app: App): void {
  app.post('/webhook_endpoints/:id/recover', {
    schema: {
      tags: ['Webhook endpoints'],
      consumes: FORM_AND_JSON,
      summary: 'Extension: send every delivery that failed for good since `since` again, each on a fresh retry schedule',
      params: IdParams,
      body: RecoverBody,
      response: { 200: RecoveryObject, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      const scope = scopeOf(request);
      const recovered = await app.webhooks.recover(scope, 'stripe', endpointIdIn(request.params.id), request.body.since * 1000);
      return { object: 'webhook_recovery' as const, recovered };
    },
  });
}
