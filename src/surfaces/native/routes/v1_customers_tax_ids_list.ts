import type { App } from '../../../http/types.ts';
import { CustomerIdParams, ERROR_RESPONSES, ListPageQuery } from '../schemas.ts';
import { refuseExpand } from '../expand.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { customerIdIn, taxIdIn } from '../wire.ts';
import { listCursor } from '../../shared/list-cursor.ts';
import { TaxIdListObject, taxIdListToStripe } from '../../../formats/stripe-tax-id.ts';
import { NotFoundError } from '../../../domain/errors.ts';

/** A customer's tax ids, newest first, paged like every Stripe list (a customer holds at most 25). */
export function v1CustomersTaxIdsList(app: App): void {
  app.get('/customers/:id/tax_ids', {
    schema: {
      tags: ['Customer tax ids'],
      summary: "List a customer's tax ids, newest first",
      params: CustomerIdParams,
      querystring: ListPageQuery,
      response: { 200: TaxIdListObject, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      const q = request.query;
      refuseExpand(q.expand);
      const cursor = listCursor(
        q.starting_after !== undefined ? taxIdIn(q.starting_after, 'starting_after') : undefined,
        q.ending_before !== undefined ? taxIdIn(q.ending_before, 'ending_before') : undefined,
      );
      const customer = await app.customers.getLive(scopeOf(request), customerIdIn(request.params.id));
      const newestFirst = [...customer.tax_ids].reverse();
      const limit = q.limit ?? 10;
      let from = 0;
      let to = newestFirst.length;
      if (cursor) {
        const anchor = 'after' in cursor ? cursor.after : cursor.before;
        const at = newestFirst.findIndex((t) => t.id === anchor);
        if (at < 0) throw new NotFoundError('tax_id', anchor, cursor.field);
        if ('after' in cursor) from = at + 1;
        else to = at;
      }
      // ending_before pages back: the `limit` entries just before the anchor.
      const start = cursor && 'before' in cursor ? Math.max(from, to - limit) : from;
      const page = newestFirst.slice(start, Math.min(to, start + limit));
      const hasMore = cursor && 'before' in cursor ? start > 0 : start + limit < to;
      return taxIdListToStripe(customer, page, hasMore);
    },
  });
}
