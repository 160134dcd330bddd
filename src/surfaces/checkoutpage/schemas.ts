import { Type, type Static } from 'typebox';
import { LIMITS } from '../../domain/customers/limits.ts';
import { Nullable } from '../../formats/nullable.ts';

/**
 * CheckoutPage's wire format (https://api.checkoutpage.com/v1, customers): one source for the
 * validation its routes run (strictly: see ./plugin.ts), for the types the handlers and the
 * renderers (./wire.ts, ./errors.ts) are held to, and for the OpenAPI document. Field names are
 * camelCase, as CheckoutPage prints them.
 *
 * CheckoutPage's pages show no length limits; these are Clientele's, all within the domain's
 * storage bounds (src/domain/limits.ts), so the domain never refuses a length this accepts.
 */
export const CHECKOUTPAGE_LIMITS = {
  /** Every free-text field not listed below: name, companyName, email, billingEmail, address and shipping lines. */
  text: 255,
  /** phone and shipping.phone: the domain's bound. */
  phone: LIMITS.phone,
  taxId: LIMITS.taxIdValue,
  taxIdType: LIMITS.taxIdType,
  search: 255,
} as const;

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** The fields a PATCH may change: CheckoutPage's "editable details". */
export const EDITABLE_FIELDS = ['name', 'companyName', 'email', 'phone', 'billingEmail', 'address', 'shipping', 'taxId', 'taxIdType'] as const;
/** Printed, never changed through this surface; a PATCH naming one is refused by name. */
export const READ_ONLY_FIELDS = ['id', 'sellerId', 'stripeCustomerId', 'createdAt', 'updatedAt'] as const;

/**
 * No text may hold U+0000: PostgreSQL cannot store it in a text column (nor compare with it), so
 * it is refused here on both stores alike rather than failing in the database.
 */
export const NO_NUL = '^[^\\u0000]*$';
/** A text field of a PATCH body: a string sets it, `null` (or `""`) clears it. */
const text = (maxLength: number, description?: string) =>
  Nullable(Type.String({ maxLength, pattern: NO_NUL, ...(description ? { description } : {}) }));

// ---- requests ----

const AddressParam = Type.Object(
  {
    line1: Type.Optional(text(CHECKOUTPAGE_LIMITS.text)),
    line2: Type.Optional(text(CHECKOUTPAGE_LIMITS.text)),
    city: Type.Optional(text(CHECKOUTPAGE_LIMITS.text)),
    state: Type.Optional(text(CHECKOUTPAGE_LIMITS.text)),
    postalCode: Type.Optional(text(CHECKOUTPAGE_LIMITS.text)),
    country: Type.Optional(text(CHECKOUTPAGE_LIMITS.text, 'Two-letter ISO 3166-1 alpha-2 country code (any case; stored upper-case).')),
  },
  { additionalProperties: false, description: 'Replaced in full: sub-fields not sent are cleared.' },
);

const ShippingParam = Type.Object(
  {
    name: Type.Optional(text(CHECKOUTPAGE_LIMITS.text)),
    phone: Type.Optional(text(CHECKOUTPAGE_LIMITS.phone)),
    address: Type.Optional(Nullable(AddressParam)),
  },
  { additionalProperties: false, description: 'Replaced in full: sub-fields not sent are cleared.' },
);

