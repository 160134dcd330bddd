import type { App } from '../../../http/types.ts';
import { CustomerIdParams, DeleteCustomerBody, StripeError } from '../schemas.ts';
import { customerIdParam, scopeOf } from '../scope.ts';
import { customerWrite, preconditionOf } from '../../../http/writes.ts';
import { DeletedCustomerObject, deletedCustomerToStripe } from '../../../formats/stripe-customer.ts';

export function v1CustomersDelete(app: App): void {
  app.delete('/customers/:id', {
    schema: {
      tags: ['Customers'],
      summary: 'Delete a customer',
      params: CustomerIdParams,
      body: DeleteCustomerBody,
      response: { 200: DeletedCustomerObject, '4xx': StripeError },
    },
    handler: async (request, reply) => {
      const write = customerWrite(request, reply, deletedCustomerToStripe);
      const id = customerIdParam(request.params.id);
      return write.send(await app.customers.delete(scopeOf(request), id, write.context, preconditionOf(request)));
    },
  });
}
