import { Type, type Static } from 'typebox';
import { LIMITS } from '../../domain/customers/limits.ts';
import { Nullable } from '../../formats/nullable.ts';

/**
 * Asset's wire format (https://docs.getasset.com, API v0). One source for validation, for the
 * types the routes and renderers see, and for the OpenAPI document. Field order follows Asset's
 * pages.
 *
 * Nullable request fields are JSON Schema type lists (`["string", "null"]`), not unions: a bad
 * value gets one complaint, not one per branch, and /openapi.json shows each limit on the field.
 */

/** Asset's documented limits (the create and update pages). */
export const ASSET_LIMITS = {
  name: 255,
  externalId: 255,
  email: 255,
  phoneNumber: 32,
  /** Not on Asset's pages: address lines take what the store takes. */
  addressField: LIMITS.text,
  pageSize: 100,
} as const;

/** Asset's documented default page size (the list page: `default: 100`). */
export const DEFAULT_PAGE_SIZE = 100;

/** Seconds an access token lives unless `expires_in` says otherwise (Asset's documented default). */
export const DEFAULT_TOKEN_TTL = 3600;
/** Asset documents `expires_in > 0`; Clientele caps a token's life at one day. */
export const MAX_TOKEN_TTL = 86400;

const nullableText = (maxLength: number, description: string, minLength?: number) =>
  Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength, ...(minLength ? { minLength } : {}), description });

// ---- requests ----

/**
 * Fields and query parameters the pages do not name are ignored, not refused. The pages say
 * nothing of extras, but they are FastAPI's (the "Successful Response" and "Validation Error"
 * answers, the 422 `detail` items), and FastAPI's Pydantic models ignore unknown fields unless
 * told otherwise: a client that works against Asset sends such fields without harm, and must here.
 */
const IGNORE_EXTRAS = { additionalProperties: true } as const;

const addressLine = (description: string) => Type.Optional(nullableText(ASSET_LIMITS.addressField, description));

const AddressObjectParam = Type.Object(
  {
    street_1: addressLine('First line of the street address.'),
    city: addressLine('City.'),
    state: addressLine('State, province or region.'),
    postal_code: addressLine('Postal code.'),
    country: addressLine('Two-letter ISO 3166-1 alpha-2 country code (any case; stored upper-case).'),
    street_2: addressLine('Second line of the street address.'),
  },
  IGNORE_EXTRAS,
);
export type AddressParam = Static<typeof AddressObjectParam>;

/** An Address object, or `null` to remove the address. Replaced whole: absent fields become null. */
const addressParam = (description: string) => Type.Unsafe<AddressParam | null>({ ...AddressObjectParam, type: ['object', 'null'], description });

const externalId = (description: string) => Type.Optional(nullableText(ASSET_LIMITS.externalId, description));

/** The fields create and update take alike. */
const fieldsOfBoth = {
  email: Type.Optional(nullableText(ASSET_LIMITS.email, 'The email address of the customer. `null` removes it; unique within the business.')),
  billing_address: Type.Optional(addressParam('The billing address of the customer. Replaced whole; `null` removes it.')),
  shipping_address: Type.Optional(addressParam('The shipping address of the customer. Replaced whole; `null` removes it.')),
  phone_number: Type.Optional(nullableText(ASSET_LIMITS.phoneNumber, 'The phone number of the customer. `null` removes it.')),
};

export const CreateCustomerBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: ASSET_LIMITS.name, description: 'The name of the customer' }),
    external_id: externalId('The external ID of the customer. `null` removes it.'),
    ...fieldsOfBoth,
  },
  IGNORE_EXTRAS,
);
export type CreateCustomerBody = Static<typeof CreateCustomerBody>;

export const UpdateCustomerBody = Type.Object(
  {
    name: Type.Optional(nullableText(ASSET_LIMITS.name, 'The name of the customer. A name is required on create, so `null` leaves it unchanged.', 1)),
    ...fieldsOfBoth,
    external_id: externalId("Clientele extension: not on Asset's update page, accepted with create's rules. `null` removes it."),
  },
  IGNORE_EXTRAS,
);
export type UpdateCustomerBody = Static<typeof UpdateCustomerBody>;

const businessId = Type.String({ description: 'The id of the business, `biz_…`.' });

export const BusinessParams = Type.Object({ business_id: businessId });

export const CustomerParams = Type.Object({
  business_id: businessId,
  customer_id: Type.String({ description: 'The id of the customer, `cus_…`.' }),
});

export const ListCustomersQuery = Type.Object(
  {
    page_token: Type.Optional(
      Type.String({ maxLength: 200, description: 'The page token for the next or previous page, from a previous response. Empty: the first page.' }),
    ),
    page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: ASSET_LIMITS.pageSize, default: DEFAULT_PAGE_SIZE })),
  },
  IGNORE_EXTRAS,
);

