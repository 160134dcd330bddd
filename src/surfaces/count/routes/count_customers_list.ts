import type { App } from '../../../http/types.ts';
import type { ListQuery } from '../../../domain/store-port.ts';
import { COUNT_LIMITS, CustomerListResponse, ERROR_RESPONSES, ListCustomersQuery, SECURITY, TAGS } from '../schemas.ts';
import { customerToCount, orderFromCount } from '../wire.ts';
import { scopeOf } from '../scope.ts';

/**
 * Page-numbered list. `search`: a case-insensitive substring of the name, the e-mail or the main
 * phone. Ordered by `orderBy` (customer, email, createdAt, updatedAt; default customer) in
 * `orderDirection` (ASC or DESC, any case; default ASC); customers without a name or e-mail come
 * last either way, ties go by creation. A page past the end is empty.
 */
export function countCustomersList(app: App): void {
  app.get('/customers', {
    schema: {
      tags: TAGS,
      security: SECURITY,
      summary: 'Count: list customers, page by page, with search and ordering',
      querystring: ListCustomersQuery,
      response: { 200: CustomerListResponse, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      const q = request.query;
      const page = q.page ?? COUNT_LIMITS.page.default;
      const limit = q.limit ?? COUNT_LIMITS.limit.default;
      const query: ListQuery = {
        limit,
        offset: (page - 1) * limit,
        order: orderFromCount(q.orderBy ?? 'customer', q.orderDirection ?? 'ASC'),
        withTotal: true,
      };
      if (q.search !== undefined && q.search !== '') query.contains = { text: q.search, fields: ['name', 'email', 'phone'] };
      const result = await app.customers.list(scopeOf(request), query);
      const total = result.total ?? 0;
      return {
        status: 'success' as const,
        message: 'Customers retrieved successfully',
        data: { customers: result.data.map(customerToCount), page, limit, totalRecords: total, totalPages: Math.ceil(total / limit) },
      };
    },
  });
}
