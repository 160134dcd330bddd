import type { Customer } from '../../../domain/customers/model.ts';
import type { App } from '../../../http/types.ts';
import { customerWrite, preconditionOf } from '../../../http/writes.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { CUSTOMER_ERRORS, CustomerParams, CustomerResponse, SECURITY, UpdateCustomerBody } from '../schemas.ts';
import { customerIdIn, customerToWire, updatePatchFromWire } from '../wire.ts';

/** Partial update: only the fields given change; `null` removes a nullable field; addresses are replaced whole. */
export function assetBusinessCustomersUpdate(app: App): void {
  app.patch('/business/:business_id/customers/:customer_id', {
    schema: {
      tags: ['Asset'],
      security: SECURITY,
      summary: 'Update a customer',
      consumes: ['application/json'],
      params: CustomerParams,
      body: UpdateCustomerBody,
      response: { 200: CustomerResponse, ...CUSTOMER_ERRORS },
    },
    handler: async (request, reply) => {
      const scope = scopeOf(request);
      const id = customerIdIn(request.params.customer_id);
      const body = request.body;
      // The shipping recipient (name, phone) is kept from the customer as it is: the patch is
      // computed inside the store's atomic update, on the version it replaces.
      const patch = body.shipping_address ? (current: Customer) => updatePatchFromWire(body, current) : updatePatchFromWire(body, null);
      const write = customerWrite(request, reply, (customer) => ({ data: customerToWire(customer) }));
      return write.send(await app.customers.update(scope, id, patch, write.context, preconditionOf(request)));
    },
  });
}
