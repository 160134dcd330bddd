import { NotFoundError } from '../../../domain/errors.ts';
import type { App } from '../../../http/types.ts';
import { withEtag } from '../../../http/writes.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { CustomerResponse, CustomerUuidParams, ERROR_RESPONSES, SECURITY, TAGS } from '../schemas.ts';
import { customerIdIn, customerResponse } from '../wire.ts';

/** Count has no deleted stubs: a deleted customer is not found. */
export function countCustomersRetrieve(app: App): void {
  app.get('/customers/:uuid', {
    schema: {
      tags: TAGS,
      security: SECURITY,
      summary: 'Count: get a customer by uuid (a deleted one is not found)',
      params: CustomerUuidParams,
      response: { 200: CustomerResponse, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const customer = await app.customers.get(scopeOf(request), customerIdIn(request.params.uuid));
      if (customer.deleted) throw new NotFoundError('customer', customer.id, ['uuid']);
      return withEtag(reply, customer, customerResponse('Customer retrieved successfully', customer));
    },
  });
}
