import type { CustomerScope } from '../../domain/customers/model.ts';
import type { SqliteConnection } from './connection.ts';

/**
 * The substring index (customers_text, migration 0007) for inserted customers; updates and
 * deletes keep it by trigger. Each runs in the inserting transaction, so a search sees every
 * acknowledged write.
 */
const INDEX_INSERTED = `INSERT INTO customers_text (rowid, name_lower, email_lower, phone_lower)
  SELECT seq, name_lower, email_lower, phone_lower FROM customers`;

/** Indexes the customer just inserted. */
export function indexInsertedCustomer(connection: SqliteConnection, scope: CustomerScope, id: string): void {
  connection.prepared(`${INDEX_INSERTED} WHERE tenant_id = ? AND mode = ? AND id = ?`).run(scope.tenantId, scope.mode, id);
}

/** Where a batch of inserts begins: every customer it inserts gets a higher seq. */
export function insertMark(connection: SqliteConnection): number {
  return (connection.prepared('SELECT coalesce(max(seq), 0) AS m FROM customers').get() as { m: number }).m;
}

/** Indexes, in one statement, every customer inserted since `mark`. */
export function indexInsertedSince(connection: SqliteConnection, mark: number): void {
  connection.prepared(`${INDEX_INSERTED} WHERE seq > ?`).run(mark);
}
