import type { App } from '../../../http/types.ts';
import { BusinessParams, CreateCustomerBody, CUSTOMER_ERRORS, CustomerResponse } from '../schemas.ts';
import { createPatchFromWire, customerToWire } from '../wire.ts';
import { strictJsonTypes } from '../guards.ts';
import { scopeOf } from '../scope.ts';
import { customerWrite } from '../../../http/writes.ts';

export function assetBusinessCustomersCreate(app: App): void {
  app.post('/business/:business_id/customers', {
    schema: {
      tags: ['Asset'],
      summary: 'Create a new customer',
      consumes: ['application/json'],
      params: BusinessParams,
      body: CreateCustomerBody,
      response: { 200: CustomerResponse, ...CUSTOMER_ERRORS },
    },
    preValidation: strictJsonTypes(['name']),
    handler: async (request, reply) => {
      const write = customerWrite(request, reply, (customer) => ({ data: customerToWire(customer) }));
      return write.send(await app.customers.create(scopeOf(request), createPatchFromWire(request.body), write.context));
    },
  });
}
