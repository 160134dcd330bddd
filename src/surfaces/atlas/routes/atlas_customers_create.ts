import type { App } from '../../../http/types.ts';
import { CreateCustomerBody, CustomerObject, ERROR_RESPONSES, JSON_ONLY, TAGS } from '../schemas.ts';
import { createPatchFromAtlas, customerToAtlas } from '../wire.ts';
import { scopeOf } from '../scope.ts';
import { customerWrite } from '../../../http/writes.ts';

export function atlasCustomersCreate(app: App): void {
  app.post('/customers', {
    schema: {
      tags: TAGS,
      consumes: JSON_ONLY,
      summary: 'Atlas: create a customer (email required)',
      body: CreateCustomerBody,
      response: { 200: CustomerObject, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const write = customerWrite(request, reply, customerToAtlas);
      return write.send(await app.customers.create(scopeOf(request), createPatchFromAtlas(request.body), write.context));
    },
  });
}
