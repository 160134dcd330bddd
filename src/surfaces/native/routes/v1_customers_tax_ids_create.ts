import type { App } from '../../../http/types.ts';
import { ERROR_RESPONSES, FORM_AND_JSON, CustomerIdParams } from '../schemas.ts';
import { CreateTaxIdBody } from '../tax-id-schemas.ts';
import { refuseExpand } from '../expand.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { customerIdIn } from '../wire.ts';
import { customerWrite, preconditionOf } from '../../../http/writes.ts';
import { TaxIdObject, taxIdToStripe } from '../../../formats/stripe-tax-id.ts';

export function v1CustomersTaxIdsCreate(app: App): void {
  app.post('/customers/:id/tax_ids', {
    schema: {
      tags: ['Customer tax ids'],
      consumes: FORM_AND_JSON,
      summary: "Add a tax id to a customer (its type one of Stripe's, its value one that can be of that type)",
      params: CustomerIdParams,
      body: CreateTaxIdBody,
      response: { 200: TaxIdObject, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const { type, value, expand } = request.body;
      refuseExpand(expand);
      // The new tax id is the customer's last.
      const write = customerWrite(request, reply, (customer) => taxIdToStripe(customer.tax_ids[customer.tax_ids.length - 1]!, customer));
      const id = customerIdIn(request.params.id);
      return write.send(await app.customers.addTaxId(scopeOf(request), id, { type, value }, write.context, preconditionOf(request)));
    },
  });
}
