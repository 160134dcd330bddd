import type { Customer, Mode } from './model.ts';
import type { WriteContext } from './write-context.ts';

export type HistoryAction = 'created' | 'updated' | 'deleted' | 'erased';

/** One field's value before and after a write; `path` names it canonically (`['metadata', 'plan']`). */
export interface FieldChange {
  path: string[];
  before: unknown;
  after: unknown;
}

/** One write of one customer, as recorded in the write's own transaction. */
export interface HistoryEntry {
  tenantId: string;
  mode: Mode;
  customerId: string;
  /** The customer's version after the write: entries of one customer are numbered by it. */
  version: number;
  /** Unix milliseconds. */
  created: number;
  action: HistoryAction;
  actor: string;
  surface: string;
  requestId: string | null;
  changes: FieldChange[];
}

/** Bookkeeping that every write changes; the entry's own version and time record it. */
const NOT_DIFFED = new Set<keyof Customer>(['id', 'tenant_id', 'mode', 'created', 'updated', 'version']);

/**
 * The fields a write changed. Metadata is compared key by key (a key set, changed or removed is
 * one change each); every other field, sub-objects included, as a whole, since sub-objects are
 * replaced whole.
 */
export function diffCustomers(before: Customer | null, after: Customer): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of Object.keys(after) as (keyof Customer)[]) {
    if (NOT_DIFFED.has(field)) continue;
    if (field === 'metadata') {
      const old = before?.metadata ?? {};
      const keys = new Set([...Object.keys(old), ...Object.keys(after.metadata)]);
      for (const key of [...keys].sort()) {
        const was = Object.hasOwn(old, key) ? old[key] : null;
        const is = Object.hasOwn(after.metadata, key) ? after.metadata[key] : null;
        if (was !== is) changes.push({ path: ['metadata', key], before: was, after: is });
      }
      continue;
    }
    const is = after[field];
    if (before === null) {
      // A new customer's defaults are not news; what it was created with is.
      if (!isEmpty(is)) changes.push({ path: [field], before: null, after: is });
      continue;
    }
    const was = before[field];
    if (JSON.stringify(was) !== JSON.stringify(is)) {
      changes.push({ path: [field], before: was ?? null, after: is ?? null });
    }
  }
  return changes;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === false || (Array.isArray(value) && value.length === 0);
}

export function historyEntry(before: Customer | null, after: Customer, context: WriteContext): HistoryEntry {
  return {
    tenantId: after.tenant_id,
    mode: after.mode,
    customerId: after.id,
    version: after.version,
    created: context.atMs ?? after.updated,
    action: before === null ? 'created' : after.deleted ? 'deleted' : 'updated',
    actor: context.actor,
    surface: context.surface,
    requestId: context.requestId,
    changes: after.deleted && before !== null ? [{ path: ['deleted'], before: false, after: true }] : diffCustomers(before, after),
  };
}
