import type { App } from '../../../http/types.ts';
import { CustomerResponse, CustomerUuidParams, ERROR_RESPONSES, SECURITY, TAGS } from '../schemas.ts';
import { customerToCount } from '../wire.ts';
import { customerIdParam, notFound, scopeOf } from '../scope.ts';
import { withEtag } from '../../../http/writes.ts';

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
      const customer = await app.customers.get(scopeOf(request), customerIdParam(request.params.uuid));
      if (customer.deleted) throw notFound(customer.id);
      return withEtag(reply, customer, { status: 'success' as const, message: 'Customer retrieved successfully', data: customerToCount(customer) });
    },
  });
}
