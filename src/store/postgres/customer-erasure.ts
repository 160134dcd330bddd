import { erasureWrite, type ErasedCustomer, type ErasureRequest } from '../../domain/customers/erasure.ts';
import type { CustomerScope } from '../../domain/customers/model.ts';
import type { WriteContext } from '../../domain/customers/write-context.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { erasedBefore, rowToCustomer } from '../rows/customer-row.ts';
import { CUSTOMER_SQL } from '../sql/customer-sql.ts';
import { POSTGRES } from '../sql/dialect.ts';
import { dropRepliesSql, ERASURE_SQL } from '../sql/erasure-sql.ts';
import { CUSTOMER_WRITES } from './customer-table.ts';
import { recordWrite } from './history-records.ts';
import type { PgSession } from './pool.ts';

/**
 * An erasure's statements, in the transaction `tx`, the customer's row locked first. At COMMIT the
 * values are gone from every table as SQL sees them; the row versions they replaced stay in the
 * table and index files until VACUUM reclaims them (README.md, Reliability).
 */
export async function eraseInTransaction(tx: PgSession, scope: CustomerScope, id: string, request: ErasureRequest, context: WriteContext): Promise<ErasedCustomer> {
  const state = await tx.row(ERASURE_SQL.state, scope, id);
  const row = state && (await tx.row(CUSTOMER_SQL.select, scope, id));
  if (!state || !row) throw new NotFoundError('customer', id);
  const current = rowToCustomer(row);
  const before = erasedBefore(current, state);
  if (before) return before;
  request.check?.(current);
  const write = erasureWrite(current, request, context);
  const deletedAt = state.deleted_at === null ? request.atMs : Number(state.deleted_at);
  await tx.query(CUSTOMER_WRITES.update, CUSTOMER_WRITES.values(write.tombstone, false, deletedAt));
  await tx.changes(ERASURE_SQL.mark, scope, id, request.atMs, request.by);
  await tx.changes(ERASURE_SQL.redactHistory, scope, id);
  await tx.changes(ERASURE_SQL.redactAttempts, scope, id);
  await tx.changes(ERASURE_SQL.redactEvents, write.tombstone);
  const dropReplies = dropRepliesSql(POSTGRES, scope, request.replyMentions(current));
  if (dropReplies) await tx.query(dropReplies.text, dropReplies.values);
  await recordWrite(tx, current, write.tombstone, write.context, write.entry);
  return { customer: write.tombstone, erasedAt: request.atMs, erasedBy: request.by };
}
