import { blankCustomer } from './factory.ts';
import type { FieldChange, HistoryEntry } from './history.ts';
import type { Customer } from './model.ts';
import type { WriteContext } from './write-context.ts';

/**
 * Erasure, the right to be forgotten: a customer's personal data goes from its row, from its
 * history entries, from its events and from the idempotent replies that showed it, in one
 * transaction. What stays is a tombstone: the id, the tenant and mode, the creation time, and when
 * and by whom it was erased. What each store guarantees on disk: README.md (Reliability).
 */

/** What an erasure is told besides the customer's id. */
export interface ErasureRequest {
  /** Unix ms. */
  atMs: number;
  /** Who erases: a key id (`key_…`), a client id, or `cli`. */
  by: string;
  /**
   * The texts by which a stored idempotent reply shows this customer (every surface's rendering of
   * its id, its e-mail), given the customer as stored before the erasure: a reply holding any of
   * them is deleted with it.
   */
  replyMentions(customer: Customer): readonly string[];
  /** Runs on the stored customer before it is erased (If-Match); not once it is erased already. */
  check?: (current: Customer) => void;
}

/** The tombstone an erasure leaves. */
export interface ErasedCustomer {
  /** Deleted, and every field at its default but the id, tenant, mode, creation time and invoice prefix. */
  customer: Customer;
  /** Unix ms. */
  erasedAt: number;
  erasedBy: string;
}

/** The id renderings every surface prints (`cus_…`, UUIDs, …): given by the composition root, which knows the formats. */
export type CustomerIdRenderings = (id: string) => readonly string[];

/** The mentions an erasure looks for in stored replies: the id as any surface prints it, and the e-mail. */
export function replyMentions(renderings: CustomerIdRenderings): ErasureRequest['replyMentions'] {
  return (customer) => [...renderings(customer.id), ...(customer.email === null ? [] : [customer.email])];
}

/** Who erases, as the tombstone names them: the key or client id behind an API write, else the actor itself (`cli`). */
export function erasureActor(context: WriteContext): string {
  const colon = context.actor.indexOf(':');
  return colon > 0 ? context.actor.slice(colon + 1) : context.actor;
}

/**
 * What erasing `current` writes: the tombstone, its history entry (which fields' state changed,
 * never a value) and the context to record it with. Only a customer not deleted yet records an
 * event (`customer.deleted`, showing the tombstone): receivers learn it is gone, once.
 */
export function erasureWrite(current: Customer, request: ErasureRequest, context: WriteContext): { tombstone: Customer; entry: HistoryEntry; context: WriteContext } {
  const scope = { tenantId: current.tenant_id, mode: current.mode };
  const tombstone: Customer = {
    ...blankCustomer(scope, current.id, current.created, Math.max(request.atMs, current.updated)),
    // Random, and printed on invoices already sent: nothing personal.
    invoice_prefix: current.invoice_prefix,
    deleted: true,
    version: current.version + 1,
  };
  const changes: FieldChange[] = [
    ...(current.deleted ? [] : [{ path: ['deleted'], before: false, after: true }]),
    { path: ['erased'], before: false, after: true },
  ];
  const entry: HistoryEntry = {
    tenantId: current.tenant_id,
    mode: current.mode,
    customerId: current.id,
    version: tombstone.version,
    created: request.atMs,
    action: 'erased',
    actor: context.actor,
    surface: context.surface,
    requestId: context.requestId,
    changes,
  };
  return { tombstone, entry, context: current.deleted ? { ...context, withoutEvent: true } : context };
}
