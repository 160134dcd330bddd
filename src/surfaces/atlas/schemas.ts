import { Type, type Static } from 'typebox';
import { LIMITS } from '../../domain/customers/limits.ts';
import { Nullable } from '../../formats/nullable.ts';

/**
 * Atlas's wire format (https://api.atlas.co/functions/v1): JSON only, snake_case. One source for
 * validation (strict JSON types: the shared strictValidatorCompiler, see plugin.ts), for the types
 * the routes see, for the types the renderers return, and for the OpenAPI document. Length bounds
 * are the domain's storage bounds, repeated here so that the document shows them; the domain
 * checks them again.
 */

/** A text field: a string, or `null` (or `""`) to clear it. */
const text = (maxLength: number, description?: string) =>
  Nullable(Type.String({ maxLength, ...(description ? { description } : {}) }));

const AddressInput = Type.Object(
  {
    line1: Type.Optional(text(LIMITS.text)),
    line2: Type.Optional(text(LIMITS.text)),
    city: Type.Optional(text(LIMITS.text)),
    state: Type.Optional(text(LIMITS.text)),
    postal_code: Type.Optional(text(LIMITS.text)),
    country: Type.Optional(text(LIMITS.text, 'Two-letter ISO 3166-1 alpha-2 country code (any case; stored upper-case).')),
  },
  { additionalProperties: false },
);

const addressParam = (description: string) =>
  Type.Optional(Nullable(Type.Object(AddressInput.properties, { additionalProperties: false, description })));

/** `email` may not be blank: Atlas requires it, so it is never cleared either. */
const Email = Type.String({ minLength: 1, maxLength: LIMITS.email, pattern: '\\S', description: 'E-mail address; unique per account (case-insensitive).' });

const MetadataInput = Nullable(
  Type.Record(Type.String(), Nullable(Type.String({ maxLength: LIMITS.metadataValueLength })), {
    maxProperties: LIMITS.metadataKeys,
    description:
      'String values only. On update, keys are merged into the existing metadata; a key whose value is null (or "") is removed; `metadata: null` removes every key.',
  }),
);

/** `[{type, value}]` as the create page documents; the list given replaces the customer's. */
const TaxIdsInput = Nullable(
  Type.Array(
    Type.Object(
      {
        type: Type.String({ minLength: 1, maxLength: LIMITS.taxIdType, description: "A tax id type, Stripe's names: eu_vat, gb_vat, us_ein, …" }),
        value: Type.String({ minLength: 1, maxLength: LIMITS.taxIdValue }),
      },
      { additionalProperties: false },
    ),
    { maxItems: LIMITS.taxIds, description: 'Replaces the whole list (entries named again keep their ids); null or [] removes every tax id.' },
  ),
);

const commonFields = {
  name: Type.Optional(text(LIMITS.name)),
  phone: Type.Optional(text(LIMITS.phone)),
  description: Type.Optional(text(LIMITS.description)),
  billing_address: addressParam('Replaced whole; null clears it.'),
  address: addressParam("The customers guide's name for billing_address (https://docs.atlaspay.cc/billing/customers); send one of the two."),
  shipping_address: addressParam('Replaced whole; null clears it.'),
  default_payment_method: Type.Optional(text(LIMITS.text, 'A payment method id kept on the record; null clears it.')),
  tax_exempt: Type.Optional(Nullable(Type.Boolean({ description: 'null resets it to false.' }))),
  metadata: Type.Optional(MetadataInput),
  tax_ids: Type.Optional(TaxIdsInput),
};

export const CreateCustomerBody = Type.Object({ email: Email, ...commonFields }, { additionalProperties: false });
export type CreateCustomerBody = Static<typeof CreateCustomerBody>;

export const UpdateCustomerBody = Type.Object({ email: Type.Optional(Email), ...commonFields }, { additionalProperties: false });
export type UpdateCustomerBody = Static<typeof UpdateCustomerBody>;

/** Delete takes no fields; any given are refused by name. */
export const DeleteCustomerBody = Type.Object({}, { additionalProperties: false });

export const CustomerIdParams = Type.Object({ customer_id: Type.String({ description: 'The customer id, `cus_…`.' }) });

export const LIST_LIMIT = { min: 1, max: 100, default: 10 } as const;
/** Any exact integer: beyond the last customer a page is simply empty. */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

export const ListCustomersQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: LIST_LIMIT.min, maximum: LIST_LIMIT.max, default: LIST_LIMIT.default })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 })),
    email: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.email, description: 'Exact e-mail, compared case-insensitively.' })),
  },
  { additionalProperties: false },
);
export type ListCustomersQuery = Static<typeof ListCustomersQuery>;

/** Atlas documents JSON bodies only. */
export const JSON_ONLY = ['application/json'];

// ---- responses: the app serializes with JSON.stringify; the renderers (wire.ts, errors.ts) return these types ----

export const AddressObject = Type.Object({
  line1: Nullable(Type.String()),
  line2: Nullable(Type.String()),
  city: Nullable(Type.String()),
  state: Nullable(Type.String()),
  postal_code: Nullable(Type.String()),
  country: Nullable(Type.String()),
});

export const CustomerObject = Type.Object({
  id: Type.String(),
  object: Type.Literal('customer'),
  email: Nullable(Type.String()),
  name: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  description: Nullable(Type.String()),
  billing_address: Nullable(AddressObject),
  shipping_address: Nullable(AddressObject),
  default_payment_method: Nullable(Type.String()),
  tax_exempt: Type.Boolean(),
  tax_ids: Type.Array(Type.Object({ type: Type.String(), value: Type.String() })),
  metadata: Type.Record(Type.String(), Type.String()),
  created: Type.Integer({ description: 'Unix seconds.' }),
});

export const DeletedCustomerObject = Type.Object({ id: Type.String(), object: Type.Literal('customer'), deleted: Type.Literal(true) });

export const CustomerList = Type.Object({
  object: Type.Literal('list'),
  data: Type.Array(CustomerObject),
  has_more: Type.Boolean(),
  total_count: Type.Integer({ description: 'Every customer the filter matches, ignoring limit and offset.' }),
});

/** The error types of Atlas's errors page (https://docs.atlaspay.cc/developer/errors), every one. */
export const ATLAS_ERROR_TYPES = [
  'api_error',
  'authentication_error',
  'card_error',
  'idempotency_error',
  'invalid_request_error',
  'rate_limit_error',
  'validation_error',
] as const;

/** The error codes of that page: its card codes (which no customer endpoint raises) and its validation codes. */
export const ATLAS_ERROR_CODES = [
  'card_declined',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
  'processing_error',
  'lost_card',
  'stolen_card',
  'invalid_amount',
  'invalid_currency',
  'missing_required_param',
  'invalid_expiry',
] as const;

export const AtlasError = Type.Object({
  error: Type.Object({
    type: Type.Enum(ATLAS_ERROR_TYPES),
    code: Nullable(Type.Enum(ATLAS_ERROR_CODES, { description: "One of the page's codes; null where none of them applies." })),
    message: Type.String(),
    decline_code: Nullable(Type.String({ description: 'Card errors only; always null here.' })),
    param: Nullable(Type.String({ description: 'The field at fault, dotted (billing_address.line1); null when no field is.' })),
    request_id: Nullable(Type.String({ description: 'The Request-Id header of the answer, `req_…`.' })),
    doc_url: Nullable(Type.String({ description: 'Where the error type and code are documented.' })),
  }),
});

export const ERROR_RESPONSES = { '4xx': AtlasError, '5xx': AtlasError } as const;
export const TAGS = ['Atlas'];
