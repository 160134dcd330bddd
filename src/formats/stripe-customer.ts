import { Type, type Static } from 'typebox';
import type { Address, Customer } from '../domain/customers/model.ts';
import type { ErasedCustomer } from '../domain/customers/erasure.ts';
import { contactIdToWire, customerIdToWire } from './ids.ts';
import { Nullable } from './nullable.ts';
import { TaxIdListObject, taxIdListToStripe } from './stripe-tax-id.ts';

/**
 * A customer in Stripe's shape: what the native API answers, what `clientele export` writes and
 * `clientele import` reads. The TypeBox schema documents it in /openapi.json and types the
 * renderer: a field rendered but not in the schema fails to compile.
 */

const AddressObject = Type.Object({
  city: Nullable(Type.String()),
  country: Nullable(Type.String()),
  line1: Nullable(Type.String()),
  line2: Nullable(Type.String()),
  postal_code: Nullable(Type.String()),
  state: Nullable(Type.String()),
});

export const TaxExempt = Type.Union([Type.Literal('none'), Type.Literal('exempt'), Type.Literal('reverse')]);

export const CustomerObject = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('customer'),
    address: Nullable(AddressObject),
    balance: Type.Integer(),
    business_name: Type.Optional(Type.String()),
    created: Type.Integer(),
    currency: Nullable(Type.String()),
    default_source: Nullable(Type.String()),
    delinquent: Type.Boolean(),
    description: Nullable(Type.String()),
    discount: Type.Null(),
    email: Nullable(Type.String()),
    individual_name: Type.Optional(Type.String()),
    invoice_prefix: Type.String(),
    invoice_settings: Type.Object({
      custom_fields: Nullable(Type.Array(Type.Object({ name: Type.String(), value: Type.String() }))),
      default_payment_method: Nullable(Type.String()),
      footer: Nullable(Type.String()),
      rendering_options: Nullable(Type.Object({ amount_tax_display: Nullable(Type.String()), template: Nullable(Type.String()) })),
    }),
    livemode: Type.Boolean(),
    metadata: Type.Record(Type.String(), Type.String()),
    name: Nullable(Type.String()),
    next_invoice_sequence: Type.Integer(),
    phone: Nullable(Type.String()),
    preferred_locales: Type.Array(Type.String()),
    shipping: Nullable(Type.Object({ address: Nullable(AddressObject), name: Nullable(Type.String()), phone: Nullable(Type.String()) })),
    tax_exempt: TaxExempt,
    test_clock: Nullable(Type.String()),
    billing_email: Nullable(Type.String()),
    company_name: Nullable(Type.String()),
    contacts: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Nullable(Type.String()),
        first_name: Nullable(Type.String()),
        last_name: Nullable(Type.String()),
        email: Nullable(Type.String()),
        phone: Nullable(Type.String()),
        is_primary: Type.Boolean(),
      }),
    ),
    default_payment_method: Nullable(Type.String()),
    external_id: Nullable(Type.String()),
    seller_id: Nullable(Type.String()),
    status: Type.Union([Type.Literal('active'), Type.Literal('inactive')]),
    stripe_customer_id: Nullable(Type.String()),
    tax_ids: Type.Optional(TaxIdListObject),
    updated: Type.Integer({ description: 'Unix seconds of the last change.' }),
    website: Nullable(Type.String()),
  },
  { $id: 'Customer' },
);

export const DeletedCustomerObject = Type.Object(
  { id: Type.String(), object: Type.Literal('customer'), deleted: Type.Literal(true) },
  { $id: 'DeletedCustomer' },
);

/** Clientele's extension of the deleted stub: what an erasure leaves (and answers, again, when repeated). */
export const ErasedCustomerObject = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('customer'),
    deleted: Type.Literal(true),
    erased: Type.Literal(true),
    erased_at: Type.Integer({ description: 'Unix seconds of the (first) erasure.' }),
    erased_by: Type.String({ description: 'Who erased it: the key id (`key_…`) or client id of the request, or `cli`.' }),
  },
  { $id: 'ErasedCustomer' },
);

export function erasedCustomerToStripe(erased: ErasedCustomer): Static<typeof ErasedCustomerObject> {
  return {
    ...deletedCustomerToStripe(erased.customer),
    erased: true as const,
    erased_at: Math.floor(erased.erasedAt / 1000),
    erased_by: erased.erasedBy,
  };
}

function addressToStripe(a: Address | null): Static<typeof AddressObject> | null {
  return (
    a && { city: a.city, country: a.country, line1: a.line1, line2: a.line2, postal_code: a.postal_code, state: a.state }
  );
}

/** What Stripe prints for a deleted customer. */
export function deletedCustomerToStripe(customer: Customer): Static<typeof DeletedCustomerObject> {
  return { id: customerIdToWire(customer.id), object: 'customer' as const, deleted: true as const };
}

/** A customer as retrieve prints it: the full object, or the stub once deleted. */
export function anyCustomerToStripe(customer: Customer, expand: CustomerExpansions = {}): Static<typeof CustomerObject> | Static<typeof DeletedCustomerObject> {
  return customer.deleted ? deletedCustomerToStripe(customer) : customerToStripe(customer, expand);
}

/** What a request asked to be expanded on the customer (the rest are ids or null: see the native surface's expand.ts). */
export interface CustomerExpansions {
  taxIds?: boolean;
}

/**
 * The customer as Stripe prints it, field for field, followed by Clientele's extension fields.
 * `tax_ids` is there only when expanded, as in Stripe.
 */
export function customerToStripe(customer: Customer, expand: CustomerExpansions = {}): Static<typeof CustomerObject> {
  return {
    id: customerIdToWire(customer.id),
    object: 'customer' as const,
    address: addressToStripe(customer.address),
    balance: customer.balance,
    ...(customer.company_name !== null ? { business_name: customer.company_name } : {}),
    created: customer.created,
    currency: customer.currency,
    default_source: customer.default_source,
    delinquent: customer.delinquent,
    description: customer.description,
    discount: null,
    email: customer.email,
    ...(customer.individual_name !== null ? { individual_name: customer.individual_name } : {}),
    invoice_prefix: customer.invoice_prefix,
    invoice_settings: {
      custom_fields: customer.invoice_settings.custom_fields,
      default_payment_method: customer.invoice_settings.default_payment_method,
      footer: customer.invoice_settings.footer,
      rendering_options: customer.invoice_settings.rendering_options,
    },
    livemode: customer.mode === 'live',
    metadata: customer.metadata,
    name: customer.name,
    next_invoice_sequence: customer.next_invoice_sequence,
    phone: customer.phone,
    preferred_locales: customer.preferred_locales,
    shipping: customer.shipping && { address: addressToStripe(customer.shipping.address), name: customer.shipping.name, phone: customer.shipping.phone },
    tax_exempt: customer.tax_exempt,
    test_clock: customer.test_clock,
    billing_email: customer.billing_email,
    company_name: customer.company_name,
    contacts: customer.contacts.map((k) => ({
      id: contactIdToWire(k.id),
      name: k.name,
      first_name: k.first_name,
      last_name: k.last_name,
      email: k.email,
      phone: k.phone,
      is_primary: k.is_primary,
    })),
    default_payment_method: customer.invoice_settings.default_payment_method,
    external_id: customer.external_id,
    seller_id: customer.seller_id,
    status: customer.status,
    stripe_customer_id: customer.stripe_customer_id,
    ...(expand.taxIds ? { tax_ids: taxIdListToStripe(customer) } : {}),
    updated: Math.floor(customer.updated / 1000),
    website: customer.website,
  };
}
