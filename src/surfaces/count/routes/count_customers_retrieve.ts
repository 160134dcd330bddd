import type { App } from '../../../http/types.ts';
import { CustomerResponse, CustomerUuidParams, ERROR_RESPONSES, SECURITY, TAGS } from '../schemas.ts';
import { customerToCount } from '../wire.ts';
import { customerIdParam, notFound, scopeOf } from '../scope.ts';

export function countCustomersRetrieve(app: App): void {
  app.get('/customers/:uuid', {
    schema: {
      tags: TAGS,
      security: SECURITY,
      summary: 'Count: get a customer by uuid (a deleted one is not found)',
      params: CustomerUuidParams,
      response: { 200: CustomerResponse, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      const customer = await app.customers.get(scopeOf(request), customerIdParam(request.params.uuid));
      if (customer.deleted) throw notFound(customer.id);
      return { status: 'success' as const, message: 'Customer retrieved successfully', data: customerToCount(customer) };
    },
  });
}
