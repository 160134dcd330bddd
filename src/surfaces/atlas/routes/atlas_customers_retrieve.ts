import type { App } from '../../../http/types.ts';
import { withEtag } from '../../../http/writes.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { CustomerIdParams, CustomerObject, ERROR_RESPONSES, TAGS } from '../schemas.ts';
import { customerIdIn, customerNotFound, customerToWire } from '../wire.ts';

export function atlasCustomersRetrieve(app: App): void {
  app.get('/customers/:customer_id', {
    schema: {
      tags: TAGS,
      summary: 'Atlas: retrieve a customer (a deleted one is not found)',
      params: CustomerIdParams,
      response: { 200: CustomerObject, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const customer = await app.customers.get(scopeOf(request), customerIdIn(request.params.customer_id));
      if (customer.deleted) throw customerNotFound(customer.id);
      return withEtag(reply, customer, customerToWire(customer));
    },
  });
}
