import { Type } from 'typebox';
import type { App } from '../../../http/types.ts';
import { CustomerIdParams, CustomerObject, DeletedCustomerObject, ExpandQuery, StripeError } from '../schemas.ts';
import { anyCustomerToWire } from '../wire.ts';
import { checkExpand } from '../expand.ts';
import { customerIdParam, scopeOf } from '../scope.ts';
import { withEtag } from '../../../http/writes.ts';

export function v1CustomersRetrieve(app: App): void {
  app.get('/customers/:id', {
    schema: {
      tags: ['Customers'],
      summary: 'Retrieve a customer (a deleted one as its deleted stub)',
      params: CustomerIdParams,
      querystring: ExpandQuery,
      response: { 200: Type.Union([CustomerObject, DeletedCustomerObject]), '4xx': StripeError },
    },
    handler: async (request, reply) => {
      checkExpand(request.query.expand, '');
      const customer = await app.customers.get(scopeOf(request), customerIdParam(request.params.id));
      return withEtag(reply, customer, anyCustomerToWire(customer));
    },
  });
}
