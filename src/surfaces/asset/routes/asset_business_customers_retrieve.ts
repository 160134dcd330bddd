import { NotFoundError } from '../../../domain/errors.ts';
import type { App } from '../../../http/types.ts';
import { withEtag } from '../../../http/writes.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { CUSTOMER_ERRORS, CustomerParams, CustomerResponse, NoQuery, SECURITY } from '../schemas.ts';
import { customerIdIn, customerToWire } from '../wire.ts';

export function assetBusinessCustomersRetrieve(app: App): void {
  app.get('/business/:business_id/customers/:customer_id', {
    schema: {
      tags: ['Asset'],
      security: SECURITY,
      summary: 'Get a customer',
      params: CustomerParams,
      querystring: NoQuery,
      response: { 200: CustomerResponse, ...CUSTOMER_ERRORS },
    },
    handler: async (request, reply) => {
      const id = customerIdIn(request.params.customer_id);
      const customer = await app.customers.get(scopeOf(request), id);
      // Asset has no deleted state: a customer deleted through another surface is gone.
      if (customer.deleted) throw new NotFoundError('customer', id, ['customer_id']);
      return withEtag(reply, customer, { data: customerToWire(customer) });
    },
  });
}
