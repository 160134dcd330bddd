import type { App } from '../../../http/types.ts';
import { DeleteCustomerBody, ERROR_RESPONSES } from '../schemas.ts';
import { CustomerTaxIdParams } from '../tax-id-schemas.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { customerIdIn, taxIdIn } from '../wire.ts';
import { customerWrite, preconditionOf } from '../../../http/writes.ts';
import { DeletedTaxIdObject } from '../../../formats/stripe-tax-id.ts';
import { taxIdIdToWire } from '../../../formats/ids.ts';

export function v1CustomersTaxIdsDelete(app: App): void {
  app.delete('/customers/:id/tax_ids/:tax_id', {
    schema: {
      tags: ['Customer tax ids'],
      summary: "Remove a customer's tax id",
      params: CustomerTaxIdParams,
      body: DeleteCustomerBody,
      response: { 200: DeletedTaxIdObject, ...ERROR_RESPONSES },
    },
    handler: async (request, reply) => {
      const taxId = taxIdIn(request.params.tax_id);
      const write = customerWrite(request, reply, () => ({ id: taxIdIdToWire(taxId), object: 'tax_id' as const, deleted: true as const }));
      const id = customerIdIn(request.params.id);
      return write.send(await app.customers.removeTaxId(scopeOf(request), id, taxId, write.context, preconditionOf(request)));
    },
  });
}
