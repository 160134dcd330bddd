import type { App } from '../../../http/types.ts';
import { customerWrite } from '../../../http/writes.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { BusinessParams, CreateCustomerBody, CUSTOMER_ERRORS, CustomerResponse, SECURITY } from '../schemas.ts';
import { createPatchFromWire, customerToWire } from '../wire.ts';

export function assetBusinessCustomersCreate(app: App): void {
  app.post('/business/:business_id/customers', {
    schema: {
      tags: ['Asset'],
      security: SECURITY,
      summary: 'Create a new customer',
      consumes: ['application/json'],
      params: BusinessParams,
      body: CreateCustomerBody,
      response: { 200: CustomerResponse, ...CUSTOMER_ERRORS },
    },
    handler: async (request, reply) => {
      const write = customerWrite(request, reply, (customer) => ({ data: customerToWire(customer) }));
      return write.send(await app.customers.create(scopeOf(request), createPatchFromWire(request.body), write.context));
    },
  });
}
