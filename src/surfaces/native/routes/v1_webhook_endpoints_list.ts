import type { App } from '../../../http/types.ts';
import { ERROR_RESPONSES } from '../schemas.ts';
import { checkExpand } from '../expand.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { listCursor } from '../../shared/list-cursor.ts';
import { WebhookEndpointList } from '../webhook-schemas.ts';
import { ListPageQuery } from '../schemas.ts';
import { endpointIdIn, endpointToStripe } from '../webhook-wire.ts';

export function v1WebhookEndpointsList(app: App): void {
  app.get('/webhook_endpoints', {
    schema: { tags: ['Webhook endpoints'], summary: 'List webhook endpoints, newest first', querystring: ListPageQuery, response: { 200: WebhookEndpointList, ...ERROR_RESPONSES } },
    handler: async (request): Promise<WebhookEndpointList> => {
      const q = request.query;
      checkExpand(q.expand, 'data.');
      const cursor = listCursor(
        q.starting_after !== undefined ? endpointIdIn(q.starting_after, 'starting_after') : undefined,
        q.ending_before !== undefined ? endpointIdIn(q.ending_before, 'ending_before') : undefined,
      );
      const page = await app.webhooks.list(scopeOf(request), 'stripe', { limit: q.limit ?? 10, ...(cursor ? { cursor } : {}) });
      return { object: 'list' as const, data: page.data.map((endpoint) => endpointToStripe(endpoint)), has_more: page.hasMore, url: '/v1/webhook_endpoints' };
    },
  });
}
