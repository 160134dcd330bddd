import { Type, type Static } from 'typebox';
import { success } from './schemas.ts';

/** Count's webhook subscriptions (developers.getcount.com/api-reference/webhooks). */

/** Count's v1 event names; only the customer ones fire here (there are no vendors, transactions, invoices or bills). */
export const COUNT_EVENTS = ['customer', 'vendor', 'transaction', 'invoice', 'bill'].flatMap((resource) => ['created', 'updated', 'deleted'].map((action) => `${resource}.${action}`));

const Event = Type.Union(COUNT_EVENTS.map((name) => Type.Literal(name)), { description: 'Event name, e.g. customer.updated.' });
const WebhookStatus = Type.Union([Type.Literal('active'), Type.Literal('paused'), Type.Literal('disabled')], { description: 'Only active subscriptions receive deliveries.' });
const CallbackUrl = Type.String({ minLength: 1, maxLength: 2048, description: 'HTTPS URL for outbound POSTs.' });
const SigningSecret = Type.Union([Type.String({ maxLength: 256 }), Type.Null()], { description: 'Optional shared secret for verifying X-Webhook-Signature on deliveries; null or "" removes it.' });

export const CreateWebhookBody = Type.Object(
  { event: Event, callbackUrl: CallbackUrl, signingSecret: Type.Optional(SigningSecret), status: Type.Optional(WebhookStatus) },
  { additionalProperties: false },
);
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

export const UpdateWebhookBody = Type.Object(Type.Partial(CreateWebhookBody).properties, { additionalProperties: false });
export type UpdateWebhookBody = Static<typeof UpdateWebhookBody>;

export const WebhookUuidParams = Type.Object({ uuid: Type.String({ description: 'The subscription uuid.' }) });

export const WebhookObject = Type.Object({
  uuid: Type.String({ format: 'uuid' }),
  event: Type.String(),
  callbackUrl: Type.String(),
  status: WebhookStatus,
  hasSigningSecret: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type WebhookObject = Static<typeof WebhookObject>;

export const WebhookResponse = success(Type.Object({ webhook: WebhookObject }));
export type WebhookResponse = Static<typeof WebhookResponse>;
export const WebhookListResponse = success(Type.Object({ webhooks: Type.Array(WebhookObject) }));
export type WebhookListResponse = Static<typeof WebhookListResponse>;
export const WebhookDeletedResponse = success(Type.Object({ uuid: Type.String(), deleted: Type.Literal(true) }));
export type WebhookDeletedResponse = Static<typeof WebhookDeletedResponse>;
