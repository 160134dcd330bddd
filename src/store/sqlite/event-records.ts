import type { CustomerScope } from '../../domain/customers/model.ts';
import type { StoredEvent } from '../../domain/events/customer-event.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { EventListQuery, EventRecords, Page } from '../../domain/store-port.ts';
import { rowToEvent } from '../rows/event-rows.ts';
import { SQLITE } from '../sql/dialect.ts';
import { EVENT_SQL, eventPageSql } from '../sql/event-sql.ts';
import { pageOf } from '../sql/paging.ts';
import type { SqliteConnection } from './connection.ts';

export class SqliteEventRecords implements EventRecords {
  constructor(private readonly connection: SqliteConnection) {}

  async getEvent(scope: CustomerScope, id: string): Promise<StoredEvent | null> {
    const row = this.connection.autocommit(() => this.connection.row(EVENT_SQL.select, scope, id));
    return row ? rowToEvent(row) : null;
  }

  async listEvents(scope: CustomerScope, query: EventListQuery): Promise<Page<StoredEvent>> {
    const connection = this.connection;
    return connection.autocommit(() => {
      const cursor = query.cursor;
      if (cursor) {
        const id = 'after' in cursor ? cursor.after : cursor.before;
        if (!connection.row(EVENT_SQL.exists, scope, id)) throw new NotFoundError('event', id, cursor.field);
      }
      const { page, backwards } = eventPageSql(SQLITE, scope, query);
      return pageOf(connection.queryRows(page), query.limit, rowToEvent, { backwards });
    });
  }

  async deleteEventsBefore(tenantId: string, cutoffMs: number): Promise<number> {
    return this.connection.transaction(() => {
      this.connection.changes(EVENT_SQL.deleteAttemptsBefore, tenantId, cutoffMs);
      this.connection.changes(EVENT_SQL.deleteDeliveriesBefore, tenantId, cutoffMs);
      return this.connection.changes(EVENT_SQL.deleteBefore, tenantId, cutoffMs);
    });
  }
}
