import type { App } from '../../../http/types.ts';
import { ERROR_RESPONSES, NoParametersBody } from '../schemas.ts';
import { CustomerTaxIdParams } from '../tax-id-schemas.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { customerIdIn, taxIdIn } from '../wire.ts';
import { customerWrite, preconditionOf } from '../../../http/writes.ts';
import { DeletedTaxIdObject, deletedTaxIdToStripe } from '../../../formats/stripe-tax-id.ts';

export function v1CustomersTaxIdsDelete(app: App): void {
  app.delete('/customers/:id/tax_ids/:tax_id', {
    schema: {
      tags: ['Customer tax ids'],
      summary: "Remove a customer's tax id",
      params: CustomerTaxIdParams,
      body: NoParametersBody,
      response: { 200: DeletedTaxIdObject, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const taxId = taxIdIn(request.params.tax_id);
      const write = customerWrite(request, reply, () => deletedTaxIdToStripe(taxId));
      const id = customerIdIn(request.params.id);
      return write.send(await app.customers.removeTaxId(scopeOf(request), id, taxId, write.context, preconditionOf(request)));
    },
  });
}