export const UpdateCustomerBody = Type.Object(
  {
    name: Type.Optional(text(CHECKOUTPAGE_LIMITS.text)),
    companyName: Type.Optional(text(CHECKOUTPAGE_LIMITS.text)),
    email: Type.Optional(text(CHECKOUTPAGE_LIMITS.text, 'Unique per account, case-insensitively.')),
    phone: Type.Optional(text(CHECKOUTPAGE_LIMITS.phone)),
    billingEmail: Type.Optional(text(CHECKOUTPAGE_LIMITS.text)),
    address: Type.Optional(Nullable(AddressParam)),
    shipping: Type.Optional(Nullable(ShippingParam)),
    taxId: Type.Optional(
      text(CHECKOUTPAGE_LIMITS.taxId, 'Alone, keeps the current taxIdType (a customer without a tax id needs both). null removes the tax id.'),
    ),
    taxIdType: Type.Optional(
      text(CHECKOUTPAGE_LIMITS.taxIdType, 'Alone, keeps the current taxId (a customer without a tax id needs both). null removes the tax id.'),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description:
      'Only the fields given change; null (or "") clears a field; address and shipping are replaced in full. ' +
      'An empty body is refused, and so are the read-only fields (id, sellerId, stripeCustomerId, createdAt, updatedAt).',
  },
);
export type UpdateCustomerBody = Static<typeof UpdateCustomerBody>;
export type AddressParam = Static<typeof AddressParam>;
export type ShippingParam = Static<typeof ShippingParam>;

export const CustomerParams = Type.Object({
  customerId: Type.String({ description: 'The customer id: 24 hexadecimal characters (`^[0-9a-fA-F]{24}$`; either case names the same customer, printed in lower case).' }),
});

const CursorParam = (description: string) =>
  Type.String({ description: `${description} (a customer id). Empty: not given.`, maxLength: 100 });

export const ListCustomersQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })),
    starting_after: Type.Optional(CursorParam('The customers after (older than) this one')),
    ending_before: Type.Optional(CursorParam('The customers before (newer than) this one')),
    search: Type.Optional(
      Type.String({
        maxLength: CHECKOUTPAGE_LIMITS.search,
        pattern: NO_NUL,
        description: 'Case-insensitive substring of the name or the e-mail. Empty: no filter.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ListCustomersQuery = Static<typeof ListCustomersQuery>;

// ---- responses: the app writes them with JSON.stringify; every renderer returns their Static type ----

const AddressObject = Type.Object({
  line1: Nullable(Type.String()),
  line2: Nullable(Type.String()),
  city: Nullable(Type.String()),
  state: Nullable(Type.String()),
  postalCode: Nullable(Type.String()),
  country: Nullable(Type.String()),
});

const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, UTC, whole seconds: 2019-08-24T14:15:22Z.' });

export const CustomerObject = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String()),
  companyName: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  billingEmail: Nullable(Type.String()),
  address: Nullable(AddressObject),
  shipping: Nullable(Type.Object({ name: Nullable(Type.String()), phone: Nullable(Type.String()), address: Nullable(AddressObject) })),
  taxId: Nullable(Type.String()),
  taxIdType: Nullable(Type.String()),
  sellerId: Nullable(Type.String()),
  stripeCustomerId: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type CustomerObject = Static<typeof CustomerObject>;

export const CustomerResponse = Type.Object({ data: CustomerObject });
export type CustomerResponse = Static<typeof CustomerResponse>;

export const CustomerListResponse = Type.Object({
  data: Type.Array(CustomerObject),
  total: Type.Integer({ description: 'Every customer the search matches, across all pages.' }),
  has_more: Type.Boolean(),
});
export type CustomerListResponse = Static<typeof CustomerListResponse>;

export const ErrorBody = Type.Object({
  status: Type.Literal('error'),
  type: Type.Literal('error'),
  message: Type.String({ description: "The status's reason phrase: Bad Request, Not Found, Conflict, …" }),
  errors: Type.Array(
    Type.Object({
      param: Type.String({ description: 'The field (address.postalCode), query parameter, path parameter (customerId) or body at fault.' }),
      message: Type.String(),
      value: Type.Unknown({ description: 'The offending value as sent; null when none was.' }),
    }),
  ),
});
export type ErrorBody = Static<typeof ErrorBody>;
export type ErrorItem = ErrorBody['errors'][number];

export const UnauthorizedBody = Type.Object({
  error: Type.Literal('Unauthorized'),
  message: Type.Literal('Missing or invalid API key'),
});
export type UnauthorizedBody = Static<typeof UnauthorizedBody>;

/** The error responses every route documents: 401 alone has its own body, every other status the error body. */
export const ERROR_RESPONSES = { 401: UnauthorizedBody, '4xx': ErrorBody, '5xx': ErrorBody } as const;
