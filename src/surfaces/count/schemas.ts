import { Type, type Static, type TLiteral, type TSchema } from 'typebox';
import { LIMITS } from '../../domain/customers/limits.ts';
import { Nullable } from '../../formats/nullable.ts';

/**
 * Count's wire format (https://developers.getcount.com, base `…/partners`): JSON only, camelCase.
 * One source for validation (strict JSON types, every bad field listed: the shared strict
 * validator, see plugin.ts), for the types the routes see and the renderers return, and for the
 * OpenAPI document. The bounds are Count's own (its pages), all within the domain's storage
 * bounds; the domain checks its own rules (e-mail syntax, country codes, one primary contact,
 * uniqueness) again and its errors are rendered in the same format.
 */

/** Count's documented bounds, and the ones chosen where its pages are silent (see README.md). */
export const COUNT_LIMITS = {
  customer: 255,
  email: 255,
  mainPhone: 50,
  website: 255,
  /** Address fields: not documented; 255 each. */
  addressField: 255,
  contactName: 255,
  contactEmail: 255,
  contactPhone: 50,
  contacts: LIMITS.contacts,
  search: 255,
  /** Rows of one bulk request. */
  bulkRows: 100,
  page: { min: 1, max: 10_000, default: 1 },
  limit: { min: 1, max: 100, default: 20 },
} as const;

/** One literal per value, as a tuple: a union of them is typed as the union of the values (a mapped array would be `never`). */
const literals = <const T extends readonly string[]>(values: T) =>
  values.map((value) => Type.Literal(value)) as unknown as { -readonly [K in keyof T]: TLiteral<T[K]> };

const text = (maxLength: number, description: string) => Type.String({ maxLength, description });
/** A nullable text field: `null` or `""` removes it. */
const removable = (maxLength: number, description: string) => Nullable(text(maxLength, `${description} \`null\` or \`""\` removes it.`));

const AddressFields = {
  street: Type.Optional(Nullable(text(COUNT_LIMITS.addressField, 'Street address.'))),
  city: Type.Optional(Nullable(text(COUNT_LIMITS.addressField, 'City.'))),
  state: Type.Optional(Nullable(text(COUNT_LIMITS.addressField, 'State, county or province.'))),
  zipCode: Type.Optional(Nullable(text(COUNT_LIMITS.addressField, 'ZIP or postal code.'))),
  country: Type.Optional(
    Nullable(text(COUNT_LIMITS.addressField, 'Two-letter ISO 3166-1 alpha-2 country code, any case (stored upper-case).')),
  ),
};

const AddressInput = (description: string) =>
  Type.Optional(Nullable(Type.Object(AddressFields, { additionalProperties: false, description })));

const ContactInput = Type.Object(
  {
    name: Type.Optional(Nullable(text(COUNT_LIMITS.contactName, 'Full name; or give firstName and lastName.'))),
    firstName: Type.Optional(Nullable(text(COUNT_LIMITS.contactName, 'First name.'))),
    lastName: Type.Optional(Nullable(text(COUNT_LIMITS.contactName, 'Last name.'))),
    email: Type.Optional(Nullable(text(COUNT_LIMITS.contactEmail, 'E-mail address.'))),
    phone: Type.Optional(Nullable(text(COUNT_LIMITS.contactPhone, 'Phone number.'))),
    isPrimary: Type.Optional(Type.Boolean({ description: 'At most one contact of a customer is primary. Default false.' })),
  },
  { additionalProperties: false, description: 'A contact person: a name (or first and last name) or an e-mail is required.' },
);

/** The customer's name: required and never blank. */
const CustomerName = Type.String({
  minLength: 1,
  maxLength: COUNT_LIMITS.customer,
  pattern: '\\S',
  description: 'Customer or business name (1-255 characters, non-empty).',
});
const Email = Type.String({
  minLength: 1,
  maxLength: COUNT_LIMITS.email,
  description: 'Primary contact e-mail; unique within the team (case-insensitive).',
});
const Status = Type.Union([Type.Literal('active'), Type.Literal('inactive')], { description: 'Defaults to "active".' });

const writableFields = {
  mainPhone: Type.Optional(removable(COUNT_LIMITS.mainPhone, 'Primary phone number (international format recommended).')),
  website: Type.Optional(removable(COUNT_LIMITS.website, 'Website URL (should include the protocol).')),
  status: Type.Optional(Status),
  billingAddress: AddressInput('Billing address. Replaced whole on update; `null` removes it.'),
  shippingAddress: AddressInput('Shipping address. Replaced whole on update; `null` removes it.'),
};

