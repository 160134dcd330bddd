import { Type, type Static } from 'typebox';
import { EventObject } from '../../formats/stripe-event.ts';
import { Nullable } from '../../formats/nullable.ts';
import { CreatedFilter, Expand, Limit, MetadataParam, StripeList } from './schemas.ts';

/** Events and webhook endpoints on the wire: Stripe's parameters and objects, and our delivery extensions. */

export const IdParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
export const DeliveryParams = Type.Object({ id: Type.String({ maxLength: 100 }), delivery_id: Type.String({ maxLength: 100 }) });

export const ListEventsQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    starting_after: Type.Optional(Type.String({ maxLength: 100 })),
    ending_before: Type.Optional(Type.String({ maxLength: 100 })),
    type: Type.Optional(Type.String({ maxLength: 200, description: 'An event type, or a group of them with `*` as a wildcard (`customer.*`).' })),
    types: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20, description: 'Up to 20 event types (any of them).' })),
    created: Type.Optional(CreatedFilter),
    delivery_success: Type.Optional(Type.Boolean({ description: 'true: every delivery succeeded; false: one is pending or has failed.' })),
    expand: Type.Optional(Expand),
  },
  { additionalProperties: false },
);
export type ListEventsQuery = Static<typeof ListEventsQuery>;

const Url = Type.String({ minLength: 1, maxLength: 2048, description: 'Where deliveries are POSTed: https (http only in test mode with CLIENTELE_WEBHOOK_ALLOW_PRIVATE=1).' });
const EnabledEvents = Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 300, description: "Stripe's event names, or `*` for all." });
const Description = Type.Union([Type.Literal(''), Type.Null(), Type.String({ maxLength: 5000 })]);

/** What create and update both take; update takes each optionally. */
const EndpointFields = {
  url: Url,
  enabled_events: EnabledEvents,
  description: Type.Optional(Description),
  metadata: Type.Optional(MetadataParam),
  expand: Type.Optional(Expand),
};

export const CreateWebhookEndpointBody = Type.Object(
  {
    ...EndpointFields,
    api_version: Type.Optional(Type.String({ maxLength: 100 })),
    connect: Type.Optional(Type.Boolean({ description: 'Only false: Clientele has no connected accounts.' })),
  },
  { additionalProperties: false },
);
export type CreateWebhookEndpointBody = Static<typeof CreateWebhookEndpointBody>;

export const UpdateWebhookEndpointBody = Type.Object(
  {
    ...Type.Partial(Type.Object(EndpointFields)).properties,
    disabled: Type.Optional(Type.Boolean({ description: 'true stops deliveries (they are held, in order); false resumes them.' })),
  },
  { additionalProperties: false },
);
export type UpdateWebhookEndpointBody = Static<typeof UpdateWebhookEndpointBody>;

export const RollSecretBody = Type.Object(
  {
    expire_old_in: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400, description: 'Seconds the old secret keeps signing beside the new one (default 0).' })),
  },
  { additionalProperties: false },
);
export type RollSecretBody = Static<typeof RollSecretBody>;

export const RecoverBody = Type.Object(
  { since: Type.Integer({ minimum: 0, maximum: 253402300799, description: 'Unix seconds: failed deliveries created since then are sent again.' }) },
  { additionalProperties: false },
);
export type RecoverBody = Static<typeof RecoverBody>;

export const WebhookEndpointObject = Type.Object({
  id: Type.String(),
  object: Type.Literal('webhook_endpoint'),
  api_version: Nullable(Type.String()),
  application: Type.Null(),
  created: Type.Integer(),
  description: Nullable(Type.String()),
  enabled_events: Type.Array(Type.String()),
  livemode: Type.Boolean(),
  metadata: Type.Record(Type.String(), Type.String()),
  secret: Type.Optional(Type.String({ description: 'Only when the endpoint is created and when its secret is rolled.' })),
  status: Type.Union([Type.Literal('enabled'), Type.Literal('disabled')]),
  url: Type.String(),
});
export type WebhookEndpointObject = Static<typeof WebhookEndpointObject>;

export const DeletedWebhookEndpointObject = Type.Object({ id: Type.String(), object: Type.Literal('webhook_endpoint'), deleted: Type.Literal(true) });

export const DeliveryObject = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('webhook_delivery'),
    event: Type.String(),
    endpoint: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
    attempts: Type.Array(
      Type.Object({
        attempt: Type.Integer(),
        attempted_at: Type.Integer(),
        status_code: Nullable(Type.Integer()),
        duration_ms: Type.Integer(),
        error: Nullable(Type.String()),
        response_body: Nullable(Type.String({ description: 'The first KiB of the answer.' })),
      }),
    ),
    next_attempt_at: Nullable(Type.Integer()),
    created: Type.Integer(),
    completed_at: Nullable(Type.Integer()),
  },
  { description: 'Extension: one event sent to one endpoint, with every attempt.' },
);
export type DeliveryObject = Static<typeof DeliveryObject>;

export const EventList = StripeList(EventObject);
export type EventList = Static<typeof EventList>;
export const WebhookEndpointList = StripeList(WebhookEndpointObject);
export type WebhookEndpointList = Static<typeof WebhookEndpointList>;
export const DeliveryList = StripeList(DeliveryObject);
export type DeliveryList = Static<typeof DeliveryList>;
export const RecoveryObject = Type.Object({ object: Type.Literal('webhook_recovery'), recovered: Type.Integer() });
