import type { CustomerScope } from '../../domain/customers/model.ts';
import type { ClaimRequest, IdCursor, DeliveriesOf } from '../../domain/store-port.ts';
import { PENDING_STATES, type AttemptResult, type Delivery } from '../../domain/webhooks/delivery.ts';
import type { EndpointFlavor, WebhookEndpoint } from '../../domain/webhooks/endpoint.ts';
import { ATTEMPT_COLUMNS, ENDPOINT_COLUMNS, endpointRow } from '../rows/event-rows.ts';
import { SqlParams, statement, type BoundSql, type Dialect } from './dialect.ts';

const scoped = (scope: CustomerScope, ...rest: unknown[]) => [scope.tenantId, scope.mode, ...rest];
const ENDPOINT_SETS = ENDPOINT_COLUMNS.slice(3).map((column) => `${column} = ?`).join(', ');

export const ENDPOINT_SQL = {
  insert: statement(`INSERT INTO webhook_endpoints (${ENDPOINT_COLUMNS.join(', ')}) VALUES (${ENDPOINT_COLUMNS.map(() => '?').join(', ')})`, (endpoint: WebhookEndpoint) =>
    endpointRow(endpoint),
  ),
  select: statement('SELECT * FROM webhook_endpoints WHERE tenant_id = ? AND mode = ? AND id = ?', (scope: CustomerScope, id: string) => scoped(scope, id)),
  selectForUpdate: statement(
    (dialect) => `SELECT * FROM webhook_endpoints WHERE tenant_id = ? AND mode = ? AND id = ?${dialect.forUpdate}`,
    (scope: CustomerScope, id: string) => scoped(scope, id),
  ),
  update: statement(`UPDATE webhook_endpoints SET ${ENDPOINT_SETS} WHERE tenant_id = ? AND mode = ? AND id = ?`, (endpoint: WebhookEndpoint) => [
    ...endpointRow(endpoint).slice(3), endpoint.tenantId, endpoint.mode, endpoint.id,
  ]),
  /** The endpoint's health after an attempt; `disable` (a reason) turns it off unless its owner already has. */
  health: statement(
    `UPDATE webhook_endpoints SET failing_since = CASE WHEN CAST(? AS BIGINT) IS NULL THEN NULL ELSE COALESCE(failing_since, ?) END,
       status = CASE WHEN CAST(? AS TEXT) IS NOT NULL AND status = 'enabled' THEN 'disabled' ELSE status END,
       disabled_reason = CASE WHEN CAST(? AS TEXT) IS NOT NULL AND status = 'enabled' THEN ? ELSE disabled_reason END
     WHERE tenant_id = ? AND mode = ? AND id = ?`,
    (delivery: Delivery, endpoint: NonNullable<AttemptResult['endpoint']>) => [
      endpoint.failingSince, endpoint.failingSince, endpoint.disable, endpoint.disable, endpoint.disable, delivery.tenantId, delivery.mode, delivery.endpointId,
    ],
  ),
  delete: statement('DELETE FROM webhook_endpoints WHERE tenant_id = ? AND mode = ? AND id = ?', (scope: CustomerScope, id: string) => scoped(scope, id)),
};

/** The states of a delivery not done yet (PENDING_STATES), as SQL: also the queue index's condition. */
export const PENDING = `(${PENDING_STATES.map((state) => `'${state}'`).join(', ')})`;

export const FINISH_TEMPLATE = `UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, next_attempt_at = ?, claimed_by = NULL, completed_at = ?, last_status = ?
     WHERE tenant_id = ? AND mode = ? AND id = ? AND claimed_by = ? AND state = 'ready'`;

export function finishValues(delivery: Delivery, owner: string, result: AttemptResult): unknown[] {
  const done = result.next.state !== 'ready';
  return [
    result.next.state, result.next.state === 'ready' ? result.next.nextAttemptAt : null, done ? result.attempt.at + result.attempt.durationMs : null,
    result.attempt.statusCode, delivery.tenantId, delivery.mode, delivery.id, owner,
  ];
}

/**
 * What an attempt keeps of the receiver's answer (the last of ATTEMPT_COLUMNS): nothing once the
 * delivery's customer is erased. An erasure clears the answers recorded before it; this keeps a
 * delivery in flight meanwhile from recording an echo of the old payload after it. PostgreSQL's
 * lock on the customer's row orders the two.
 */
export const keptResponse = (dialect: Dialect) =>
  `(SELECT CASE WHEN c.erased_at IS NULL THEN CAST(? AS TEXT) END FROM customers c WHERE c.tenant_id = ? AND c.mode = ? AND c.id = ?${dialect.forShare})`;

export function attemptValues(delivery: Delivery, result: AttemptResult): unknown[] {
  const a = result.attempt;
  return [delivery.tenantId, delivery.mode, delivery.id, a.attempt, a.at, a.durationMs, a.statusCode, a.error, a.responseBody, delivery.tenantId, delivery.mode, delivery.customerId];
}

