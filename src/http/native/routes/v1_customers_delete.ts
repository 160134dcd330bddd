import type { App } from '../../types.ts';
import { CustomerIdParams, DeleteCustomerBody, DeletedCustomerObject, StripeError } from '../schemas.ts';
import { deletedCustomerToWire } from '../customer-wire.ts';
import { customerIdParam, scopeOf } from '../scope.ts';

export function v1CustomersDelete(app: App): void {
  app.delete('/customers/:id', {
    schema: {
      tags: ['Customers'],
      summary: 'Delete a customer',
      params: CustomerIdParams,
      body: DeleteCustomerBody,
      response: { 200: DeletedCustomerObject, '4xx': StripeError },
    },
    handler: async (request) => {
      const customer = await app.customers.delete(scopeOf(request), customerIdParam(request.params.id));
      return deletedCustomerToWire(customer);
    },
  });
}
