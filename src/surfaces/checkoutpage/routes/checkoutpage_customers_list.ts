import type { App } from '../../../http/types.ts';
import type { ListQuery } from '../../../domain/store-port.ts';
import { listCursor } from '../../shared/list-cursor.ts';
import { customerIdParam, scopeOf } from '../../shared/request-scope.ts';
import { CustomerListResponse, DEFAULT_LIMIT, ERROR_RESPONSES, ListCustomersQuery } from '../schemas.ts';
import { customerListResponse, idFromWire } from '../wire.ts';

/**
 * Newest first. `starting_after` / `ending_before` take a customer id from a previous page; an
 * empty value is as if not given. A cursor that names no customer is refused naming the cursor
 * (see ../errors.ts). `total` counts every customer the search matches. The docs print the URL
 * with a trailing slash (`GET /v1/customers/?limit=20`), so both spellings are served.
 */
export function checkoutPageCustomersList(app: App): void {
  for (const url of ['/customers', '/customers/']) listAt(app, url);
}

function listAt(app: App, url: string): void {
  app.get(url, {
    schema: {
      tags: ['CheckoutPage'],
      summary: 'List customers, newest first',
      description: `\`limit\` 1–100, default ${DEFAULT_LIMIT}; page with \`starting_after\` (the last id of a page) or \`ending_before\` (the first id); \`search\` matches the name or the e-mail, case-insensitively.`,
      querystring: ListCustomersQuery,
      response: { 200: CustomerListResponse, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      const { limit, starting_after: startingAfter, ending_before: endingBefore, search } = request.query;
      const query: ListQuery = { limit: limit ?? DEFAULT_LIMIT, withTotal: true };
      const cursor = listCursor(
        startingAfter ? customerIdParam(idFromWire, startingAfter, 'starting_after') : undefined,
        endingBefore ? customerIdParam(idFromWire, endingBefore, 'ending_before') : undefined,
      );
      if (cursor) query.cursor = cursor;
      if (search) query.contains = { text: search, fields: ['name', 'email'] };
      return customerListResponse(await app.customers.list(scopeOf(request), query));
    },
  });
}
