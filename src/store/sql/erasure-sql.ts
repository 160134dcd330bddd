import type { Customer, CustomerScope } from '../../domain/customers/model.ts';
import { SqlParams, statement, type BoundSql, type Dialect } from './dialect.ts';

/**
 * The statements of an erasure (Store.eraseCustomer), in the order both stores run them in its
 * transaction, after the customer's row is rewritten as the tombstone. The erasure's own history
 * entry is inserted after them, so it keeps its changes.
 */

const byCustomer = (scope: CustomerScope, id: string) => [scope.tenantId, scope.mode, id];

export const ERASURE_SQL = {
  /** Whether the customer exists, was deleted (and when) or erased; locked until the erasure commits. */
  state: statement(
    (dialect) => `SELECT deleted_at, erased_at, erased_by FROM customers WHERE tenant_id = ? AND mode = ? AND id = ?${dialect.forUpdate}`,
    byCustomer,
  ),
  mark: statement('UPDATE customers SET erased_at = ?, erased_by = ? WHERE tenant_id = ? AND mode = ? AND id = ?', (scope: CustomerScope, id: string, atMs: number, by: string) => [
    atMs, by, ...byCustomer(scope, id),
  ]),
  /** Who, when, through what and which action stay; what changed, and from what to what, goes. */
  redactHistory: statement("UPDATE customer_history SET changes = '[]' WHERE tenant_id = ? AND mode = ? AND customer_id = ?", byCustomer),
  /** Before the events: it finds the deliveries through them. A receiver's answer may echo the payload. */
  redactAttempts: statement(
    `UPDATE webhook_attempts SET response_body = NULL WHERE tenant_id = ? AND mode = ? AND response_body IS NOT NULL AND delivery_id IN (
      SELECT d.id FROM webhook_deliveries d JOIN events e ON e.tenant_id = d.tenant_id AND e.mode = d.mode AND e.id = d.event_id
      WHERE e.tenant_id = ? AND e.mode = ? AND e.customer_id = ?)`,
    (scope: CustomerScope, id: string) => [scope.tenantId, scope.mode, ...byCustomer(scope, id)],
  ),
  /** Every event of the customer shows the tombstone; deliveries not yet made send that. */
  redactEvents: statement('UPDATE events SET customer = ?, previous = NULL WHERE tenant_id = ? AND mode = ? AND customer_id = ?', (tombstone: Customer) => [
    JSON.stringify(tombstone), tombstone.tenant_id, tombstone.mode, tombstone.id,
  ]),
};

/**
 * Deletes the scope's stored idempotent replies that hold any of `mentions`. Replies do not say
 * whom they show (a bulk reply shows many), so their text is searched: a scan of the scope's keys,
 * which live 24 hours. A key held by a running request has no reply yet and stays.
 */
export function dropRepliesSql(dialect: Dialect, scope: CustomerScope, mentions: readonly string[]): BoundSql | null {
  if (mentions.length === 0) return null;
  const params = new SqlParams(dialect);
  const where = [`tenant_id = ${params.bind(scope.tenantId)}`, `mode = ${params.bind(scope.mode)}`, 'response_body IS NOT NULL'];
  where.push(`(${mentions.map((text) => dialect.contains('response_body', text, params)).join(' OR ')})`);
  return { text: `DELETE FROM idempotency_keys WHERE ${where.join(' AND ')}`, values: params.values };
}