/** Retrieve takes no query parameters; any given are ignored, as FastAPI does. */
export const NoQuery = Type.Object({}, IGNORE_EXTRAS);

// ---- responses ----


const AddressObject = Type.Object({
  street_1: Nullable(Type.String()),
  city: Nullable(Type.String()),
  state: Nullable(Type.String()),
  postal_code: Nullable(Type.String()),
  country: Nullable(Type.String()),
  street_2: Nullable(Type.String()),
});

export const CustomerObject = Type.Object({
  name: Nullable(Type.String({ description: 'Null only for a customer created through another surface without a name.' })),
  id: Type.String({ description: '`cus_…`, the same id the native API uses.' }),
  external_id: Nullable(Type.String()),
  email: Nullable(Type.String()),
  billing_address: Nullable(AddressObject),
  shipping_address: Nullable(AddressObject),
  phone_number: Nullable(Type.String()),
});

export const CustomerResponse = Type.Object({ data: CustomerObject });

export const CustomerListResponse = Type.Object({
  data: Type.Array(CustomerObject, { description: 'List of customers, newest first.' }),
  pagination: Type.Object({
    next_page_token: Nullable(Type.String({ description: 'Null on the last page.' })),
    previous_page_token: Nullable(Type.String({ description: 'Null on the first page.' })),
  }),
});

// ---- errors ----

/** One item of FastAPI's validation error: Pydantic's `type`, the field's `loc`, `msg`, and `ctx` for limits. */
export const ValidationErrorItem = Type.Object({
  type: Type.String(),
  loc: Type.Array(Type.Union([Type.String(), Type.Integer()])),
  msg: Type.String(),
  ctx: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type ValidationErrorItem = Static<typeof ValidationErrorItem>;

/** FastAPI's body for invalid input (422). */
export const ValidationErrorBody = Type.Object({ detail: Type.Array(ValidationErrorItem) });

/** FastAPI's body for every other error. */
export const ErrorBody = Type.Object({ detail: Type.String() });

export type AssetErrorBody = Static<typeof ValidationErrorBody> | Static<typeof ErrorBody>;

/** The customer routes take an access token from POST /auth/token (the `assetOAuth` scheme of src/server/app.ts). */
export const SECURITY: { [scheme: string]: string[] }[] = [{ assetOAuth: [] }];

/** Every status the customer routes answer with besides 200 (./errors.ts). */
export const CUSTOMER_ERRORS = { 422: ValidationErrorBody, '4xx': ErrorBody, '5xx': ErrorBody } as const;

// ---- POST /auth/token ----

export const TokenRequest = Type.Object({
  client_id: Type.String({ description: 'The OAuth client id (`cli_test_…` or `cli_live_…`). HTTP Basic client authentication also works.' }),
  client_secret: Type.String({ description: 'The OAuth client secret.' }),
  grant_type: Type.Optional(Type.Literal('client_credentials', { description: 'The grant type. Defaults to client_credentials.' })),
  business_id: Type.Optional(
    Type.Union([Type.String(), Type.Null()], { description: "Scope the access token to a business: must be the client's own, `biz_…`." }),
  ),
  expires_in: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_TOKEN_TTL, default: DEFAULT_TOKEN_TTL, description: 'Access token expiration time in seconds.' }),
  ),
  scope: Type.Optional(Type.String({ description: 'Space-separated scopes; every token here may do everything the customer routes allow, so it is accepted and not narrowed.' })),
  resource: Type.Optional(
    Type.Union([Type.String(), Type.Array(Type.String())], {
      description: 'RFC 8707 resource indicator(s), repeatable: each an absolute URI without a fragment (else 400 invalid_target).',
    }),
  ),
});

/** In the order of Asset's token page. */
export const TokenResponse = Type.Object({
  access_token: Type.String({ description: 'The access token.' }),
  expires_in: Type.Integer({ description: 'The token expiration time as a unix timestamp (seconds), as Asset documents it: not a lifetime.' }),
  token_type: Type.Literal('Bearer'),
});

/** The `error` codes the token endpoint answers: RFC 6749 §5.2's, RFC 8707's `invalid_target`, and `slow_down` (RFC 8628 §3.5) past its rate limit. */
export const OAuthErrorCode = Type.Enum([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'slow_down',
  'temporarily_unavailable',
  'server_error',
]);
export type OAuthErrorCode = Static<typeof OAuthErrorCode>;

/** RFC 6749 §5.2. */
export const OAuthErrorBody = Type.Object({ error: OAuthErrorCode, error_description: Type.String() });
export type OAuthErrorBody = Static<typeof OAuthErrorBody>;

export const TOKEN_ERRORS = { '4xx': OAuthErrorBody, '5xx': OAuthErrorBody } as const;