export const DELIVERY_SQL = {
  select: statement('SELECT * FROM webhook_deliveries WHERE tenant_id = ? AND mode = ? AND endpoint_id = ? AND id = ?', (scope: CustomerScope, endpointId: string, id: string) =>
    scoped(scope, endpointId, id),
  ),
  /** Its endpoint stopped delivering: its ready deliveries wait for it, keeping their place. */
  hold: statement("UPDATE webhook_deliveries SET state = 'held', claimed_by = NULL WHERE tenant_id = ? AND mode = ? AND endpoint_id = ? AND state = 'ready'", (scope: CustomerScope, endpointId: string) =>
    scoped(scope, endpointId),
  ),
  release: statement(
    "UPDATE webhook_deliveries SET state = 'ready', next_attempt_at = ? WHERE tenant_id = ? AND mode = ? AND endpoint_id = ? AND state = 'held'",
    (scope: CustomerScope, endpointId: string, nowMs: number) => [nowMs, scope.tenantId, scope.mode, endpointId],
  ),
  deleteAttemptsOfEndpoint: statement(
    'DELETE FROM webhook_attempts WHERE tenant_id = ? AND mode = ? AND delivery_id IN (SELECT id FROM webhook_deliveries WHERE tenant_id = ? AND mode = ? AND endpoint_id = ?)',
    (scope: CustomerScope, endpointId: string) => [scope.tenantId, scope.mode, scope.tenantId, scope.mode, endpointId],
  ),
  deleteOfEndpoint: statement('DELETE FROM webhook_deliveries WHERE tenant_id = ? AND mode = ? AND endpoint_id = ?', (scope: CustomerScope, endpointId: string) => scoped(scope, endpointId)),
  /** A manual retry: due now, on a fresh retry schedule when it had given up or succeeded. */
  retry: statement(
    `UPDATE webhook_deliveries SET next_attempt_at = ?, claimed_by = NULL, completed_at = NULL,
       schedule_from = CASE WHEN state IN ('failed', 'succeeded') THEN attempts ELSE schedule_from END,
       state = CASE WHEN (SELECT status FROM webhook_endpoints w WHERE w.tenant_id = webhook_deliveries.tenant_id AND w.mode = webhook_deliveries.mode
         AND w.id = webhook_deliveries.endpoint_id) = 'enabled' THEN 'ready' ELSE 'held' END
     WHERE tenant_id = ? AND mode = ? AND endpoint_id = ? AND id = ? AND state IN ('ready', 'failed', 'succeeded') AND claimed_by IS NULL`,
    (scope: CustomerScope, endpointId: string, id: string, nowMs: number) => [nowMs, scope.tenantId, scope.mode, endpointId, id],
  ),
  recover: statement(
    `UPDATE webhook_deliveries SET next_attempt_at = ?, completed_at = NULL, schedule_from = attempts,
       state = CASE WHEN (SELECT status FROM webhook_endpoints w WHERE w.tenant_id = webhook_deliveries.tenant_id AND w.mode = webhook_deliveries.mode
         AND w.id = webhook_deliveries.endpoint_id) = 'enabled' THEN 'ready' ELSE 'held' END
     WHERE tenant_id = ? AND mode = ? AND endpoint_id = ? AND state = 'failed' AND created >= ?`,
    (scope: CustomerScope, endpointId: string, sinceMs: number, nowMs: number) => [nowMs, scope.tenantId, scope.mode, endpointId, sinceMs],
  ),
  /** Records an attempt's outcome, if `owner` still holds the claim. */
  finish: statement(FINISH_TEMPLATE, finishValues),
  insertAttempt: statement(
    (dialect) => `INSERT INTO webhook_attempts (${ATTEMPT_COLUMNS.join(', ')}) VALUES (${ATTEMPT_COLUMNS.slice(0, -1).map(() => '?').join(', ')}, ${keptResponse(dialect)})`,
    attemptValues,
  ),
  /**
   * A delivery done lets the next of its customer to its endpoint go: the earliest undone one, if
   * it is waiting, becomes ready now (held if the endpoint is not delivering). Found through the
   * queue index, by its own condition (`state IN PENDING`: SQLite uses a partial index only for a
   * query that states its WHERE), in seq order.
   */
  promoteNext: statement(
    `UPDATE webhook_deliveries SET next_attempt_at = ?,
       state = CASE WHEN (SELECT status FROM webhook_endpoints w WHERE w.tenant_id = webhook_deliveries.tenant_id AND w.mode = webhook_deliveries.mode
         AND w.id = webhook_deliveries.endpoint_id) = 'enabled' THEN 'ready' ELSE 'held' END
     FROM (SELECT n.tenant_id AS t, n.mode AS m, n.id AS i FROM webhook_deliveries n
           WHERE n.tenant_id = ? AND n.mode = ? AND n.endpoint_id = ? AND n.customer_id = ? AND n.state IN ${PENDING} ORDER BY n.seq LIMIT 1) AS earliest
     WHERE webhook_deliveries.tenant_id = earliest.t AND webhook_deliveries.mode = earliest.m AND webhook_deliveries.id = earliest.i
       AND webhook_deliveries.state = 'waiting'`,
    (delivery: Delivery, nowMs: number) => [nowMs, delivery.tenantId, delivery.mode, delivery.endpointId, delivery.customerId],
  ),
  /** Taken by a delivery that is done, so that a write of its customer cannot queue behind it unseen (see recordAttempt). */
  lockCustomer: statement(
    (dialect) => `SELECT 1 AS found FROM customers WHERE tenant_id = ? AND mode = ? AND id = ?${dialect.forShare}`,
    (delivery: Delivery) => [delivery.tenantId, delivery.mode, delivery.customerId],
  ),
  nextDue: statement("SELECT min(next_attempt_at) AS due FROM webhook_deliveries WHERE state = 'ready'"),
  backlog: statement("SELECT count(*) AS pending FROM webhook_deliveries WHERE state IN ('ready', 'waiting', 'held')"),
};

