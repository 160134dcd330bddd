import { pendingMigrations, SCHEMA_MIGRATIONS_SQL } from '../schema-migrations.ts';
import { MIGRATION_LOCK } from './advisory-locks.ts';
import type { PostgresPool } from './pool.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** Applies the pending migrations, each in a transaction of its own. */
export async function migrate(pool: PostgresPool): Promise<void> {
  const { connection, release } = await pool.connect();
  try {
    // Session-level lock: servers starting together wait here, then find nothing left to do.
    await connection.query('SELECT pg_advisory_lock($1, $2)', MIGRATION_LOCK);
    try {
      await connection.query('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at bigint NOT NULL)');
      const { applied, record } = SCHEMA_MIGRATIONS_SQL;
      const done = new Set((await connection.query(applied.postgres)).rows.map((row) => row.version as string));
      for (const migration of pendingMigrations(MIGRATIONS_DIR, done)) {
        await connection.query('BEGIN');
        try {
          // An index built over a large table may take longer than a request's budget.
          await connection.query('SET LOCAL statement_timeout = 0');
          await connection.query(migration.sql());
          await connection.query(record.postgres, record.values(migration.version));
          await connection.query('COMMIT');
        } catch (err) {
          await connection.query('ROLLBACK').catch(() => {});
          throw err;
        }
      }
    } finally {
      await connection.query('SELECT pg_advisory_unlock($1, $2)', MIGRATION_LOCK).catch(() => {});
    }
  } finally {
    release();
  }
}

/** The versions this build holds that the database has not applied (none once migrate has run). */
export async function pendingVersions(pool: PostgresPool): Promise<string[]> {
  const table = await pool.query("SELECT to_regclass('schema_migrations') AS name");
  const done = table.rows[0]?.name ? new Set((await pool.query(SCHEMA_MIGRATIONS_SQL.applied.postgres)).rows.map((row) => row.version as string)) : new Set<string>();
  return pendingMigrations(MIGRATIONS_DIR, done).map((migration) => migration.version);
}
