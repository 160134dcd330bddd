import type { App } from '../../../http/types.ts';
import { CreateCustomerBody, ERROR_RESPONSES, FORM_AND_JSON } from '../schemas.ts';
import { patchFromWire } from '../wire.ts';
import { customerExpansions } from '../expand.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { customerWrite } from '../../../http/writes.ts';
import { CustomerObject, customerToStripe } from '../../../formats/stripe-customer.ts';

export function v1CustomersCreate(app: App): void {
  app.post('/customers', {
    schema: {
      tags: ['Customers'],
      consumes: FORM_AND_JSON,
      summary: 'Create a customer',
      body: CreateCustomerBody,
      response: { 200: CustomerObject, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const body = request.body ?? {};
      const expand = customerExpansions(body.expand, '');
      const write = customerWrite(request, reply, (customer) => customerToStripe(customer, expand));
      return write.send(await app.customers.create(scopeOf(request), patchFromWire(body), write.context));
    },
  });
}
