import type { Customer } from '../../domain/customers/model.ts';
import type { CustomerEvent, StoredEvent } from '../../domain/events/customer-event.ts';
import type { Delivery, DeliveryAttempt } from '../../domain/webhooks/delivery.ts';
import type { WebhookEndpoint } from '../../domain/webhooks/endpoint.ts';

/** Rows of the event and webhook tables as both SQL backends return them (PostgreSQL's BIGINTs as text). */
type Row = Record<string, unknown>;

const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export const EVENT_COLUMNS = [
  'tenant_id', 'mode', 'id', 'created', 'type', 'customer_id', 'customer_version', 'customer', 'previous', 'request_id', 'idempotency_key', 'surface',
] as const;

export function eventRow(event: CustomerEvent): unknown[] {
  return [
    event.tenantId, event.mode, event.id, event.created, event.type, event.customerId, event.customerVersion,
    JSON.stringify(event.customer), event.previous === null ? null : JSON.stringify(event.previous), event.requestId, event.idempotencyKey, event.surface,
  ];
}

export function rowToEvent(row: Row): StoredEvent {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    mode: row.mode as CustomerEvent['mode'],
    type: row.type as CustomerEvent['type'],
    created: Number(row.created),
    customerId: row.customer_id as string,
    customerVersion: Number(row.customer_version),
    customer: JSON.parse(row.customer as string) as Customer,
    previous: row.previous === null ? null : (JSON.parse(row.previous as string) as Partial<Customer>),
    requestId: (row.request_id as string | null) ?? null,
    idempotencyKey: (row.idempotency_key as string | null) ?? null,
    surface: row.surface as string,
    pendingWebhooks: Number(row.pending_webhooks ?? 0),
  };
}

export const ENDPOINT_COLUMNS = [
  'tenant_id', 'mode', 'id', 'flavor', 'url', 'description', 'enabled_events', 'event_mask', 'status', 'disabled_reason', 'api_version', 'metadata',
  'secret', 'previous_secret', 'previous_secret_expires', 'created', 'updated', 'failing_since',
] as const;

export function endpointRow(endpoint: WebhookEndpoint): unknown[] {
  return [
    endpoint.tenantId, endpoint.mode, endpoint.id, endpoint.flavor, endpoint.url, endpoint.description, JSON.stringify(endpoint.enabledEvents),
    endpoint.eventMask, endpoint.status, endpoint.disabledReason, endpoint.apiVersion, JSON.stringify(endpoint.metadata), endpoint.secret,
    endpoint.previousSecret, endpoint.previousSecretExpires, endpoint.created, endpoint.updated, endpoint.failingSince,
  ];
}

export function rowToEndpoint(row: Row): WebhookEndpoint {
  return {
    tenantId: row.tenant_id as string,
    mode: row.mode as WebhookEndpoint['mode'],
    id: row.id as string,
    flavor: row.flavor as WebhookEndpoint['flavor'],
    url: row.url as string,
    description: (row.description as string | null) ?? null,
    enabledEvents: JSON.parse(row.enabled_events as string) as string[],
    eventMask: Number(row.event_mask),
    status: row.status as WebhookEndpoint['status'],
    disabledReason: (row.disabled_reason as string | null) ?? null,
    apiVersion: (row.api_version as string | null) ?? null,
    metadata: JSON.parse(row.metadata as string) as Record<string, string>,
    secret: (row.secret as string | null) ?? null,
    previousSecret: (row.previous_secret as string | null) ?? null,
    previousSecretExpires: numberOrNull(row.previous_secret_expires),
    created: Number(row.created),
    updated: Number(row.updated),
    failingSince: numberOrNull(row.failing_since),
  };
}

export function rowToDelivery(row: Row): Delivery {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    mode: row.mode as Delivery['mode'],
    endpointId: row.endpoint_id as string,
    eventId: row.event_id as string,
    customerId: row.customer_id as string,
    seq: Number(row.seq),
    state: row.state as Delivery['state'],
    attempts: Number(row.attempts),
    scheduleFrom: Number(row.schedule_from),
    nextAttemptAt: numberOrNull(row.next_attempt_at),
    created: Number(row.created),
    completedAt: numberOrNull(row.completed_at),
    lastStatus: numberOrNull(row.last_status),
  };
}

export const ATTEMPT_COLUMNS = ['tenant_id', 'mode', 'delivery_id', 'attempt', 'at', 'duration_ms', 'status_code', 'error', 'response_body'] as const;

export function rowToAttempt(row: Row): DeliveryAttempt {
  return {
    deliveryId: row.delivery_id as string,
    attempt: Number(row.attempt),
    at: Number(row.at),
    durationMs: Number(row.duration_ms),
    statusCode: numberOrNull(row.status_code),
    error: (row.error as string | null) ?? null,
    responseBody: (row.response_body as string | null) ?? null,
  };
}
