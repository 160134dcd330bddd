import type { Mode } from '../customers/model.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { CustomerEvent } from '../events/customer-event.ts';
import type { WebhookEndpoint } from './endpoint.ts';

/**
 * `ready`: may be sent once due; `waiting`: an earlier event of the same customer to the same
 * endpoint is not done yet; `held`: its endpoint is not delivering; `succeeded` and `failed`
 * (retries used up) are done. At most one delivery per endpoint and customer is ready or held.
 */
export type DeliveryState = 'ready' | 'waiting' | 'held' | 'succeeded' | 'failed';
export const PENDING_STATES: readonly DeliveryState[] = ['ready', 'waiting', 'held'];

export interface Delivery {
  id: string;
  tenantId: string;
  mode: Mode;
  endpointId: string;
  eventId: string;
  customerId: string;
  /** The customer's version the event recorded: a customer's deliveries to an endpoint go out in this order. */
  seq: number;
  state: DeliveryState;
  /** Attempts made so far. */
  attempts: number;
  /** How many attempts had been made when the current retry schedule began (a manual retry starts a new one). */
  scheduleFrom: number;
  /** When it is next due (unix ms); while claimed, when the claim lapses. Null once done. */
  nextAttemptAt: number | null;
  created: number;
  completedAt: number | null;
  lastStatus: number | null;
}

/** One HTTP attempt of a delivery. */
export interface DeliveryAttempt {
  deliveryId: string;
  /** 1, 2, … */
  attempt: number;
  /** Unix ms. */
  at: number;
  durationMs: number;
  /** The receiver's HTTP status; null when none came (timeout, refused, …). */
  statusCode: number | null;
  error: string | null;
  /** The start of the receiver's answer. */
  responseBody: string | null;
}

export interface DeliveryWithAttempts extends Delivery {
  attemptLog: DeliveryAttempt[];
}

/** A claimed delivery, with all it takes to send it. */
export interface DeliveryJob {
  delivery: Delivery;
  endpoint: WebhookEndpoint;
  event: CustomerEvent;
  tenant: Tenant;
}

/** What an attempt changes: the delivery's next state, and its endpoint's health. */
export interface AttemptResult {
  attempt: DeliveryAttempt;
  next: { state: 'succeeded' } | { state: 'failed' } | { state: 'ready'; nextAttemptAt: number };
  /** The endpoint's health, when the attempt changes it: since when it fails (null: it works), and why to disable it. */
  endpoint: { failingSince: number | null; disable: string | null } | null;
}

/** A delivery as sent: its body and headers, signatures included. */
export interface RenderedDelivery {
  body: string;
  headers: Record<string, string>;
}

/**
 * Renders and signs a claimed delivery in its endpoint's flavor, with every secret that signs
 * now (the current one first). The same job renders the same body on every attempt.
 */
export type DeliveryRenderer = (job: DeliveryJob, secrets: readonly string[], nowMs: number) => RenderedDelivery;
