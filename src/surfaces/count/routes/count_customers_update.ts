import type { Customer } from '../../../domain/customers/model.ts';
import type { App } from '../../../http/types.ts';
import { customerWrite, preconditionOf } from '../../../http/writes.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { CustomerResponse, CustomerUuidParams, ERROR_RESPONSES, JSON_ONLY, SECURITY, TAGS, UpdateCustomerBody } from '../schemas.ts';
import { customerIdIn, customerResponse, needsCurrent, updatePatchFromCount } from '../wire.ts';

/**
 * Partial update, as the page's prose says ("only send the fields you want to update"), although
 * its parameter list marks `customer` and `email` required: each field given is checked, none is
 * required, and `customer` / `email` can be changed but never removed. Addresses are replaced
 * whole; `null` removes one. `contacts` is ignored ("Contacts cannot be updated via this endpoint"),
 * as are the read-only `uuid`, `createdAt` and `updatedAt`. An update with nothing to change
 * answers the customer as it is, `updatedAt` untouched.
 */
export function countCustomersUpdate(app: App): void {
  app.put('/customers/:uuid', {
    schema: {
      tags: TAGS,
      security: SECURITY,
      consumes: JSON_ONLY,
      summary: 'Count: update a customer; only the fields given change (contacts are not changed here)',
      params: CustomerUuidParams,
      body: UpdateCustomerBody,
      response: { 200: CustomerResponse, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const body = request.body;
      // The shipping name and phone (set natively) are kept under a new shipping address: the patch
      // is computed from the current customer inside the store's atomic update.
      const patch = needsCurrent(body) ? (current: Customer) => updatePatchFromCount(body, current) : updatePatchFromCount(body, null);
      const write = customerWrite(request, reply, (customer) => customerResponse('Customer updated successfully', customer));
      const id = customerIdIn(request.params.uuid);
      return write.send(await app.customers.update(scopeOf(request), id, patch, write.context, preconditionOf(request)));
    },
  });
}
