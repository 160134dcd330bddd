import type { App } from '../../../http/types.ts';
import { CustomerIdParams, DeleteCustomerBody, DeletedCustomerObject, ERROR_RESPONSES, TAGS } from '../schemas.ts';
import { deletedCustomerToAtlas } from '../wire.ts';
import { customerIdParam, scopeOf } from '../scope.ts';
import { customerWrite, preconditionOf } from '../../../http/writes.ts';

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
      const write = customerWrite(request, reply, deletedCustomerToAtlas);
      const id = customerIdParam(request.params.customer_id);
      return write.send(await app.customers.delete(scopeOf(request), id, write.context, preconditionOf(request)));
    },
  });
}
