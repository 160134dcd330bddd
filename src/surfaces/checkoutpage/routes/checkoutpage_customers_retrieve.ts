import type { App } from '../../../http/types.ts';
import type { Customer } from '../../../domain/customers/model.ts';
import { NotFoundError } from '../../../domain/errors.ts';
import { withEtag } from '../../../http/writes.ts';
import { customerIdParam, scopeOf } from '../../shared/request-scope.ts';
import { CustomerParams, CustomerResponse, ERROR_RESPONSES } from '../schemas.ts';
import { customerResponse, idFromWire } from '../wire.ts';

/** A customer that is not deleted: CheckoutPage shows no deleted customers, as they never appear in its lists. */
function live(customer: Customer): Customer {
  if (customer.deleted) throw new NotFoundError('customer', customer.id, ['customerId']);
  return customer;
}

export function checkoutPageCustomersRetrieve(app: App): void {
  app.get('/customers/:customerId', {
    schema: {
      tags: ['CheckoutPage'],
      summary: 'Retrieve a customer',
      params: CustomerParams,
      response: { 200: CustomerResponse, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const customer = await app.customers.get(scopeOf(request), customerIdParam(idFromWire, request.params.customerId, 'customerId'));
      return withEtag(reply, customer, customerResponse(live(customer)));
    },
  });
}
