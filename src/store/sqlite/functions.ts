import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/** The SQL functions the store's statements call, on every connection that runs them (writer and readers). */
export function registerFunctions(db: Database.Database): void {
  db.function('unicode_lower', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : text));
  // PostgreSQL's md5 in delivery ids (sql/dialect.ts): 12 hex digits of a hash of the text.
  db.function('hash12', { deterministic: true }, (text: unknown) => createHash('md5').update(String(text)).digest('hex').slice(0, 12));
}
