import { historyEntry, type HistoryEntry } from '../../domain/customers/history.ts';
import type { Customer, CustomerScope } from '../../domain/customers/model.ts';
import type { WriteContext } from '../../domain/customers/write-context.ts';
import { IdempotencyError } from '../../domain/errors.ts';
import type { HistoryPageQuery, HistoryRecords, Page } from '../../domain/store-port.ts';
import { rowToHistoryEntry } from '../rows/record-rows.ts';
import { SQLITE } from '../sql/dialect.ts';
import { HISTORY_SQL, historyPageSql } from '../sql/history-sql.ts';
import { pageOf } from '../sql/paging.ts';
import type { SqliteConnection } from './connection.ts';
import { completeKey } from './idempotency-records.ts';
import { customerEvent } from '../../domain/events/customer-event.ts';
import { EVENT_SQL } from '../sql/event-sql.ts';

export class SqliteHistoryRecords implements HistoryRecords {
  constructor(private readonly connection: SqliteConnection) {}

  async listCustomerHistory(scope: CustomerScope, customerId: string, query: HistoryPageQuery): Promise<Page<HistoryEntry>> {
    const { page, backwards } = historyPageSql(SQLITE, scope, customerId, query);
    const rows = this.connection.autocommit(() => this.connection.queryRows(page));
    return pageOf(rows, query.limit, rowToHistoryEntry, { backwards });
  }

  async deleteHistoryBefore(tenantId: string, cutoffMs: number): Promise<number> {
    return this.connection.autocommit(() => this.connection.changes(HISTORY_SQL.deleteBefore, tenantId, cutoffMs));
  }
}

/**
 * The history entry of a customer write (`entry`: one the write made itself, an erasure's), its
 * event with a delivery to every endpoint that wants it, and its idempotency key's reply: all in
 * the write's transaction.
 */
export function recordWrite(connection: SqliteConnection, before: Customer | null, after: Customer, context: WriteContext, entry = historyEntry(before, after, context)): void {
  connection.changes(HISTORY_SQL.insert, entry);
  const event = customerEvent(before, after, entry.changes, context);
  if (event) {
    connection.changes(EVENT_SQL.insert, event);
    if (connection.changes(EVENT_SQL.fanOut, event) > 0) connection.wakeups.queued();
  }
  const idempotency = context.idempotency;
  if (idempotency && !completeKey(connection, idempotency.ref, idempotency.owner, idempotency.reply(after))) {
    // Another request took the key over (this one outlived its lease): it must not write twice.
    throw new IdempotencyError('in_progress', idempotency.ref.key);
  }
}
