import { Type, type Static } from 'typebox';
import type { Customer, TaxId } from '../domain/customers/model.ts';
import { taxIdFacts } from '../domain/customers/tax-ids.ts';
import { customerIdToWire, taxIdIdToWire } from './ids.ts';
import { Nullable } from './nullable.ts';

/** Stripe's `tax_id` object, owned by a customer. Clientele never checks a registry: verification is `unavailable`, or `unverified` when the checksum fails. */
export const TaxIdObject = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('tax_id'),
    country: Nullable(Type.String()),
    created: Type.Integer(),
    customer: Nullable(Type.String()),
    customer_account: Type.Null(),
    livemode: Type.Boolean(),
    owner: Nullable(Type.Object({ customer: Type.String(), customer_account: Type.Null(), type: Type.Literal('customer') })),
    type: Type.String(),
    value: Type.String(),
    verification: Nullable(
      Type.Object({
        status: Type.Union([Type.Literal('pending'), Type.Literal('verified'), Type.Literal('unverified'), Type.Literal('unavailable')]),
        verified_address: Type.Null(),
        verified_name: Type.Null(),
      }),
    ),
  },
  { $id: 'TaxId' },
);

export const DeletedTaxIdObject = Type.Object(
  { id: Type.String(), object: Type.Literal('tax_id'), deleted: Type.Literal(true) },
  { $id: 'DeletedTaxId' },
);

/** `customer.tax_ids` when expanded, and the answer of GET /v1/customers/:id/tax_ids. */
export const TaxIdListObject = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(TaxIdObject),
  has_more: Type.Boolean(),
  total_count: Type.Optional(Type.Integer()),
  url: Type.String(),
});

export function taxIdToStripe(taxId: TaxId, customer: Pick<Customer, 'id' | 'mode'>): Static<typeof TaxIdObject> {
  const owner = customerIdToWire(customer.id);
  const facts = taxIdFacts(taxId);
  return {
    id: taxIdIdToWire(taxId.id),
    object: 'tax_id',
    country: facts.country,
    created: taxId.created,
    customer: owner,
    customer_account: null,
    livemode: customer.mode === 'live',
    owner: { customer: owner, customer_account: null, type: 'customer' },
    type: taxId.type,
    value: taxId.value,
    verification: { status: facts.verification, verified_address: null, verified_name: null },
  };
}

/** What deleting the tax id `id` (canonical) answers. */
export function deletedTaxIdToStripe(id: string): Static<typeof DeletedTaxIdObject> {
  return { id: taxIdIdToWire(id), object: 'tax_id', deleted: true };
}

/** Every tax id of the customer as one list page (a customer holds at most 25). */
export function taxIdListToStripe(customer: Customer, data: readonly TaxId[] = customer.tax_ids, hasMore = false): Static<typeof TaxIdListObject> {
  return {
    object: 'list',
    data: data.map((taxId) => taxIdToStripe(taxId, customer)),
    has_more: hasMore,
    total_count: customer.tax_ids.length,
    url: `/v1/customers/${customerIdToWire(customer.id)}/tax_ids`,
  };
}
