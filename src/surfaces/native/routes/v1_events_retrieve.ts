import type { App } from '../../../http/types.ts';
import { EventObject, eventToStripe } from '../../../formats/stripe-event.ts';
import { ERROR_RESPONSES, ExpandQuery } from '../schemas.ts';
import { checkExpand } from '../expand.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { IdParams } from '../webhook-schemas.ts';
import { eventIdIn } from '../webhook-wire.ts';

export function v1EventsRetrieve(app: App): void {
  app.get('/events/:id', {
    schema: { tags: ['Events'], summary: 'Retrieve an event', params: IdParams, querystring: ExpandQuery, response: { 200: EventObject, ...ERROR_RESPONSES } },
    handler: async (request) => {
      checkExpand(request.query.expand, '');
      return eventToStripe(await app.events.get(scopeOf(request), eventIdIn(request.params.id)));
    },
  });
}
