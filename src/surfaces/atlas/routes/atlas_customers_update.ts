import type { App } from '../../../http/types.ts';
import { CustomerIdParams, CustomerObject, ERROR_RESPONSES, JSON_ONLY, TAGS, UpdateCustomerBody } from '../schemas.ts';
import { customerToAtlas, needsCurrent, updatePatchFromAtlas } from '../wire.ts';
import { customerIdParam, notFound, scopeOf } from '../scope.ts';

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
    handler: async (request) => {
      const scope = scopeOf(request);
      const id = customerIdParam(request.params.customer_id);
      const body = request.body;
      // The shipping name/phone and a 'reverse' tax status are kept: they are read first.
      // (Between this read and the write, a concurrent change to exactly those would be lost.)
      let current = null;
      if (needsCurrent(body)) {
        current = await app.customers.get(scope, id);
        if (current.deleted) throw notFound(id);
      }
      const customer = await app.customers.update(scope, id, updatePatchFromAtlas(body, current));
      return customerToAtlas(customer);
    },
  });
}
