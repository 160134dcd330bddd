import type { App } from '../../../http/types.ts';
import { customerWrite } from '../../../http/writes.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { CreateCustomerBody, CustomerObject, ERROR_RESPONSES, JSON_ONLY, TAGS } from '../schemas.ts';
import { createPatchFromWire, customerToWire } from '../wire.ts';

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
      const write = customerWrite(request, reply, customerToWire);
      return write.send(await app.customers.create(scopeOf(request), createPatchFromWire(request.body), write.context));
    },
  });
}
