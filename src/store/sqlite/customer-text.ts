import type { CustomerScope } from '../../domain/customers/model.ts';
import type { SqliteConnection } from './connection.ts';

/**
 * The substring index (customers_text, migration 0007), brought up to date at the end of every
 * transaction that wrote customers, so a search after the commit sees every write of it. The
 * connection notes each written row's seq (TextChanges); the transaction indexes them all in two
 * statements before it commits. A noted row whose write was rolled back is indexed as it stands,
 * which changes nothing.
 */
/** Indexes the customers the WHERE clause that follows picks. */
const INDEX_ROWS = `INSERT INTO customers_text (rowid, name_lower, email_lower, phone_lower)
  SELECT seq, name_lower, email_lower, phone_lower FROM customers WHERE`;
const REINDEX = [
  // contentless_delete: an entry goes by its rowid (a new row has none yet: nothing happens).
  'DELETE FROM customers_text WHERE rowid IN (SELECT value FROM json_each(?))',
  `${INDEX_ROWS} seq IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL`,
];
const SEQ_OF = 'SELECT seq FROM customers WHERE tenant_id = ? AND mode = ? AND id = ?';

/** The seqs of the customers the current transaction wrote. */
export class TextChanges {
  private seqs: number[] = [];

  constructor(private readonly connection: SqliteConnection) {}

  /** After an INSERT of one customer: its rowid. */
  inserted(seq: number | bigint): void {
    this.seqs.push(Number(seq));
  }

  /** After an UPDATE of the customer `id`. */
  updated(scope: CustomerScope, id: string): void {
    const row = this.connection.prepared(SEQ_OF).get(scope.tenantId, scope.mode, id) as { seq: number } | undefined;
    if (row) this.seqs.push(row.seq);
  }

  /** Indexes the noted rows; run inside the transaction, after its writes. */
  index(): void {
    if (this.seqs.length === 0) return;
    const seqs = JSON.stringify(this.seqs);
    this.seqs = [];
    for (const sql of REINDEX) this.connection.prepared(sql).run(seqs);
  }

  /** The transaction ended without committing: nothing of it is left to index. */
  forget(): void {
    this.seqs = [];
  }
}

/** Where a batch of inserts begins: every customer it inserts gets a higher seq. */
export function insertMark(connection: SqliteConnection): number {
  return (connection.prepared('SELECT coalesce(max(seq), 0) AS m FROM customers').get() as { m: number }).m;
}

/** Indexes, in one statement, the customers inserted since `mark` (a batch's transaction, before it commits). */
export function indexInsertedSince(connection: SqliteConnection, mark: number): void {
  connection.prepared(`${INDEX_ROWS} seq > ?`).run(mark);
}
