import type { SqliteConnection } from './connection.ts';

/**
 * The substring index (customers_text, migration 0007), brought up to date at the end of every
 * transaction that wrote customers: each write marks its row (text_pending), and this indexes the
 * marked rows in three statements, so a search after the commit sees every write of it.
 */
const INDEX_PENDING = [
  // contentless_delete: an entry goes by its rowid (a new row has none yet: nothing happens).
  'DELETE FROM customers_text WHERE rowid IN (SELECT seq FROM customers WHERE text_pending = 1)',
  `INSERT INTO customers_text (rowid, name_lower, email_lower, phone_lower)
    SELECT seq, name_lower, email_lower, phone_lower FROM customers WHERE text_pending = 1 AND deleted_at IS NULL`,
  'UPDATE customers SET text_pending = NULL WHERE text_pending = 1',
];

/** Indexes the rows this transaction marked; run inside it, after its writes. */
export function indexPendingText(connection: SqliteConnection): void {
  for (const sql of INDEX_PENDING) connection.prepared(sql).run();
}
