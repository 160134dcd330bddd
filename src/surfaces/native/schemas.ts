import { Type, type Static, type TSchema } from 'typebox';
import { LIMITS } from '../../domain/customers/limits.ts';
import { CustomerObject, TaxExempt } from '../../formats/stripe-customer.ts';
import { TAX_ID_TYPES } from '../../domain/customers/tax-id-types.ts';
import { Nullable } from '../../formats/nullable.ts';

/**
 * The native (Stripe-compatible) wire format. One source for validation, for the types the
 * routes see, and for the OpenAPI document. Form bodies arrive as strings and are coerced.
 */

/** Stripe's own limits, where narrower than the model's storage bounds. */
const STRIPE_LIMITS = { phone: 20, businessName: 150 } as const;

/** `""` (form) or `null` (JSON): the caller wants the field cleared. */
const Empty = Type.Union([Type.Literal(''), Type.Null()]);
// Empty first: with form coercion, "" must not be read as [""] by an array branch.
const emptyable = <T extends TSchema>(schema: T) => Type.Union([Empty, schema]);
const text = (maxLength: number, description?: string) =>
  emptyable(Type.String({ maxLength, ...(description ? { description } : {}) }));

const AddressParam = Type.Object(
  {
    city: Type.Optional(text(LIMITS.text)),
    country: Type.Optional(text(LIMITS.text, 'Two-letter ISO 3166-1 alpha-2 country code.')),
    line1: Type.Optional(text(LIMITS.text)),
    line2: Type.Optional(text(LIMITS.text)),
    postal_code: Type.Optional(text(LIMITS.text)),
    state: Type.Optional(text(LIMITS.text)),
  },
  { additionalProperties: false },
);

const ShippingParam = Type.Object(
  {
    address: AddressParam,
    name: Type.String({ minLength: 1, maxLength: LIMITS.text }),
    phone: Type.Optional(text(LIMITS.text)),
  },
  { additionalProperties: false },
);

export const MetadataParam = emptyable(
  Type.Record(Type.String(), Type.Union([Type.String({ maxLength: LIMITS.metadataValueLength }), Type.Null()]), {
    maxProperties: LIMITS.metadataKeys,
    description: 'Up to 50 keys of at most 40 characters, values of at most 500. An empty value removes the key.',
  }),
);

