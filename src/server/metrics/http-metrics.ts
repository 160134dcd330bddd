import type { App } from '../../http/types.ts';
import type { Metrics } from './metrics.ts';

/**
 * Times every answer. `route` is the route's pattern (`/v1/customers/:id`), never the URL: an id
 * in a label would make a series per customer. A URL no route matched is `unmatched`.
 */
export function registerHttpMetrics(app: App, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeHttp(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, request.surface, reply.elapsedTime / 1000);
  });
}
