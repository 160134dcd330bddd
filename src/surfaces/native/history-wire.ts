import type { HistoryEntry } from '../../domain/customers/history.ts';
import type { HistoryEntryObject } from './schemas.ts';
import { customerIdToWire } from '../../formats/ids.ts';
import { pathToParam } from '../../formats/bracket-path.ts';

/** History entries ⇄ the native wire format. */

const HISTORY_PREFIX = 'hist_';

/** `hist_<customer id without cus_>_<version>`: unique, and the cursor for the pages around it. */
export function historyEntryId(entry: Pick<HistoryEntry, 'customerId' | 'version'>): string {
  return `${HISTORY_PREFIX}${customerIdToWire(entry.customerId).slice('cus_'.length)}_${entry.version}`;
}

/** The version an entry id names, when it is an entry of this customer; else null. */
export function versionFromEntryId(id: string, customerId: string): number | null {
  const prefix = `${HISTORY_PREFIX}${customerIdToWire(customerId).slice('cus_'.length)}_`;
  if (!id.startsWith(prefix)) return null;
  const digits = id.slice(prefix.length);
  return /^(0|[1-9][0-9]{0,9})$/.test(digits) ? Number(digits) : null;
}

function actorToWire(actor: string): { type: 'api_key' | 'client' | 'partner' | 'system'; id: string | null } {
  const colon = actor.indexOf(':');
  const type = actor.slice(0, colon);
  if (colon > 0 && (type === 'api_key' || type === 'client' || type === 'partner')) return { type, id: actor.slice(colon + 1) };
  return { type: 'system', id: null };
}

export function historyEntryToWire(entry: HistoryEntry): HistoryEntryObject {
  return {
    id: historyEntryId(entry),
    object: 'customer_history_entry' as const,
    customer: customerIdToWire(entry.customerId),
    version: entry.version,
    created: Math.floor(entry.created / 1000),
    created_ms: entry.created,
    action: entry.action,
    actor: actorToWire(entry.actor),
    surface: entry.surface,
    request_id: entry.requestId,
    changes: entry.changes.map((change) => ({ field: pathToParam(change.path), before: change.before, after: change.after })),
    livemode: entry.mode === 'live',
  };
}
