import type { App } from '../../../http/types.ts';
import type { CreatedRange, ListQuery } from '../../../domain/store-port.ts';
import { CustomerList, ListCustomersQuery, StripeError } from '../schemas.ts';
import { checkExpand } from '../expand.ts';
import { customerIdParam, scopeOf } from '../scope.ts';
import { listCursor } from '../../shared/list-cursor.ts';
import { customerToStripe } from '../../../formats/stripe-customer.ts';

export function v1CustomersList(app: App): void {
  app.get('/customers', {
    schema: {
      tags: ['Customers'],
      summary: 'List customers, newest first',
      querystring: ListCustomersQuery,
      response: { 200: CustomerList, '4xx': StripeError },
    },
    handler: async (request) => {
      const q = request.query;
      checkExpand(q.expand, 'data.');
      const query: ListQuery = { limit: q.limit ?? 10 };
      const cursor = listCursor(
        q.starting_after !== undefined ? customerIdParam(q.starting_after, 'starting_after') : undefined,
        q.ending_before !== undefined ? customerIdParam(q.ending_before, 'ending_before') : undefined,
      );
      if (cursor) query.cursor = cursor;
      if (q.email !== undefined) query.email = q.email;
      if (q.created !== undefined) query.created = typeof q.created === 'number' ? { gte: q.created, lte: q.created } : (q.created as CreatedRange);
      const page = await app.customers.list(scopeOf(request), query);
      return { object: 'list' as const, data: page.data.map(customerToStripe), has_more: page.hasMore, url: '/v1/customers' };
    },
  });
}
