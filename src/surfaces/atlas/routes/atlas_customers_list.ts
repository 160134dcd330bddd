import type { App } from '../../../http/types.ts';
import type { ListQuery } from '../../../domain/store-port.ts';
import { CustomerList, ERROR_RESPONSES, LIST_LIMIT, ListCustomersQuery, TAGS } from '../schemas.ts';
import { customerToAtlas } from '../wire.ts';
import { scopeOf } from '../scope.ts';

export function atlasCustomersList(app: App): void {
  app.get('/customers', {
    schema: {
      tags: TAGS,
      summary: 'Atlas: list customers, newest first, with offset pagination and a total count',
      querystring: ListCustomersQuery,
      response: { 200: CustomerList, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      const q = request.query;
      const query: ListQuery = { limit: q.limit ?? LIST_LIMIT.default, offset: q.offset ?? 0, withTotal: true };
      if (q.email !== undefined) query.emailFolded = q.email;
      const page = await app.customers.list(scopeOf(request), query);
      return {
        object: 'list' as const,
        data: page.data.map(customerToAtlas),
        has_more: page.hasMore,
        total_count: page.total ?? 0,
      };
    },
  });
}
