import { Type } from 'typebox';
import type { App } from '../../../http/types.ts';
import { CustomerIdParams, ExpandQuery, ERROR_RESPONSES } from '../schemas.ts';
import { customerExpansions } from '../expand.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { customerIdIn } from '../wire.ts';
import { withEtag } from '../../../http/writes.ts';
import { anyCustomerToStripe, CustomerObject, DeletedCustomerObject } from '../../../formats/stripe-customer.ts';

export function v1CustomersRetrieve(app: App): void {
  app.get('/customers/:id', {
    schema: {
      tags: ['Customers'],
      summary: 'Retrieve a customer (a deleted one as its deleted stub)',
      params: CustomerIdParams,
      querystring: ExpandQuery,
      response: { 200: Type.Union([CustomerObject, DeletedCustomerObject]), ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const expand = customerExpansions(request.query.expand, '');
      const customer = await app.customers.get(scopeOf(request), customerIdIn(request.params.id));
      return withEtag(reply, customer, anyCustomerToStripe(customer, expand));
    },
  });
}
