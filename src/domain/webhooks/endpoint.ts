import { randomBytes } from 'node:crypto';
import type { Mode } from '../customers/model.ts';
import { ALL_EVENT_BITS, CUSTOMER_EVENT_TYPES, EVENT_BITS } from '../events/customer-event.ts';

/** Whose API manages the endpoint, and so how its deliveries look and are signed. */
export type EndpointFlavor = 'stripe' | 'count';

/**
 * `enabled` receives deliveries; `paused` was turned off by its owner (Stripe's `disabled: true`,
 * Count's `paused`); `disabled` was turned off by the server (a 410, or failing for too long) or
 * by its owner through Count's `disabled`.
 */
export type EndpointStatus = 'enabled' | 'paused' | 'disabled';

export interface WebhookEndpoint {
  id: string;
  tenantId: string;
  mode: Mode;
  flavor: EndpointFlavor;
  url: string;
  description: string | null;
  /** As given: Stripe's list (`['*']`, any Stripe event name), or Count's one event. */
  enabledEvents: string[];
  /** The customer event types it receives (EVENT_BITS). */
  eventMask: number;
  status: EndpointStatus;
  /** Why the server disabled it, when it did. */
  disabledReason: string | null;
  /** Stripe's `api_version` the endpoint asked for; null: the account's default. */
  apiVersion: string | null;
  metadata: Record<string, string>;
  /** Sealed (SecretBox, bound to the endpoint id); null for a Count subscription without one. */
  secret: string | null;
  /** The secret before the last roll, sealed, and when it stops signing (unix ms). */
  previousSecret: string | null;
  previousSecretExpires: number | null;
  /** Unix ms. */
  created: number;
  updated: number;
  /** Since when every attempt has failed (unix ms); null after a success. */
  failingSince: number | null;
}

export const isDelivering = (endpoint: Pick<WebhookEndpoint, 'status'>): boolean => endpoint.status === 'enabled';

/** The customer event types a list of enabled events selects (`*`, `customer.*`-free exact names). */
export function eventMaskOf(enabledEvents: readonly string[]): number {
  let mask = 0;
  for (const name of enabledEvents) {
    if (name === '*') return ALL_EVENT_BITS;
    if ((CUSTOMER_EVENT_TYPES as readonly string[]).includes(name)) mask |= EVENT_BITS[name as keyof typeof EVENT_BITS];
  }
  return mask;
}

/** Standard Webhooks' form, which Stripe's verifier also takes whole: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Where a secret is sealed: bound to its endpoint, so a ciphertext copied onto another does not open. */
export const secretContext = (endpoint: Pick<WebhookEndpoint, 'id'>): string => `webhook_endpoint:${endpoint.id}`;
