import type { App } from '../../../http/types.ts';
import type { CreatedRange, ListQuery } from '../../../domain/store-port.ts';
import { CustomerList, ListCustomersQuery, ERROR_RESPONSES } from '../schemas.ts';
import { customerExpansions } from '../expand.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { customerIdIn } from '../wire.ts';
import { listCursor } from '../../shared/list-cursor.ts';
import { customerToStripe } from '../../../formats/stripe-customer.ts';

export function v1CustomersList(app: App): void {
  app.get('/customers', {
    schema: {
      tags: ['Customers'],
      summary: 'List customers, newest first',
      querystring: ListCustomersQuery,
      response: { 200: CustomerList, ...ERROR_RESPONSES },
    },
    handler: async (request): Promise<CustomerList> => {
      const q = request.query;
      const expand = customerExpansions(q.expand, 'data.');
      const query: ListQuery = { limit: q.limit ?? 10 };
      const cursor = listCursor(
        q.starting_after !== undefined ? customerIdIn(q.starting_after, 'starting_after') : undefined,
        q.ending_before !== undefined ? customerIdIn(q.ending_before, 'ending_before') : undefined,
      );
      if (cursor) query.cursor = cursor;
      if (q.email !== undefined) query.email = q.email;
      if (q.created !== undefined) query.created = typeof q.created === 'number' ? { gte: q.created, lte: q.created } : (q.created as CreatedRange);
      const page = await app.customers.list(scopeOf(request), query);
      return { object: 'list' as const, data: page.data.map((customer) => customerToStripe(customer, expand)), has_more: page.hasMore, url: '/v1/customers' };
    },
  });
}
