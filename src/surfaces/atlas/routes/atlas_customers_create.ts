import type { App } from '../../../http/types.ts';
import { CreateCustomerBody, CustomerObject, ERROR_RESPONSES, JSON_ONLY, TAGS } from '../schemas.ts';
import { createPatchFromAtlas, customerToAtlas } from '../wire.ts';
import { scopeOf } from '../scope.ts';

export function atlasCustomersCreate(app: App): void {
  app.post('/customers', {
    schema: {
      tags: TAGS,
      consumes: JSON_ONLY,
      summary: 'Atlas: create a customer (email required)',
      body: CreateCustomerBody,
      response: { 200: CustomerObject, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      const customer = await app.customers.create(scopeOf(request), createPatchFromAtlas(request.body));
      return customerToAtlas(customer);
    },
  });
}
