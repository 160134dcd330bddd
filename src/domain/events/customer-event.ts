import type { Customer, Mode } from '../customers/model.ts';
import type { WriteContext } from '../customers/write-context.ts';
import type { FieldChange } from '../customers/history.ts';
import { newId } from '../ids.ts';

export const CUSTOMER_EVENT_TYPES = ['customer.created', 'customer.updated', 'customer.deleted'] as const;
export type CustomerEventType = (typeof CUSTOMER_EVENT_TYPES)[number];

/** One bit per customer event type: what an endpoint receives, matched in SQL as `(mask & bit) <> 0`. */
export const EVENT_BITS: Readonly<Record<CustomerEventType, number>> = {
  'customer.created': 1,
  'customer.updated': 2,
  'customer.deleted': 4,
};
export const ALL_EVENT_BITS = 7;

/**
 * One committed customer write, recorded in the write's own transaction (the outbox): the
 * customer as it became, and on updates the old values of the fields that changed. Surfaces
 * render it in their own shapes (a Stripe event, a Count delivery envelope).
 */
export interface CustomerEvent {
  /** Canonical 96-bit time-ordered id; `evt_…` natively. */
  id: string;
  tenantId: string;
  mode: Mode;
  type: CustomerEventType;
  /** Unix milliseconds. */
  created: number;
  customerId: string;
  /** The customer's version after the write: a customer's events are ordered by it. */
  customerVersion: number;
  /** The customer after the write. */
  customer: Customer;
  /** On updates: every top-level field that changed, with its value before (sub-objects and arrays whole). */
  previous: Partial<Customer> | null;
  requestId: string | null;
  idempotencyKey: string | null;
  surface: string;
}

/** A recorded event as read back, with its deliveries not yet done. */
export interface StoredEvent extends CustomerEvent {
  pendingWebhooks: number;
}

/**
 * The event a write records, or null when it records none (an import without `--events`, an update
 * that changed nothing). `changes` are the write's history entry's: what changed is diffed once.
 */
export function customerEvent(
  before: Customer | null,
  after: Customer,
  changes: readonly FieldChange[],
  context: WriteContext,
  nowMs: number = Date.now(),
): CustomerEvent | null {
  if (context.withoutEvent) return null;
  const type: CustomerEventType = before === null ? 'customer.created' : after.deleted ? 'customer.deleted' : 'customer.updated';
  const previous = type === 'customer.updated' && before ? previousValues(before, changes) : null;
  // An update that set every field to the value it had is a write, but not news.
  if (previous !== null && Object.keys(previous).length === 0) return null;
  return {
    id: newId(nowMs),
    tenantId: after.tenant_id,
    mode: after.mode,
    type,
    created: context.atMs ?? nowMs,
    customerId: after.id,
    customerVersion: after.version,
    customer: after,
    previous,
    requestId: context.requestId,
    idempotencyKey: context.idempotency?.ref.key ?? null,
    surface: context.surface,
  };
}

/** The value before the write of every top-level field a change names (metadata whole). */
function previousValues(before: Customer, changes: readonly FieldChange[]): Partial<Customer> {
  const previous: Record<string, unknown> = {};
  for (const change of changes) {
    const field = change.path[0] as keyof Customer;
    previous[field] = before[field] ?? null;
  }
  return previous as Partial<Customer>;
}