/** The column a deliveries page filters on: its endpoint's, or its event's. */
export const deliveriesFilter = (of: DeliveriesOf) => ('endpointId' in of ? { column: 'endpoint_id' as const, value: of.endpointId } : { column: 'event_id' as const, value: of.eventId });

/** Due deliveries, soonest first, claimed for `owner` until the lease lapses: one statement, so two claims never take the same one. */
export function claimSql(dialect: Dialect, request: ClaimRequest): BoundSql {
  const params = new SqlParams(dialect);
  // Bound in the order the text names them: SQLite's placeholders are positional.
  const lapse = params.bind(request.nowMs + request.leaseMs);
  const owner = params.bind(request.owner);
  const now = params.bind(request.nowMs);
  const skip = request.skipEndpoints.length > 0 ? ` AND endpoint_id NOT IN (${request.skipEndpoints.map((id) => params.bind(id)).join(', ')})` : '';
  const text = `UPDATE webhook_deliveries SET next_attempt_at = ${lapse}, claimed_by = ${owner}
    FROM (SELECT tenant_id AS t, mode AS m, id AS i FROM webhook_deliveries WHERE state = 'ready' AND next_attempt_at <= ${now}${skip}
      ORDER BY next_attempt_at LIMIT ${params.bind(request.limit)}${dialect.forUpdateSkipLocked}) AS due
    WHERE webhook_deliveries.tenant_id = due.t AND webhook_deliveries.mode = due.m AND webhook_deliveries.id = due.i
    RETURNING *`;
  return { text, values: params.values };
}

/** Rows of `table` by (tenant_id, mode, key) triples; `keys` must not be empty. */
export function byKeysSql(dialect: Dialect, table: 'events' | 'webhook_endpoints', keys: readonly [string, string, string][]): BoundSql {
  const params = new SqlParams(dialect);
  const tuples = keys.map(([tenant, mode, id]) => `(${params.bind(tenant)}, ${params.bind(mode)}, ${params.bind(id)})`);
  return { text: `SELECT * FROM ${table} WHERE (tenant_id, mode, id) IN (VALUES ${tuples.join(', ')})`, values: params.values };
}

export function tenantsByIdSql(dialect: Dialect, ids: readonly string[]): BoundSql {
  const params = new SqlParams(dialect);
  return { text: `SELECT * FROM tenants WHERE id IN (${ids.map((id) => params.bind(id)).join(', ')})`, values: params.values };
}

/** A page of records of `table` in one scope, newest first by id (time-ordered), with an extra condition. */
export function idPageSql(
  dialect: Dialect,
  table: 'webhook_endpoints' | 'webhook_deliveries',
  scope: CustomerScope,
  filter: { column: 'flavor' | 'endpoint_id' | 'event_id'; value: EndpointFlavor | string },
  query: { limit: number; cursor?: IdCursor },
): { page: BoundSql; backwards: boolean } {
  const params = new SqlParams(dialect);
  const where = [`tenant_id = ${params.bind(scope.tenantId)}`, `mode = ${params.bind(scope.mode)}`, `${filter.column} = ${params.bind(filter.value)}`];
  const cursor = query.cursor;
  if (cursor && 'after' in cursor) where.push(`id < ${params.bind(cursor.after)}`);
  if (cursor && 'before' in cursor) where.push(`id > ${params.bind(cursor.before)}`);
  const backwards = cursor !== undefined && 'before' in cursor;
  const text = `SELECT * FROM ${table} WHERE ${where.join(' AND ')} ORDER BY id ${backwards ? 'ASC' : 'DESC'} LIMIT ${params.bind(query.limit + 1)}`;
  return { page: { text, values: params.values }, backwards };
}

export function attemptsSql(dialect: Dialect, scope: CustomerScope, deliveryIds: readonly string[]): BoundSql {
  const params = new SqlParams(dialect);
  const where = `tenant_id = ${params.bind(scope.tenantId)} AND mode = ${params.bind(scope.mode)}`;
  const ids = deliveryIds.map((id) => params.bind(id)).join(', ');
  return { text: `SELECT * FROM webhook_attempts WHERE ${where} AND delivery_id IN (${ids}) ORDER BY delivery_id, attempt`, values: params.values };
}
