import type { App } from '../../../http/types.ts';
import { customerWrite, preconditionOf } from '../../../http/writes.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { CustomerIdParams, DeleteCustomerBody, DeletedCustomerObject, ERROR_RESPONSES, TAGS } from '../schemas.ts';
import { customerIdIn, deletedCustomerToWire } from '../wire.ts';

export function atlasCustomersDelete(app: App): void {
  app.delete('/customers/:customer_id', {
    schema: {
      tags: TAGS,
      summary: 'Atlas: delete a customer; afterwards it is not found',
      params: CustomerIdParams,
      body: DeleteCustomerBody,
      response: { 200: DeletedCustomerObject, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const write = customerWrite(request, reply, deletedCustomerToWire);
      const id = customerIdIn(request.params.customer_id);
      return write.send(await app.customers.delete(scopeOf(request), id, write.context, preconditionOf(request)));
    },
  });
}
