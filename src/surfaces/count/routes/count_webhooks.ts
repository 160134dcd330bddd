import type { App } from '../../../http/types.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { ERROR_RESPONSES, JSON_ONLY, SECURITY, TAGS } from '../schemas.ts';
import { CreateWebhookBody, UpdateWebhookBody, WebhookDeletedResponse, WebhookListResponse, WebhookResponse, WebhookUuidParams } from '../webhook-schemas.ts';
import { asCallbackUrl, webhookChanges, webhookIdIn, webhookInput, webhookToCount } from '../webhook-wire.ts';

/**
 * Count's webhook subscriptions (developers.getcount.com/api-reference/webhooks): list, create,
 * update and delete, scoped to the workspace (tenant and mode) the credentials name.
 */
export function countWebhooks(app: App): void {
  app.get('/webhooks', {
    schema: { tags: TAGS, security: SECURITY, summary: 'Count: list webhook subscriptions, newest first', response: { 200: WebhookListResponse, ...ERROR_RESPONSES } },
    handler: async (request): Promise<WebhookListResponse> => {
      const scope = scopeOf(request);
      const webhooks = [];
      let page = await app.webhooks.list(scope, 'count', { limit: 100 });
      webhooks.push(...page.data);
      while (page.hasMore) {
        page = await app.webhooks.list(scope, 'count', { limit: 100, cursor: { after: webhooks[webhooks.length - 1]!.id, field: ['uuid'] } });
        webhooks.push(...page.data);
      }
      return { status: 'success', message: 'Webhook subscriptions retrieved.', data: { webhooks: webhooks.map(webhookToCount) } };
    },
  });

  app.post('/webhooks', {
    schema: {
      tags: TAGS,
      security: SECURITY,
      consumes: JSON_ONLY,
      summary: 'Count: create a webhook subscription',
      body: CreateWebhookBody,
      response: { 201: WebhookResponse, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const { endpoint } = await asCallbackUrl(app.webhooks.create(scopeOf(request), 'count', webhookInput(request.body)));
      return reply.code(201).send({ status: 'success', message: 'Webhook subscription created.', data: { webhook: webhookToCount(endpoint) } });
    },
  });

  app.patch('/webhooks/:uuid', {
    schema: {
      tags: TAGS,
      security: SECURITY,
      consumes: JSON_ONLY,
      summary: 'Count: update a webhook subscription',
      params: WebhookUuidParams,
      body: UpdateWebhookBody,
      response: { 200: WebhookResponse, ...ERROR_RESPONSES },
    },
    handler: async (request): Promise<WebhookResponse> => {
      const endpoint = await asCallbackUrl(app.webhooks.update(scopeOf(request), 'count', webhookIdIn(request.params.uuid), webhookChanges(request.body)));
      return { status: 'success', message: 'Webhook subscription updated.', data: { webhook: webhookToCount(endpoint) } };
    },
  });

  app.delete('/webhooks/:uuid', {
    schema: { tags: TAGS, security: SECURITY, summary: 'Count: delete a webhook subscription', params: WebhookUuidParams, response: { 200: WebhookDeletedResponse, ...ERROR_RESPONSES } },
    handler: async (request): Promise<WebhookDeletedResponse> => {
      const endpoint = await app.webhooks.delete(scopeOf(request), 'count', webhookIdIn(request.params.uuid));
      return { status: 'success', message: 'Webhook subscription deleted.', data: { uuid: webhookToCount(endpoint).uuid, deleted: true } };
    },
  });
}
