import type { App } from '../../../http/types.ts';
import { CustomerIdParams, ERROR_RESPONSES, NoParametersBody } from '../schemas.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { customerIdIn } from '../wire.ts';
import { customerWrite, preconditionOf } from '../../../http/writes.ts';
import { DeletedCustomerObject, deletedCustomerToStripe } from '../../../formats/stripe-customer.ts';

export function v1CustomersDelete(app: App): void {
  app.delete('/customers/:id', {
    schema: {
      tags: ['Customers'],
      summary: 'Delete a customer',
      params: CustomerIdParams,
      body: NoParametersBody,
      response: { 200: DeletedCustomerObject, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const write = customerWrite(request, reply, deletedCustomerToStripe);
      const id = customerIdIn(request.params.id);
      return write.send(await app.customers.delete(scopeOf(request), id, write.context, preconditionOf(request)));
    },
  });
}
