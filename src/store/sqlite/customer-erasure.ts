import { setTimeout as sleep } from 'node:timers/promises';
import { erasureWrite, type ErasedCustomer, type ErasureRequest } from '../../domain/customers/erasure.ts';
import type { CustomerScope } from '../../domain/customers/model.ts';
import type { WriteContext } from '../../domain/customers/write-context.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { erasedBefore } from '../rows/customer-row.ts';
import { CUSTOMER_SQL } from '../sql/customer-sql.ts';
import { SQLITE } from '../sql/dialect.ts';
import { dropRepliesSql, ERASURE_SQL } from '../sql/erasure-sql.ts';
import type { SqliteConnection } from './connection.ts';
import { CUSTOMER_WRITES } from './customer-table.ts';
import { recordWrite } from './history-records.ts';

/**
 * An erasure's write, run as one write of a group commit. The store's connection has
 * secure_delete on (sqlite-store.ts), so every row version the erasure replaces or deletes is
 * zeroed in its page; the old pages still sit in the WAL until truncateWal empties it.
 */
export function eraseInTransaction(connection: SqliteConnection, scope: CustomerScope, id: string, request: ErasureRequest, context: WriteContext): ErasedCustomer {
  const state = connection.row(ERASURE_SQL.state, scope, id);
  const current = state && connection.customer(CUSTOMER_SQL.select, scope, id);
  if (!state || !current) throw new NotFoundError('customer', id);
  const before = erasedBefore(current, state);
  if (before) return before;
  request.check?.(current);
  const write = erasureWrite(current, request, context);
  const deletedAt = (state.deleted_at as number | null) ?? request.atMs;
  connection.prepared(CUSTOMER_WRITES.update).run(CUSTOMER_WRITES.values(write.tombstone, false, deletedAt));
  connection.changes(ERASURE_SQL.mark, scope, id, request.atMs, request.by);
  // Its entry leaves the substring index when the group commits (a tombstone has no text).
  connection.text.updated(scope, id);
  connection.changes(ERASURE_SQL.redactHistory, scope, id);
  connection.changes(ERASURE_SQL.redactAttempts, scope, id);
  connection.changes(ERASURE_SQL.redactEvents, write.tombstone);
  const dropReplies = dropRepliesSql(SQLITE, scope, request.replyMentions(current));
  if (dropReplies) connection.prepared(dropReplies.text).run(dropReplies.values);
  recordWrite(connection, current, write.tombstone, write.context, write.entry);
  return { customer: write.tombstone, erasedAt: request.atMs, erasedBy: request.by };
}

const TRUNCATE_ATTEMPTS = 20;
/** Each attempt waits this long for readers (of this or another process) to leave the WAL: the thread is blocked meanwhile. */
const ATTEMPT_BUSY_MS = 50;
const BETWEEN_ATTEMPTS_MS = 100;

/**
 * Copies the WAL into the database file and truncates it to nothing, so the pages the erasure
 * replaced are gone from both files. A reader inside the WAL stops that; a few short attempts,
 * sleeping between them, let long reads finish. False when readers kept it busy throughout: the
 * old pages then stay in the WAL until later writes overwrite them.
 */
export async function truncateWal(connection: SqliteConnection): Promise<boolean> {
  const db = connection.db;
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  for (let attempt = 1; ; attempt++) {
    db.pragma(`busy_timeout = ${ATTEMPT_BUSY_MS}`);
    let busy: number;
    try {
      busy = (connection.autocommit(() => db.pragma('wal_checkpoint(TRUNCATE)')) as { busy: number }[])[0]?.busy ?? 0;
    } finally {
      db.pragma(`busy_timeout = ${busyTimeout}`);
    }
    if (busy === 0) return true;
    if (attempt === TRUNCATE_ATTEMPTS) return false;
    await sleep(BETWEEN_ATTEMPTS_MS);
  }
}
