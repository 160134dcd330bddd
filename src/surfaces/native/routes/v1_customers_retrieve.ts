import { Type } from 'typebox';
import type { App } from '../../../http/types.ts';
import { CustomerIdParams, ExpandQuery, StripeError } from '../schemas.ts';
import { checkExpand } from '../expand.ts';
import { customerIdParam, scopeOf } from '../scope.ts';
import { withEtag } from '../../../http/writes.ts';
import { anyCustomerToStripe, CustomerObject, DeletedCustomerObject } from '../../../formats/stripe-customer.ts';

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
      return withEtag(reply, customer, anyCustomerToStripe(customer));
    },
  });
}
