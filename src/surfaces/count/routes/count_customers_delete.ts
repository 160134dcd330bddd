import type { App } from '../../../http/types.ts';
import { CustomerUuidParams, DeletedResponse, ERROR_RESPONSES, SECURITY, TAGS } from '../schemas.ts';
import { customerIdToCount } from '../wire.ts';
import { customerIdParam, scopeOf } from '../scope.ts';
import { customerWrite, preconditionOf } from '../../../http/writes.ts';

/** The domain's soft delete: afterwards the customer is not found anywhere here, and its e-mail is free. */
export function countCustomersDelete(app: App): void {
  app.delete('/customers/:uuid', {
    schema: {
      tags: TAGS,
      security: SECURITY,
      summary: 'Count: delete a customer; afterwards it is not found',
      params: CustomerUuidParams,
      response: { 200: DeletedResponse, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const write = customerWrite(request, reply, (customer) => ({
        status: 'success' as const,
        message: 'Customer deleted successfully',
        data: { uuid: customerIdToCount(customer.id), deleted: true as const },
      }));
      const id = customerIdParam(request.params.uuid);
      return write.send(await app.customers.delete(scopeOf(request), id, write.context, preconditionOf(request)));
    },
  });
}
