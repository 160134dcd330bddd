import type { CustomerScope } from '../../domain/customers/model.ts';
import type { StoredEvent } from '../../domain/events/customer-event.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { EventListQuery, EventRecords, Page } from '../../domain/store-port.ts';
import { rowToEvent } from '../rows/event-rows.ts';
import { POSTGRES } from '../sql/dialect.ts';
import { EVENT_SQL, eventPageSql } from '../sql/event-sql.ts';
import { pageOf } from '../sql/paging.ts';
import type { PostgresPool } from './pool.ts';

export class PostgresEventRecords implements EventRecords {
  constructor(private readonly pool: PostgresPool) {}

  async getEvent(scope: CustomerScope, id: string): Promise<StoredEvent | null> {
    const row = await this.pool.row(EVENT_SQL.select, scope, id);
    return row ? rowToEvent(row) : null;
  }

  async listEvents(scope: CustomerScope, query: EventListQuery): Promise<Page<StoredEvent>> {
    const cursor = query.cursor;
    if (cursor) {
      const id = 'after' in cursor ? cursor.after : cursor.before;
      if (!(await this.pool.row(EVENT_SQL.exists, scope, id))) throw new NotFoundError('event', id, cursor.field);
    }
    const { page, backwards } = eventPageSql(POSTGRES, scope, query);
    return pageOf(await this.pool.queryRows(page), query.limit, rowToEvent, { backwards });
  }

  async deleteEventsBefore(tenantId: string, cutoffMs: number): Promise<number> {
    return this.pool.transaction(async (tx) => {
      await tx.changes(EVENT_SQL.deleteAttemptsBefore, tenantId, cutoffMs);
      await tx.changes(EVENT_SQL.deleteDeliveriesBefore, tenantId, cutoffMs);
      return tx.changes(EVENT_SQL.deleteBefore, tenantId, cutoffMs);
    });
  }
}
