import type { App } from '../../../http/types.ts';
import { customerWrite } from '../../../http/writes.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { CreateCustomerBody, CustomerResponse, ERROR_RESPONSES, JSON_ONLY, SECURITY, TAGS } from '../schemas.ts';
import { createPatchFromCount, customerResponse } from '../wire.ts';

/** One domain create: the customer with its contacts, atomically (a bad contact fails the whole create). */
export function countCustomersCreate(app: App): void {
  app.post('/customers', {
    schema: {
      tags: TAGS,
      security: SECURITY,
      consumes: JSON_ONLY,
      summary: 'Count: create a customer (customer and email required), with its contacts',
      body: CreateCustomerBody,
      response: { 201: CustomerResponse, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const write = customerWrite(request, reply, (customer) => customerResponse('Customer created successfully', customer), 201);
      return write.send(await app.customers.create(scopeOf(request), createPatchFromCount(request.body), write.context));
    },
  });
}
