import { Type, type Static } from 'typebox';
import { Expand, TaxIdParam } from './schemas.ts';

/** A customer's tax ids, Stripe's sub-resource: POST/GET /v1/customers/:id/tax_ids, GET/DELETE …/tax_ids/:tax_id. */

export const CustomerTaxIdParams = Type.Object({
  id: Type.String({ description: 'The customer id, `cus_…`.' }),
  tax_id: Type.String({ maxLength: 100, description: 'The tax id, `txi_…`.' }),
});

export const CreateTaxIdBody = Type.Object(
  { ...TaxIdParam.properties, expand: Type.Optional(Expand) },
  { additionalProperties: false },
);
export type CreateTaxIdBody = Static<typeof CreateTaxIdBody>;