export const CreateCustomerBody = Type.Object(
  {
    customer: CustomerName,
    email: Email,
    ...writableFields,
    contacts: Type.Optional(
      Type.Array(ContactInput, { maxItems: COUNT_LIMITS.contacts, description: 'Created atomically with the customer.' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateCustomerBody = Static<typeof CreateCustomerBody>;

/**
 * Update (PUT) takes any subset of the create fields. `contacts` is accepted and ignored ("Contacts
 * cannot be updated via this endpoint"), as are the read-only `uuid`, `createdAt` and `updatedAt`,
 * so that a customer read with GET can be sent back changed.
 */
const updateFields = {
  customer: Type.Optional(CustomerName),
  email: Type.Optional(Email),
  ...writableFields,
  contacts: Type.Optional(Type.Unknown({ description: 'Ignored: contacts cannot be updated via this endpoint.' })),
  createdAt: Type.Optional(Type.Unknown({ description: 'Read-only; ignored.' })),
  updatedAt: Type.Optional(Type.Unknown({ description: 'Read-only; ignored.' })),
  taxSettings: Type.Optional(Type.Unknown({ description: 'Read-only ("Tax settings (read-only)" on the Get Customer page); ignored.' })),
};

export const UpdateCustomerBody = Type.Object(
  { ...updateFields, uuid: Type.Optional(Type.Unknown({ description: 'Read-only; ignored (the uuid is in the path).' })) },
  { additionalProperties: false },
);
export type UpdateCustomerBody = Static<typeof UpdateCustomerBody>;

/** One row of PATCH /customers/bulk: an update body naming its customer. */
export const BulkUpdateRow = Type.Object(
  { uuid: Type.String({ minLength: 1, maxLength: 100, description: 'The customer to update.' }), ...updateFields },
  { additionalProperties: false },
);
export type BulkUpdateRow = Static<typeof BulkUpdateRow>;

const bulkBody = (row: string) =>
  Type.Object(
    {
      customers: Type.Array(Type.Unknown({ description: row }), {
        minItems: 1,
        maxItems: COUNT_LIMITS.bulkRows,
        description: `1 to ${COUNT_LIMITS.bulkRows} rows, each checked and applied on its own, in order.`,
      }),
    },
    { additionalProperties: false },
  );

export const BulkCreateBody = bulkBody('A create body, as for POST /customers.');
export type BulkCreateBody = Static<typeof BulkCreateBody>;
export const BulkUpdateBody = bulkBody('An update body, as for PUT /customers/{uuid}, with the customer\'s `uuid`.');
export type BulkUpdateBody = Static<typeof BulkUpdateBody>;

export const CustomerUuidParams = Type.Object({ uuid: Type.String({ description: 'The customer uuid.' }) });

export const ORDER_BY = ['customer', 'email', 'createdAt', 'updatedAt'] as const;
export type OrderBy = (typeof ORDER_BY)[number];

export const ListCustomersQuery = Type.Object(
  {
    search: Type.Optional(
      Type.String({ maxLength: COUNT_LIMITS.search, description: 'Case-insensitive substring of the name, the e-mail or the main phone.' }),
    ),
    page: Type.Optional(Type.Integer({ minimum: COUNT_LIMITS.page.min, maximum: COUNT_LIMITS.page.max, default: COUNT_LIMITS.page.default })),
    limit: Type.Optional(
      Type.Integer({ minimum: COUNT_LIMITS.limit.min, maximum: COUNT_LIMITS.limit.max, default: COUNT_LIMITS.limit.default }),
    ),
    orderBy: Type.Optional(Type.Union(literals(ORDER_BY), { default: 'customer' })),
    orderDirection: Type.Optional(
      Type.Union([Type.Literal('ASC'), Type.Literal('DESC'), Type.Literal('asc'), Type.Literal('desc')], { default: 'ASC' }),
    ),
  },
  { additionalProperties: false },
);
export type ListCustomersQuery = Static<typeof ListCustomersQuery>;

export const FindByEmailQuery = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: COUNT_LIMITS.email, description: 'Exact e-mail, compared case-insensitively.' }) },
  { additionalProperties: false },
);
export type FindByEmailQuery = Static<typeof FindByEmailQuery>;

/** Count's bodies are JSON. */
export const JSON_ONLY = ['application/json'];
export const TAGS = ['Count'];
/** HMAC-signed requests, or a secret key / access token as a bearer token. */
export const SECURITY: { [label: string]: string[] }[] = [{ countSignature: [] }, { secretKey: [] }];

// ---- responses: what the renderers return (typed by these schemas) and what /openapi.json shows ----

const AddressObject = Type.Object({
  street: Nullable(Type.String()),
  city: Nullable(Type.String()),
  state: Nullable(Type.String()),
  zipCode: Nullable(Type.String()),
  country: Nullable(Type.String()),
});

const ContactObject = Type.Object({
  uuid: Type.String(),
  name: Nullable(Type.String({ description: 'The name given, else first and last name joined.' })),
  firstName: Nullable(Type.String()),
  lastName: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  isPrimary: Type.Boolean(),
});

/**
 * "Tax settings (read-only)", which Get Customer's page says the customer includes without naming
 * its fields: the tax data the record holds, in Count's camelCase. Written through the native API
 * (tax_exempt, the tax_ids sub-resource) or CheckoutPage's taxId pair.
 */
const TaxSettingsObject = Type.Object({
  taxExempt: Type.Union([Type.Literal('none'), Type.Literal('exempt'), Type.Literal('reverse')], { description: "none, exempt, or reverse (the customer accounts for the tax)." }),
  taxIds: Type.Array(
    Type.Object({
      type: Type.String({ description: "Stripe's tax id type: eu_vat, gb_vat, us_ein, …" }),
      value: Type.String(),
      country: Nullable(Type.String({ description: 'ISO 3166-1 alpha-2, where the type tells it.' })),
    }),
  ),
});

export const CustomerObject = Type.Object({
  uuid: Type.String({ format: 'uuid' }),
  customer: Nullable(Type.String()),
  email: Nullable(Type.String()),
  mainPhone: Nullable(Type.String()),
  website: Nullable(Type.String()),
  status: Status,
  billingAddress: Nullable(AddressObject),
  shippingAddress: Nullable(AddressObject),
  contacts: Type.Array(ContactObject),
  taxSettings: TaxSettingsObject,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type CustomerObject = Static<typeof CustomerObject>;

export const success = <T extends TSchema>(data: T) =>
  Type.Object({ status: Type.Literal('success'), message: Type.String(), data });

export const CustomerResponse = success(CustomerObject);
export type CustomerResponse = Static<typeof CustomerResponse>;

export const CustomerListResponse = success(
  Type.Object({
    records: Type.Array(CustomerObject, { description: "The page's customers: Count's List page calls them `records` (empty past the last page)." }),
    page: Type.Integer(),
    limit: Type.Integer(),
    totalRecords: Type.Integer({ description: 'Every customer the search matches, across pages.' }),
    totalPages: Type.Integer({ description: 'ceil(totalRecords / limit); 0 when nothing matches.' }),
  }),
);
export type CustomerListResponse = Static<typeof CustomerListResponse>;

export const DeletedResponse = success(Type.Object({ uuid: Type.String(), deleted: Type.Literal(true) }));
export type DeletedResponse = Static<typeof DeletedResponse>;

/** Every code an error carries (errors.ts). */
export const ERROR_CODES = [
  'VALIDATION_ERROR', 'INVALID_JSON', 'BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND', 'ROUTE_NOT_FOUND', 'EMAIL_EXISTS',
  'CONFLICT', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE', 'INVALID_IDEMPOTENCY_KEY', 'PRECONDITION_FAILED',
  'RATE_LIMIT_EXCEEDED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'REQUEST_TIMEOUT', 'REQUEST_HEADERS_TOO_LARGE',
  'SERVICE_UNAVAILABLE', 'INTERNAL_ERROR', 'token_expired', 'FORBIDDEN', 'INVALID_AUTHORIZATION_CODE', 'INVALID_REFRESH_TOKEN',
  'CLIENT_MISMATCH',
] as const;

const ErrorItem = Type.Object({
  field: Type.String({ description: 'The field at fault in Count notation: `billingAddress.zipCode`, `contacts[0].email`.' }),
  message: Type.String(),
});

const ErrorFields = {
  message: Type.String({ description: 'Human-readable error description.' }),
  code: Type.Union(literals(ERROR_CODES), { description: 'Machine-readable error code.' }),
  details: Type.Record(Type.String(), Type.Unknown(), { description: 'Context for the error; varies by code.' }),
  errors: Type.Optional(Type.Array(ErrorItem, { description: 'Present for validation errors: one entry per bad field.' })),
};

export const CountError = Type.Object({ status: Type.Literal('error'), ...ErrorFields });
export type CountError = Static<typeof CountError>;

/** A bulk row's error: the error envelope less its `status`. */
export const RowError = Type.Object(ErrorFields);
export type RowError = Static<typeof RowError>;

const RowResult = Type.Object({
  index: Type.Integer({ description: 'The row position in `customers`, from 0.' }),
  status: Type.Union([Type.Literal('success'), Type.Literal('error')]),
  statusCode: Type.Integer({ description: 'What the row would have answered alone: 201/200, 400, 404 or 409.' }),
  data: Type.Optional(CustomerObject),
  error: Type.Optional(RowError),
});
export type RowResult = Static<typeof RowResult>;

const BulkData = Type.Object({
  results: Type.Array(RowResult),
  total: Type.Integer(),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
});
export type BulkData = Static<typeof BulkData>;

export const BulkResponse = success(BulkData);
export type BulkResponse = Static<typeof BulkResponse>;

/** Every route answers every error in Count's envelope. */
export const ERROR_RESPONSES = { '4xx': CountError, '5xx': CountError } as const;
