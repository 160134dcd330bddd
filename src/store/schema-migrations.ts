import { readdirSync, readFileSync } from 'node:fs';
import { statement } from './sql/dialect.ts';

/**
 * What both migration runners share. A migration's version is its file name without `.sql`, as
 * recorded in schema_migrations: a file is never renamed once released. (The table's own DDL
 * differs: applied_at is an INTEGER on SQLite, a bigint on PostgreSQL.)
 */
export const SCHEMA_MIGRATIONS_SQL = {
  applied: statement('SELECT version FROM schema_migrations'),
  record: statement('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', (version: string) => [version, Date.now()]),
};

/** The migrations in `dir` whose version is not in `applied`, in order. */
export function pendingMigrations(dir: URL, applied: ReadonlySet<string>): { version: string; sql: () => string }[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => ({ version: file.replace(/\.sql$/, ''), sql: () => readFileSync(new URL(file, dir), 'utf8') }))
    .filter((migration) => !applied.has(migration.version));
}
