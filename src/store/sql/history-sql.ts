import type { CustomerScope } from '../../domain/customers/model.ts';
import type { HistoryEntry } from '../../domain/customers/history.ts';
import type { HistoryPageQuery } from '../../domain/store-port.ts';
import { HISTORY_COLUMNS, historyRow } from '../rows/record-rows.ts';
import { SqlParams, statement, type BoundSql, type Dialect } from './dialect.ts';

export const HISTORY_INSERT_TEMPLATE = `INSERT INTO customer_history (${HISTORY_COLUMNS.join(', ')}) VALUES (${HISTORY_COLUMNS.map(() => '?').join(', ')})`;

export const HISTORY_SQL = {
  insert: statement(HISTORY_INSERT_TEMPLATE, (entry: HistoryEntry) => historyRow(entry)),
  deleteBefore: statement('DELETE FROM customer_history WHERE tenant_id = ? AND created < ?', (tenantId: string, cutoffMs: number) => [tenantId, cutoffMs]),
};

/** A page of a customer's history, newest first; read in reverse (`backwards`) for the page after a version. */
export function historyPageSql(dialect: Dialect, scope: CustomerScope, customerId: string, query: HistoryPageQuery): { page: BoundSql; backwards: boolean } {
  const params = new SqlParams(dialect);
  const where = [`tenant_id = ${params.bind(scope.tenantId)}`, `mode = ${params.bind(scope.mode)}`, `customer_id = ${params.bind(customerId)}`];
  if (query.beforeVersion !== undefined) where.push(`version < ${params.bind(query.beforeVersion)}`);
  if (query.afterVersion !== undefined) where.push(`version > ${params.bind(query.afterVersion)}`);
  const backwards = query.beforeVersion === undefined && query.afterVersion !== undefined;
  const text = `SELECT * FROM customer_history WHERE ${where.join(' AND ')} ORDER BY version ${backwards ? 'ASC' : 'DESC'} LIMIT ${params.bind(query.limit + 1)}`;
  return { page: { text, values: params.values }, backwards };
}
