import type { App } from '../../../http/types.ts';
import type { Customer } from '../../../domain/customers/model.ts';
import { customerWrite, preconditionOf } from '../../../http/writes.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { CustomerIdParams, CustomerObject, ERROR_RESPONSES, JSON_ONLY, TAGS, UpdateCustomerBody } from '../schemas.ts';
import { customerIdIn, customerToWire, patchNeedsCurrent, updatePatchFromWire } from '../wire.ts';

export function atlasCustomersUpdate(app: App): void {
  app.patch('/customers/:customer_id', {
    schema: {
      tags: TAGS,
      consumes: JSON_ONLY,
      summary: 'Atlas: update a customer; only the fields given change (metadata is merged)',
      params: CustomerIdParams,
      body: UpdateCustomerBody,
      response: { 200: CustomerObject, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const scope = scopeOf(request);
      const id = customerIdIn(request.params.customer_id);
      const body = request.body;
      // The shipping name/phone and a 'reverse' tax status are kept: the patch is computed from
      // the current customer inside the store's atomic update, so no concurrent change is lost.
      const patch = patchNeedsCurrent(body) ? (current: Customer) => updatePatchFromWire(body, current) : updatePatchFromWire(body, null);
      const write = customerWrite(request, reply, customerToWire);
      return write.send(await app.customers.update(scope, id, patch, write.context, preconditionOf(request)));
    },
  });
}
