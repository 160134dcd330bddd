import { Type, type Static } from 'typebox';
import type { Customer } from '../domain/customers/model.ts';
import type { StoredEvent } from '../domain/events/customer-event.ts';
import type { DeliveryRenderer } from '../domain/webhooks/delivery.ts';
import { eventIdToWire } from './ids.ts';
import { Nullable } from './nullable.ts';
import { CustomerObject, customerToStripe } from './stripe-customer.ts';
import { standardWebhookHeaders, stripeSignatureHeader } from './webhook-signatures.ts';

/** The API version events are rendered in: the one the `stripe` package this server is tested with pins. */
export const STRIPE_API_VERSION = '2026-10-28.endive';

export const EventObject = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('event'),
    api_version: Nullable(Type.String()),
    created: Type.Integer(),
    data: Type.Object({
      object: CustomerObject,
      previous_attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
    livemode: Type.Boolean(),
    pending_webhooks: Type.Integer(),
    request: Type.Object({ id: Nullable(Type.String()), idempotency_key: Nullable(Type.String()) }),
    type: Type.String(),
  },
  { description: 'A change to a customer, as Stripe renders events.' },
);
export type EventObject = Static<typeof EventObject>;

/**
 * A customer event as Stripe's: `data.object` is the customer as the write left it (on
 * `customer.deleted` too, the whole customer, as Stripe sends it); on updates
 * `previous_attributes` holds the old value of every top-level field of the rendering that changed
 * (sub-objects and arrays whole).
 */
export function eventToStripe(event: StoredEvent, apiVersion: string | null = null): EventObject {
  const object = customerToStripe({ ...event.customer, deleted: false });
  const rendered: EventObject = {
    id: eventIdToWire(event.id),
    object: 'event',
    api_version: apiVersion ?? STRIPE_API_VERSION,
    created: Math.floor(event.created / 1000),
    data: { object },
    livemode: event.mode === 'live',
    pending_webhooks: event.pendingWebhooks,
    request: { id: event.requestId, idempotency_key: event.idempotencyKey },
    type: event.type,
  };
  if (event.previous) rendered.data.previous_attributes = previousAttributes(event.customer, event.previous, object);
  return rendered;
}

function previousAttributes(customer: Customer, previous: Partial<Customer>, now: Record<string, unknown>): Record<string, unknown> {
  const before = customerToStripe({ ...customer, ...previous, deleted: false }) as Record<string, unknown>;
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(before)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(now[key])) changed[key] = before[key] ?? null;
  }
  return changed;
}

/**
 * A native endpoint's delivery: the event as Stripe's JSON, signed twice with each secret
 * (Stripe-Signature; Standard Webhooks' headers with the event id as message id). The body is the
 * same on every attempt (`pending_webhooks` is 1: this delivery).
 */
export const stripeDelivery: DeliveryRenderer = (job, secrets, nowMs) => {
  const body = JSON.stringify(eventToStripe({ ...job.event, pendingWebhooks: 1 }, job.endpoint.apiVersion));
  const timestamp = Math.floor(nowMs / 1000);
  const headers: Record<string, string> = { 'stripe-signature': stripeSignatureHeader(secrets, timestamp, body) };
  Object.assign(headers, standardWebhookHeaders(eventIdToWire(job.event.id), timestamp, body, secrets));
  return { body, headers };
};
