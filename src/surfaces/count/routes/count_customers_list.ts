import type { ListQuery } from '../../../domain/store-port.ts';
import type { App } from '../../../http/types.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { COUNT_LIMITS, CustomerListResponse, ERROR_RESPONSES, ListCustomersQuery, SECURITY, TAGS } from '../schemas.ts';
import { customerToCount, orderFromCount } from '../wire.ts';

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
    handler: async (request): Promise<CustomerListResponse> => {
      const params = request.query;
      const page = params.page ?? COUNT_LIMITS.page.default;
      const limit = params.limit ?? COUNT_LIMITS.limit.default;
      const query: ListQuery = {
        limit,
        offset: (page - 1) * limit,
        order: orderFromCount(params.orderBy ?? 'customer', params.orderDirection ?? 'ASC'),
        withTotal: true,
      };
      if (params.search !== undefined && params.search !== '') query.contains = { text: params.search, fields: ['name', 'email', 'phone'] };
      const result = await app.customers.list(scopeOf(request), query);
      const total = result.total ?? 0;
      return {
        status: 'success',
        message: 'Customers retrieved successfully',
        data: { records: result.data.map(customerToCount), page, limit, totalRecords: total, totalPages: Math.ceil(total / limit) },
      };
    },
  });
}
