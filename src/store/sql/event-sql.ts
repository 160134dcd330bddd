import type { CustomerScope } from '../../domain/customers/model.ts';
import { EVENT_BITS, type CustomerEvent } from '../../domain/events/customer-event.ts';
import type { EventListQuery } from '../../domain/store-port.ts';
import { EVENT_COLUMNS, eventRow } from '../rows/event-rows.ts';
import { SqlParams, statement, type BoundSql, type Dialect } from './dialect.ts';
import { PENDING } from './webhook-sql.ts';

export const EVENT_INSERT_TEMPLATE = `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`;

/**
 * Queues the event's delivery to every endpoint of its scope then delivering its type. A delivery
 * waits when an earlier one of the same customer to the same endpoint is not done yet.
 */
export const fanOutTemplate = (dialect: Dialect) => `INSERT INTO webhook_deliveries (tenant_id, mode, id, endpoint_id, event_id, customer_id, seq, state, next_attempt_at, created)
SELECT w.tenant_id, w.mode, ${dialect.deliveryId('CAST(? AS TEXT)', 'w.id')}, w.id, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER),
  CASE WHEN EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.tenant_id = w.tenant_id AND p.mode = w.mode AND p.endpoint_id = w.id
    AND p.customer_id = ? AND p.state IN ${PENDING}) THEN 'waiting' ELSE 'ready' END, CAST(? AS BIGINT), CAST(? AS BIGINT)
FROM webhook_endpoints w WHERE w.tenant_id = ? AND w.mode = ? AND w.status = 'enabled' AND (w.event_mask & ?) <> 0`;

export function fanOutValues(event: CustomerEvent): unknown[] {
  // The delivery id's expression names the event id twice (Dialect.deliveryId).
  return [event.id, event.id, event.id, event.customerId, event.customerVersion, event.customerId, event.created, event.created, event.tenantId, event.mode, EVENT_BITS[event.type]];
}

const pendingCount = `(SELECT count(*) FROM webhook_deliveries d WHERE d.tenant_id = e.tenant_id AND d.mode = e.mode AND d.event_id = e.id AND d.state IN ${PENDING}) AS pending_webhooks`;

export const EVENT_SQL = {
  insert: statement(EVENT_INSERT_TEMPLATE, (event: CustomerEvent) => eventRow(event)),
  fanOut: statement(fanOutTemplate, (event: CustomerEvent) => fanOutValues(event)),
  select: statement(`SELECT e.*, ${pendingCount} FROM events e WHERE e.tenant_id = ? AND e.mode = ? AND e.id = ?`, (scope: CustomerScope, id: string) => [
    scope.tenantId, scope.mode, id,
  ]),
  exists: statement('SELECT 1 AS found FROM events WHERE tenant_id = ? AND mode = ? AND id = ?', (scope: CustomerScope, id: string) => [scope.tenantId, scope.mode, id]),
  /** Events past retention whose deliveries are all done go, with those deliveries and their attempts (three statements, one transaction). */
  deleteAttemptsBefore: statement(
    `DELETE FROM webhook_attempts WHERE tenant_id = ? AND delivery_id IN (SELECT d.id FROM webhook_deliveries d JOIN events e
      ON e.tenant_id = d.tenant_id AND e.mode = d.mode AND e.id = d.event_id WHERE d.tenant_id = ? AND e.created < ? AND ${allDone('e')})`,
    (tenantId: string, cutoffMs: number) => [tenantId, tenantId, cutoffMs],
  ),
  deleteDeliveriesBefore: statement(
    `DELETE FROM webhook_deliveries WHERE tenant_id = ? AND event_id IN (SELECT e.id FROM events e WHERE e.tenant_id = ? AND e.created < ? AND ${allDone('e')})`,
    (tenantId: string, cutoffMs: number) => [tenantId, tenantId, cutoffMs],
  ),
  deleteBefore: statement(`DELETE FROM events WHERE tenant_id = ? AND created < ? AND ${allDone('events')}`, (tenantId: string, cutoffMs: number) => [tenantId, cutoffMs]),
};

function allDone(event: string): string {
  return `NOT EXISTS (SELECT 1 FROM webhook_deliveries q WHERE q.tenant_id = ${event}.tenant_id AND q.mode = ${event}.mode AND q.event_id = ${event}.id AND q.state IN ${PENDING})`;
}

/** A page of events, newest first (id order: ids are time-ordered); read in reverse for the page before a cursor. */
export function eventPageSql(dialect: Dialect, scope: CustomerScope, query: EventListQuery): { page: BoundSql; backwards: boolean } {
  const params = new SqlParams(dialect);
  const where = [`e.tenant_id = ${params.bind(scope.tenantId)}`, `e.mode = ${params.bind(scope.mode)}`];
  const cursor = query.cursor;
  if (cursor && 'after' in cursor) where.push(`e.id < ${params.bind(cursor.after)}`);
  if (cursor && 'before' in cursor) where.push(`e.id > ${params.bind(cursor.before)}`);
  if (query.customerId !== undefined) where.push(`e.customer_id = ${params.bind(query.customerId)}`);
  if (query.types) where.push(query.types.length === 0 ? '1 = 0' : `e.type IN (${query.types.map((type) => params.bind(type)).join(', ')})`);
  if (query.typePattern !== undefined) where.push(`e.type LIKE ${params.bind(likePattern(query.typePattern))} ESCAPE '\\'`);
  const created = query.created ?? {};
  if (created.gt !== undefined) where.push(`e.created > ${params.bind(created.gt)}`);
  if (created.gte !== undefined) where.push(`e.created >= ${params.bind(created.gte)}`);
  if (created.lt !== undefined) where.push(`e.created < ${params.bind(created.lt)}`);
  if (created.lte !== undefined) where.push(`e.created <= ${params.bind(created.lte)}`);
  if (query.deliverySuccess !== undefined) {
    const undone = `EXISTS (SELECT 1 FROM webhook_deliveries u WHERE u.tenant_id = e.tenant_id AND u.mode = e.mode AND u.event_id = e.id AND u.state <> 'succeeded')`;
    where.push(query.deliverySuccess ? `NOT ${undone}` : undone);
  }
  const backwards = cursor !== undefined && 'before' in cursor;
  const text = `SELECT e.*, ${pendingCount} FROM events e WHERE ${where.join(' AND ')} ORDER BY e.id ${backwards ? 'ASC' : 'DESC'} LIMIT ${params.bind(query.limit + 1)}`;
  return { page: { text, values: params.values }, backwards };
}

/** `*` matches any text; LIKE's own wildcards and escape are taken literally. */
function likePattern(pattern: string): string {
  return pattern.replace(/[\\%_]/g, (char) => '\\' + char).replaceAll('*', '%');
}
