import type { App } from '../../../http/types.ts';
import { CustomerParams, CustomerResponse, ERROR_RESPONSES } from '../schemas.ts';
import { customerToWire } from '../wire.ts';
import { customerIdParam, live, scopeOf } from '../scope.ts';
import { withEtag } from '../../../http/writes.ts';

export function checkoutPageCustomersRetrieve(app: App): void {
  app.get('/customers/:customerId', {
    schema: {
      tags: ['CheckoutPage'],
      summary: 'Retrieve a customer',
      params: CustomerParams,
      response: { 200: CustomerResponse, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const customer = await app.customers.get(scopeOf(request), customerIdParam(request.params.customerId));
      return withEtag(reply, customer, { data: customerToWire(live(customer)) });
    },
  });
}