const InvoiceSettingsParam = Type.Object(
  {
    custom_fields: Type.Optional(
      emptyable(
        Type.Array(
          Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: LIMITS.customFieldName }),
              value: Type.String({ minLength: 1, maxLength: LIMITS.customFieldValue }),
            },
            { additionalProperties: false },
          ),
          { maxItems: LIMITS.customFields },
        ),
      ),
    ),
    default_payment_method: Type.Optional(text(LIMITS.text)),
    footer: Type.Optional(text(LIMITS.text)),
    rendering_options: Type.Optional(
      emptyable(
        Type.Object(
          {
            amount_tax_display: Type.Optional(emptyable(Type.Union([Type.Literal('exclude_tax'), Type.Literal('include_inclusive_tax')]))),
            template: Type.Optional(text(LIMITS.text)),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

export const TaxIdParam = Type.Object(
  {
    type: Type.Union(TAX_ID_TYPES.map((type) => Type.Literal(type)), { description: "One of Stripe's tax id types." }),
    value: Type.String({ minLength: 1, maxLength: LIMITS.taxIdValue }),
  },
  { additionalProperties: false },
);

const ContactParam = Type.Object(
  {
    id: Type.Optional(Type.String({ description: 'Keep an existing contact (its id); omit for a new one.' })),
    name: Type.Optional(text(LIMITS.name)),
    first_name: Type.Optional(text(LIMITS.name)),
    last_name: Type.Optional(text(LIMITS.name)),
    email: Type.Optional(text(LIMITS.email)),
    phone: Type.Optional(text(LIMITS.phone)),
    is_primary: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const Expand = Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20, description: 'Fields to expand.' });

/** Parameters create and update share. */
const commonParams = {
  address: Type.Optional(emptyable(AddressParam)),
  balance: Type.Optional(Type.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER })),
  business_name: Type.Optional(text(STRIPE_LIMITS.businessName)),
  description: Type.Optional(text(LIMITS.description)),
  email: Type.Optional(text(LIMITS.email)),
  expand: Type.Optional(Expand),
  individual_name: Type.Optional(text(LIMITS.individualName)),
  invoice_prefix: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{1,12}$' })),
  invoice_settings: Type.Optional(InvoiceSettingsParam),
  metadata: Type.Optional(MetadataParam),
  name: Type.Optional(text(LIMITS.name)),
  next_invoice_sequence: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
  phone: Type.Optional(text(STRIPE_LIMITS.phone)),
  preferred_locales: Type.Optional(emptyable(Type.Array(Type.String({ maxLength: 35 }), { maxItems: LIMITS.preferredLocales }))),
  shipping: Type.Optional(emptyable(ShippingParam)),
  tax_exempt: Type.Optional(emptyable(TaxExempt)),
  validate: Type.Optional(Type.Boolean({ description: 'Accepted for compatibility; Clientele stores no payment sources.' })),
  // Clientele's extension fields.
  billing_email: Type.Optional(text(LIMITS.email)),
  company_name: Type.Optional(text(LIMITS.businessName)),
  contacts: Type.Optional(emptyable(Type.Array(ContactParam, { maxItems: LIMITS.contacts }))),
  default_payment_method: Type.Optional(text(LIMITS.text, 'Alias of invoice_settings[default_payment_method].')),
  external_id: Type.Optional(text(LIMITS.externalId)),
  seller_id: Type.Optional(text(LIMITS.text)),
  status: Type.Optional(emptyable(Type.Union([Type.Literal('active'), Type.Literal('inactive')]))),
  stripe_customer_id: Type.Optional(text(LIMITS.text)),
  tax_ids: Type.Optional(emptyable(Type.Array(TaxIdParam, { maxItems: LIMITS.taxIds }))),
  website: Type.Optional(text(LIMITS.website)),
};

export const CreateCustomerBody = Type.Object(
  {
    ...commonParams,
    tax_id_data: Type.Optional(Type.Array(TaxIdParam, { maxItems: LIMITS.taxIds })),
  },
  { additionalProperties: false },
);
export type CreateCustomerBody = Static<typeof CreateCustomerBody>;

export const UpdateCustomerBody = Type.Object(
  {
    ...commonParams,
    default_source: Type.Optional(text(LIMITS.text)),
  },
  { additionalProperties: false },
);
export type UpdateCustomerBody = Static<typeof UpdateCustomerBody>;

/** A write that takes no parameters (Stripe's deletes, an erasure): any given are refused by name. */
export const NoParametersBody = Type.Optional(Type.Object({}, { additionalProperties: false }));

export const CustomerIdParams = Type.Object({ id: Type.String({ description: 'The customer id, `cus_…`.' }) });

export const ExpandQuery = Type.Object({ expand: Type.Optional(Expand) }, { additionalProperties: false });

export const Timestamp = Type.Integer({ minimum: 0, maximum: 253402300799 });
export const CreatedFilter = Type.Union([
  Timestamp,
  Type.Object(
    {
      gt: Type.Optional(Timestamp),
      gte: Type.Optional(Timestamp),
      lt: Type.Optional(Timestamp),
      lte: Type.Optional(Timestamp),
    },
    { additionalProperties: false },
  ),
]);

export const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 10 });

/** A page of any list: Stripe's cursor parameters. */
export const ListPageQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    starting_after: Type.Optional(Type.String({ maxLength: 100 })),
    ending_before: Type.Optional(Type.String({ maxLength: 100 })),
    expand: Type.Optional(Expand),
  },
  { additionalProperties: false },
);
export type ListPageQuery = Static<typeof ListPageQuery>;

