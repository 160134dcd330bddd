import type Database from 'better-sqlite3';
import { pendingMigrations, SCHEMA_MIGRATIONS_SQL } from '../schema-migrations.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** Applies the pending migrations, in one IMMEDIATE transaction: processes opening the file together take turns, and each file runs once. */
export function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const { applied, record } = SCHEMA_MIGRATIONS_SQL;
  db.transaction(() => {
    const done = new Set((db.prepare(applied.sqlite).all() as { version: string }[]).map((row) => row.version));
    for (const migration of pendingMigrations(MIGRATIONS_DIR, done)) {
      db.exec(migration.sql());
      db.prepare(record.sqlite).run(record.values(migration.version));
    }
  }).immediate();
}

/** The versions this build holds that the file has not applied (none once migrate has run). */
export function pendingVersions(db: Database.Database): string[] {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  const done = table ? new Set((db.prepare(SCHEMA_MIGRATIONS_SQL.applied.sqlite).all() as { version: string }[]).map((row) => row.version)) : new Set<string>();
  return pendingMigrations(MIGRATIONS_DIR, done).map((migration) => migration.version);
}
