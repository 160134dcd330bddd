import type { App } from '../../../http/types.ts';
import type { CreatedRange, EventListQuery } from '../../../domain/store-port.ts';
import { eventToStripe } from '../../../formats/stripe-event.ts';
import { ERROR_RESPONSES } from '../schemas.ts';
import { checkExpand } from '../expand.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { listCursor } from '../../shared/list-cursor.ts';
import { EventList, ListEventsQuery } from '../webhook-schemas.ts';
import { eventIdIn } from '../webhook-wire.ts';

const SECOND = 1000;

/** Stripe's `created` filter is in seconds; events are kept to the millisecond. */
function createdRange(created: number | CreatedRange): CreatedRange {
  const range = typeof created === 'number' ? { gte: created, lte: created } : created;
  const ms: CreatedRange = {};
  if (range.gt !== undefined) ms.gte = (range.gt + 1) * SECOND;
  if (range.gte !== undefined) ms.gte = Math.max(ms.gte ?? 0, range.gte * SECOND);
  if (range.lt !== undefined) ms.lt = range.lt * SECOND;
  if (range.lte !== undefined) ms.lt = Math.min(ms.lt ?? Infinity, (range.lte + 1) * SECOND);
  return ms;
}

export function v1EventsList(app: App): void {
  app.get('/events', {
    schema: {
      tags: ['Events'],
      summary: 'List events, newest first',
      querystring: ListEventsQuery,
      response: { 200: EventList, ...ERROR_RESPONSES },
    },
    handler: async (request): Promise<EventList> => {
      const q = request.query;
      checkExpand(q.expand, 'data.');
      const query: EventListQuery = { limit: q.limit ?? 10 };
      const cursor = listCursor(
        q.starting_after !== undefined ? eventIdIn(q.starting_after, 'starting_after') : undefined,
        q.ending_before !== undefined ? eventIdIn(q.ending_before, 'ending_before') : undefined,
      );
      if (cursor) query.cursor = cursor;
      if (q.type !== undefined) {
        if (q.type.includes('*')) query.typePattern = q.type;
        else query.types = [q.type];
      }
      if (q.types !== undefined) query.types = [...(query.types ?? []), ...q.types];
      if (q.created !== undefined) query.created = createdRange(q.created as number | CreatedRange);
      if (q.delivery_success !== undefined) query.deliverySuccess = q.delivery_success;
      const page = await app.events.list(scopeOf(request), query);
      return { object: 'list' as const, data: page.data.map((event) => eventToStripe(event)), has_more: page.hasMore, url: '/v1/events' };
    },
  });
}
