import type { App } from '../../../http/types.ts';
import type { ListQuery } from '../../../domain/store-port.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { CustomerList, ERROR_RESPONSES, LIST_LIMIT, ListCustomersQuery, TAGS } from '../schemas.ts';
import { customerListToWire } from '../wire.ts';

export function atlasCustomersList(app: App): void {
  app.get('/customers', {
    schema: {
      tags: TAGS,
      summary: 'Atlas: list customers, newest first, with offset pagination and a total count',
      querystring: ListCustomersQuery,
      response: { 200: CustomerList, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      const { limit, offset, email } = request.query;
      const query: ListQuery = { limit: limit ?? LIST_LIMIT.default, offset: offset ?? 0, withTotal: true };
      if (email !== undefined) query.emailFolded = email;
      return customerListToWire(await app.customers.list(scopeOf(request), query));
    },
  });
}
