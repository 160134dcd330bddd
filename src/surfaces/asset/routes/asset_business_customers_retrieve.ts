import type { App } from '../../../http/types.ts';
import { NotFoundError } from '../../../domain/errors.ts';
import { CUSTOMER_ERRORS, CustomerParams, CustomerResponse, NoQuery } from '../schemas.ts';
import { customerToWire } from '../wire.ts';
import { customerIdParam, scopeOf } from '../scope.ts';
import { withEtag } from '../../../http/writes.ts';

export function assetBusinessCustomersRetrieve(app: App): void {
  app.get('/business/:business_id/customers/:customer_id', {
    schema: {
      tags: ['Asset'],
      summary: 'Get a customer',
      params: CustomerParams,
      querystring: NoQuery,
      response: { 200: CustomerResponse, ...CUSTOMER_ERRORS },
    },
    handler: async (request, reply) => {
      const id = customerIdParam(request.params.customer_id);
      const customer = await app.customers.get(scopeOf(request), id);
      // Asset has no deleted state: a customer deleted through another surface is gone.
      if (customer.deleted) throw new NotFoundError('customer', id, ['customer_id']);
      return withEtag(reply, customer, { data: customerToWire(customer) });
    },
  });
}
