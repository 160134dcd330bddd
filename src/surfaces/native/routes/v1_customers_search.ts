import type { App } from '../../../http/types.ts';
import { CustomerSearchResult, SearchCustomersQuery, ERROR_RESPONSES } from '../schemas.ts';
import { customerExpansions } from '../expand.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { customerToStripe } from '../../../formats/stripe-customer.ts';

export function v1CustomersSearch(app: App): void {
  app.get('/customers/search', {
    schema: {
      tags: ['Customers'],
      summary: "Search customers with Stripe's search query language; strongly consistent",
      querystring: SearchCustomersQuery,
      response: { 200: CustomerSearchResult, ...ERROR_RESPONSES },
    },
    handler: async (request): Promise<CustomerSearchResult> => {
      const q = request.query;
      const expand = customerExpansions(q.expand, 'data.', ['total_count']);
      const withTotal = q.expand?.includes('total_count') ?? false;
      const result = await app.customers.search(scopeOf(request), {
        query: q.query,
        limit: q.limit ?? 10,
        ...(q.page !== undefined ? { page: q.page } : {}),
        withTotal,
      });
      return {
        object: 'search_result' as const,
        data: result.data.map((customer) => customerToStripe(customer, expand)),
        has_more: result.hasMore,
        next_page: result.nextPage,
        url: '/v1/customers/search',
        ...(withTotal ? { total_count: result.total ?? 0 } : {}),
      };
    },
  });
}
