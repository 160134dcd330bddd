import { historyEntry, type HistoryEntry } from '../../domain/customers/history.ts';
import type { Customer, CustomerScope } from '../../domain/customers/model.ts';
import type { WriteContext } from '../../domain/customers/write-context.ts';
import { IdempotencyError } from '../../domain/errors.ts';
import type { HistoryPageQuery, HistoryRecords, Page } from '../../domain/store-port.ts';
import { rowToHistoryEntry } from '../rows/record-rows.ts';
import { POSTGRES } from '../sql/dialect.ts';
import { HISTORY_INSERT_TEMPLATE, HISTORY_SQL, historyPageSql } from '../sql/history-sql.ts';
import { customerEvent } from '../../domain/events/customer-event.ts';
import { EVENT_INSERT_TEMPLATE, fanOutTemplate, fanOutValues } from '../sql/event-sql.ts';
import { historyRow } from '../rows/record-rows.ts';
import { eventRow } from '../rows/event-rows.ts';
import { statement } from '../sql/dialect.ts';
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

/** Dispatchers LISTEN on it (postgres/delivery-listener.ts). */
export const DELIVERIES_CHANNEL = 'clientele_deliveries';

/**
 * History entry, event and its deliveries in one statement (one round trip): the same INSERTs as
 * SQLite runs one by one (sql/), joined as data-modifying CTEs; NOTIFY only when a delivery was
 * queued, sent by PostgreSQL at COMMIT.
 */
const RECORD_WITH_EVENT = statement(
  (dialect) => `WITH h AS (${HISTORY_INSERT_TEMPLATE}), e AS (${EVENT_INSERT_TEMPLATE}), d AS (${fanOutTemplate(dialect)} RETURNING 1)
    SELECT CASE WHEN EXISTS (SELECT 1 FROM d) THEN pg_notify('${DELIVERIES_CHANNEL}', '') END AS notified`,
  (...parts: unknown[][]) => parts.flat(),
);

/**
 * The history entry of a customer write (`entry`: one the write made itself, an erasure's), its
 * event with a delivery to every endpoint that wants it, and its idempotency key's reply: all in
 * the write's transaction.
 */
export async function recordWrite(tx: PgSession, before: Customer | null, after: Customer, context: WriteContext, entry = historyEntry(before, after, context)): Promise<void> {
  const event = customerEvent(before, after, entry.changes, context);
  if (event) await tx.rows(RECORD_WITH_EVENT, historyRow(entry), eventRow(event), fanOutValues(event));
  else await tx.changes(HISTORY_SQL.insert, entry);
  const idempotency = context.idempotency;
  if (idempotency && !(await completeKey(tx, idempotency.ref, idempotency.owner, idempotency.reply(after)))) {
    // Another request took the key over (this one outlived its lease): it must not write twice.
    throw new IdempotencyError('in_progress', idempotency.ref.key);
  }
}
