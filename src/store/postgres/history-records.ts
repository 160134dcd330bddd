import { historyEntry, type HistoryEntry } from '../../domain/customers/history.ts';
import type { Customer, CustomerScope } from '../../domain/customers/model.ts';
import type { WriteContext } from '../../domain/customers/write-context.ts';
import { IdempotencyError } from '../../domain/errors.ts';
import type { HistoryPageQuery, HistoryRecords, Page } from '../../domain/store-port.ts';
import { rowToHistoryEntry } from '../rows/record-rows.ts';
import { POSTGRES } from '../sql/dialect.ts';
import { HISTORY_SQL, historyPageSql } from '../sql/history-sql.ts';
import { pageOf } from '../sql/paging.ts';
import { completeKey } from './idempotency-records.ts';
import type { PgSession, PostgresPool } from './pool.ts';

export class PostgresHistoryRecords implements HistoryRecords {
  constructor(private readonly pool: PostgresPool) {}

  async listCustomerHistory(scope: CustomerScope, customerId: string, query: HistoryPageQuery): Promise<Page<HistoryEntry>> {
    const { page, backwards } = historyPageSql(POSTGRES, scope, customerId, query);
    return pageOf(await this.pool.queryRows(page), query.limit, rowToHistoryEntry, { backwards });
  }

  async deleteHistoryBefore(tenantId: string, cutoffMs: number): Promise<number> {
    return this.pool.changes(HISTORY_SQL.deleteBefore, tenantId, cutoffMs);
  }
}

/** The history entry of a customer write, and its idempotency key's reply, in the write's transaction. */
export async function recordWrite(tx: PgSession, before: Customer | null, after: Customer, context: WriteContext): Promise<void> {
  await tx.changes(HISTORY_SQL.insert, historyEntry(before, after, context));
  const idempotency = context.idempotency;
  if (idempotency && !(await completeKey(tx, idempotency.ref, idempotency.owner, idempotency.reply(after)))) {
    // Another request took the key over (this one outlived its lease): it must not write twice.
    throw new IdempotencyError('in_progress', idempotency.ref.key);
  }
}