export const ListCustomersQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    starting_after: Type.Optional(Type.String({ maxLength: 100 })),
    ending_before: Type.Optional(Type.String({ maxLength: 100 })),
    email: Type.Optional(Type.String({ maxLength: LIMITS.email })),
    created: Type.Optional(CreatedFilter),
    expand: Type.Optional(Expand),
  },
  { additionalProperties: false },
);
export type ListCustomersQuery = Static<typeof ListCustomersQuery>;

export const SearchCustomersQuery = Type.Object(
  {
    query: Type.String({ minLength: 1, maxLength: 10000, description: "Stripe's search query language." }),
    limit: Type.Optional(Limit),
    page: Type.Optional(Type.String({ maxLength: 1000 })),
    expand: Type.Optional(Expand),
  },
  { additionalProperties: false },
);
export type SearchCustomersQuery = Static<typeof SearchCustomersQuery>;

/** Write routes take Stripe's form encoding (what the SDKs send) and JSON. */
export const FORM_AND_JSON = ['application/x-www-form-urlencoded', 'application/json'];

// ---- responses (documentation) ----

/** Stripe's list object around `item`s. */
export const StripeList = <T extends TSchema>(item: T) =>
  Type.Object({
    object: Type.Literal('list'),
    data: Type.Array(item),
    has_more: Type.Boolean(),
    url: Type.String(),
  });

export const CustomerList = StripeList(CustomerObject);
export type CustomerList = Static<typeof CustomerList>;

export const CustomerSearchResult = Type.Object({
  object: Type.Literal('search_result'),
  data: Type.Array(CustomerObject),
  has_more: Type.Boolean(),
  next_page: Nullable(Type.String()),
  url: Type.String(),
  total_count: Type.Optional(Type.Integer()),
});
export type CustomerSearchResult = Static<typeof CustomerSearchResult>;

export const StripeError = Type.Object(
  {
    error: Type.Object({
      type: Type.String(),
      code: Type.Optional(Type.String()),
      message: Type.String(),
      param: Type.Optional(Type.String()),
      doc_url: Type.Optional(Type.String()),
    }),
  },
  { $id: 'StripeError' },
);

/** Every route answers every error in Stripe's envelope. */
export const ERROR_RESPONSES = { '4xx': StripeError, '5xx': StripeError };

export const HistoryQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    starting_after: Type.Optional(Type.String({ maxLength: 100, description: 'An entry id: the page after it (older entries).' })),
    ending_before: Type.Optional(Type.String({ maxLength: 100, description: 'An entry id: the page before it (newer entries).' })),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuery>;

export const HistoryEntryObject = Type.Object(
  {
    id: Type.String({ description: '`hist_…`: unique, and names the customer and the version.' }),
    object: Type.Literal('customer_history_entry'),
    customer: Type.String(),
    version: Type.Integer({ description: "The customer's version after this write; the ETag of that version is `\"v<version>\"`." }),
    created: Type.Integer({ description: 'Unix seconds.' }),
    created_ms: Type.Integer({ description: 'Unix milliseconds.' }),
    action: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('deleted'), Type.Literal('erased')], {
      description: '`erased`: the erasure; every earlier entry of the customer then keeps who, when and what action, with no changes.',
    }),
    actor: Type.Object({
      type: Type.Union([Type.Literal('api_key'), Type.Literal('client'), Type.Literal('partner'), Type.Literal('system')]),
      id: Nullable(Type.String({ description: 'The key id (`key_…`) or client id (`cli_…`); never a secret.' })),
    }),
    surface: Type.String({ description: 'The API the write came through: native, asset, checkoutpage, atlas, count, or system.' }),
    request_id: Nullable(Type.String()),
    changes: Type.Array(
      Type.Object({
        field: Type.String({ description: 'In bracket notation: `email`, `address`, `metadata[plan]`.' }),
        before: Type.Unknown(),
        after: Type.Unknown(),
      }),
    ),
    livemode: Type.Boolean(),
  },
  { $id: 'CustomerHistoryEntry' },
);
export type HistoryEntryObject = Static<typeof HistoryEntryObject>;

export const HistoryList = StripeList(HistoryEntryObject);
export type HistoryList = Static<typeof HistoryList>;
