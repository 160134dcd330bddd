import type { App } from '../../../http/types.ts';
import type { ListQuery } from '../../../domain/store-port.ts';
import { CustomerListResponse, DEFAULT_LIMIT, ERROR_RESPONSES, ListCustomersQuery } from '../schemas.ts';
import { customerToWire } from '../wire.ts';
import { cursorParam, scopeOf } from '../scope.ts';
import { listCursor } from '../../shared/list-cursor.ts';

/**
 * Newest first. `starting_after` / `ending_before` take a customer id from a previous page; an
 * empty value is as if not given. `total` counts every customer the search matches.
 */
export function checkoutPageCustomersList(app: App): void {
  app.get('/customers', {
    schema: {
      tags: ['CheckoutPage'],
      summary: 'List customers, newest first',
      description: `\`limit\` 1–100, default ${DEFAULT_LIMIT}; page with \`starting_after\` (the last id of a page) or \`ending_before\` (the first id); \`search\` matches the name or the e-mail, case-insensitively.`,
      querystring: ListCustomersQuery,
      response: { 200: CustomerListResponse, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      const q = request.query;
      const query: ListQuery = { limit: q.limit ?? DEFAULT_LIMIT, withTotal: true };
      const cursor = listCursor(
        q.starting_after ? cursorParam(q.starting_after, 'starting_after') : undefined,
        q.ending_before ? cursorParam(q.ending_before, 'ending_before') : undefined,
      );
      if (cursor) query.cursor = cursor;
      if (q.search) query.contains = { text: q.search, fields: ['name', 'email'] };
      const page = await app.customers.list(scopeOf(request), query);
      return { data: page.data.map(customerToWire), total: page.total ?? 0, has_more: page.hasMore };
    },
  });
}
