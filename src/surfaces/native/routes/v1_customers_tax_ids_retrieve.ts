import type { App } from '../../../http/types.ts';
import { ERROR_RESPONSES, ExpandQuery } from '../schemas.ts';
import { CustomerTaxIdParams } from '../tax-id-schemas.ts';
import { refuseExpand } from '../expand.ts';
import { scopeOf } from '../../shared/request-scope.ts';
import { customerIdIn, taxIdIn } from '../wire.ts';
import { TaxIdObject, taxIdToStripe } from '../../../formats/stripe-tax-id.ts';
import { NotFoundError } from '../../../domain/errors.ts';

export function v1CustomersTaxIdsRetrieve(app: App): void {
  app.get('/customers/:id/tax_ids/:tax_id', {
    schema: {
      tags: ['Customer tax ids'],
      summary: "Retrieve one of a customer's tax ids",
      params: CustomerTaxIdParams,
      querystring: ExpandQuery,
      response: { 200: TaxIdObject, ...ERROR_RESPONSES },
    },
    handler: async (request) => {
      refuseExpand(request.query.expand);
      const taxIdId = taxIdIn(request.params.tax_id);
      const customer = await app.customers.getLive(scopeOf(request), customerIdIn(request.params.id));
      const taxId = customer.tax_ids.find((t) => t.id === taxIdId);
      if (!taxId) throw new NotFoundError('tax_id', taxIdId);
      return taxIdToStripe(taxId, customer);
    },
  });
}
