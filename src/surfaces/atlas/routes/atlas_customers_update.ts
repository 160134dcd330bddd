import type { App } from '../../../http/types.ts';
import { CustomerIdParams, CustomerObject, ERROR_RESPONSES, JSON_ONLY, TAGS, UpdateCustomerBody } from '../schemas.ts';
import { customerToAtlas, needsCurrent, updatePatchFromAtlas } from '../wire.ts';
import type { Customer } from '../../../domain/customers/model.ts';
import { customerIdParam, scopeOf } from '../scope.ts';
import { customerWrite, preconditionOf } from '../../../http/writes.ts';

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
      const id = customerIdParam(request.params.customer_id);
      const body = request.body;
      // The shipping name/phone and a 'reverse' tax status are kept: the patch is computed from
      // the current customer inside the store's atomic update, so no concurrent change is lost.
      const patch = needsCurrent(body) ? (current: Customer) => updatePatchFromAtlas(body, current) : updatePatchFromAtlas(body, null);
      const write = customerWrite(request, reply, customerToAtlas);
      return write.send(await app.customers.update(scope, id, patch, write.context, preconditionOf(request)));
    },
  });
}
