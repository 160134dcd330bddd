import type { App } from '../../../http/types.ts';
import { customerWrite, preconditionOf } from '../../../http/writes.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { CustomerUuidParams, DeletedResponse, ERROR_RESPONSES, SECURITY, TAGS } from '../schemas.ts';
import { customerIdIn, deletedResponse } from '../wire.ts';

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
      const write = customerWrite(request, reply, deletedResponse);
      return write.send(await app.customers.delete(scopeOf(request), customerIdIn(request.params.uuid), write.context, preconditionOf(request)));
    },
  });
}
