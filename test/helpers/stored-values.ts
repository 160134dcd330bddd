import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import type { StoreKind } from './stores.ts';

/**
 * Where values lie in a store, looked for below the store's own code: SQLite's files byte by byte
 * (the database, its WAL and shared-memory index), and on PostgreSQL every row of every table of
 * the database, each read as text. For erasure tests: what is not found here is gone.
 */

const SQLITE_FILES = ['', '-wal', '-shm'];

/**
 * The values (each also case-folded, as the stores keep search copies) found in the store, each
 * with where: `clientele.sqlite-wal`, or a table name.
 */
export async function findStoredValues(kind: StoreKind, location: string, values: readonly string[]): Promise<{ value: string; where: string }[]> {
  const wanted = [...new Set(values.flatMap((value) => [value, value.toLowerCase()]))];
  return kind === 'sqlite' ? inSqliteFiles(location, wanted) : inPostgresTables(location, wanted);
}

function inSqliteFiles(file: string, values: readonly string[]): { value: string; where: string }[] {
  const found: { value: string; where: string }[] = [];
  for (const suffix of SQLITE_FILES) {
    const path = file + suffix;
    if (!existsSync(path)) continue;
    const bytes = readFileSync(path);
    for (const value of values) {
      if (bytes.includes(Buffer.from(value, 'utf8'))) found.push({ value, where: path.slice(path.lastIndexOf('/') + 1) });
    }
  }
  return found;
}

async function inPostgresTables(url: string, values: readonly string[]): Promise<{ value: string; where: string }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      "SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    const found: { value: string; where: string }[] = [];
    for (const { name } of tables.rows) {
      for (const value of values) {
        const hits = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${name} AS r WHERE strpos(r::text, $1) > 0`, [value]);
        if (Number(hits.rows[0]!.n) > 0) found.push({ value, where: name });
      }
    }
    return found;
  } finally {
    await client.end();
  }
}
