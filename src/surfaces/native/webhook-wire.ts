import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { DeliveryWithAttempts } from '../../domain/webhooks/delivery.ts';
import type { WebhookEndpoint } from '../../domain/webhooks/endpoint.ts';
import type { EndpointChanges, EndpointInput } from '../../domain/webhooks/webhook-service.ts';
import { deliveryIdFromWire, deliveryIdToWire, eventIdFromWire, eventIdToWire, webhookEndpointIdFromWire, webhookEndpointIdToWire } from '../../formats/ids.ts';
import { STRIPE_EVENT_TYPES } from './stripe-event-types.ts';
import type { CreateWebhookEndpointBody, DeliveryObject, UpdateWebhookEndpointBody, WebhookEndpointObject } from './webhook-schemas.ts';
import { metadataFromWire } from './wire.ts';

const seconds = (ms: number) => Math.floor(ms / 1000);

function idIn(parse: (text: string) => string | null, resource: NotFoundError['resource'], text: string, field: string): string {
  const id = parse(text);
  if (id === null) throw new NotFoundError(resource, text, [field]);
  return id;
}

export const eventIdIn = (text: string, field = 'id') => idIn(eventIdFromWire, 'event', text, field);
export const endpointIdIn = (text: string, field = 'id') => idIn(webhookEndpointIdFromWire, 'webhook_endpoint', text, field);
export const deliveryIdIn = (text: string, field = 'delivery_id') => idIn(deliveryIdFromWire, 'webhook_delivery', text, field);

function checkEvents(events: string[]): string[] {
  events.forEach((name, i) => {
    if (!STRIPE_EVENT_TYPES.has(name)) throw new ValidationError(['enabled_events', i], `Invalid enabled_events[${i}]: must be one of Stripe's event types, or *; got '${name}'.`);
  });
  return events;
}

const description = (value: string | null | undefined) => (value === undefined ? undefined : value === '' ? null : value);

export function endpointInput(body: CreateWebhookEndpointBody): EndpointInput {
  if (body.connect === true) throw new ValidationError(['connect'], 'Clientele has no connected accounts: connect can only be false.');
  const input: EndpointInput = { url: body.url, enabledEvents: checkEvents(body.enabled_events) };
  const text = description(body.description);
  if (text !== undefined) input.description = text;
  const metadata = metadataFromWire(body.metadata);
  if (metadata) input.metadata = metadata;
  if (body.api_version !== undefined) input.apiVersion = body.api_version;
  return input;
}

export function endpointChanges(body: UpdateWebhookEndpointBody): EndpointChanges {
  const changes: EndpointChanges = {};
  if (body.url !== undefined) changes.url = body.url;
  if (body.enabled_events !== undefined) changes.enabledEvents = checkEvents(body.enabled_events);
  const text = description(body.description);
  if (text !== undefined) changes.description = text;
  const metadata = metadataFromWire(body.metadata);
  if (metadata) changes.metadata = metadata;
  if (body.disabled !== undefined) changes.status = body.disabled ? 'paused' : 'enabled';
  return changes;
}

export function endpointToStripe(endpoint: WebhookEndpoint, secret?: string | null): WebhookEndpointObject {
  const object: WebhookEndpointObject = {
    id: webhookEndpointIdToWire(endpoint.id),
    object: 'webhook_endpoint',
    api_version: endpoint.apiVersion,
    application: null,
    created: seconds(endpoint.created),
    description: endpoint.description,
    enabled_events: endpoint.enabledEvents,
    livemode: endpoint.mode === 'live',
    metadata: endpoint.metadata,
    status: endpoint.status === 'enabled' ? 'enabled' : 'disabled',
    url: endpoint.url,
  };
  if (secret) object.secret = secret;
  return object;
}

export function deliveryToWire(delivery: DeliveryWithAttempts): DeliveryObject {
  return {
    id: deliveryIdToWire(delivery.id),
    object: 'webhook_delivery',
    event: eventIdToWire(delivery.eventId),
    endpoint: webhookEndpointIdToWire(delivery.endpointId),
    status: delivery.state === 'succeeded' ? 'succeeded' : delivery.state === 'failed' ? 'failed' : 'pending',
    attempts: delivery.attemptLog.map((a) => ({
      attempt: a.attempt,
      attempted_at: seconds(a.at),
      status_code: a.statusCode,
      duration_ms: a.durationMs,
      error: a.error,
      response_body: a.responseBody,
    })),
    next_attempt_at: delivery.state === 'ready' && delivery.nextAttemptAt !== null ? seconds(delivery.nextAttemptAt) : null,
    created: seconds(delivery.created),
    completed_at: delivery.completedAt === null ? null : seconds(delivery.completedAt),
  };
}
