/**
 * The statements both stores share (src/store/sql/): each is written once with `?` placeholders
 * and rendered per dialect. Every rendering must number its placeholders as its dialect wants,
 * and be accepted by its database against the migrated schema, whether or not a test happens
 * to run it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import pg from 'pg';
import { CREDENTIAL_SQL } from '../../src/store/sql/credential-sql.ts';
import { CUSTOMER_SQL } from '../../src/store/sql/customer-sql.ts';
import { POSTGRES, render, SQLITE, SqlParams, type Statement } from '../../src/store/sql/dialect.ts';
import { HISTORY_SQL } from '../../src/store/sql/history-sql.ts';
import { IDEMPOTENCY_SQL } from '../../src/store/sql/idempotency-sql.ts';
import { TENANT_SQL } from '../../src/store/sql/tenant-sql.ts';
import { migrate } from '../../src/store/sqlite/migrate.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { createTestDatabase, PG_SKIP_REASON, type TestDatabase } from '../helpers/postgres.ts';

type AnyStatement = Statement<never[]>;

/** Every statement of the shared modules, by name. */
const SHARED: [string, AnyStatement][] = Object.entries({ TENANT_SQL, CREDENTIAL_SQL, CUSTOMER_SQL, HISTORY_SQL, IDEMPOTENCY_SQL }).flatMap(([module, statements]) =>
  Object.entries(statements).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((statement, i, all): [string, AnyStatement] => [
      `${module}.${name}${all.length > 1 ? `[${i}]` : ''}`,
      statement as AnyStatement,
    ]),
  ),
);

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

describe('Shared SQL: rendering', () => {
  it('numbers PostgreSQL placeholders in order, one for each SQLite `?`', () => {
    assert.ok(SHARED.length >= 25);
    for (const [name, statement] of SHARED) {
      const placeholders = count(statement.sqlite, /\?/g);
      assert.equal(count(statement.sqlite, /\$\d/g), 0, name);
      assert.equal(count(statement.postgres, /\?/g), 0, name);
      assert.deepEqual(statement.postgres.match(/\$\d+/g) ?? [], Array.from({ length: placeholders }, (_, i) => `$${i + 1}`), name);
    }
  });

  it('writes locks and least() the way each dialect needs', () => {
    assert.match(TENANT_SQL.selectForUpdate.postgres, /WHERE id = \$1 FOR UPDATE$/);
    assert.equal(TENANT_SQL.selectForUpdate.sqlite, TENANT_SQL.select.sqlite, 'SQLite writers already hold the write lock');
    assert.match(TENANT_SQL.emailUniqueness.postgres, /FOR KEY SHARE$/);
    assert.match(CREDENTIAL_SQL.expireKeys.sqlite, /expires_at = min\(coalesce\(expires_at, \?\), \?\)/);
    assert.match(CREDENTIAL_SQL.expireKeys.postgres, /expires_at = least\(coalesce\(expires_at, \$1\), \$2\)/);
  });

  it('binds built statements in the order they are written', () => {
    for (const [dialect, expected] of [[SQLITE, 'a = ? AND b = ?'], [POSTGRES, 'a = $1 AND b = $2']] as const) {
      const params = new SqlParams(dialect);
      assert.equal(`a = ${params.bind(1)} AND b = ${params.bind('two')}`, expected);
      assert.deepEqual(params.values, [1, 'two']);
    }
    assert.equal(render(POSTGRES, 'x IN (?, ?, ?)'), 'x IN ($1, $2, $3)');
  });

  it("escapes LIKE's wildcards in PostgreSQL's substring test; SQLite's instr needs none", () => {
    const params = new SqlParams(POSTGRES);
    assert.equal(POSTGRES.contains('name_lower', '100%_\\', params), 'name_lower LIKE $1');
    assert.deepEqual(params.values, ['%100\\%\\_\\\\%']);
    const sqliteParams = new SqlParams(SQLITE);
    assert.equal(SQLITE.contains('name_lower', '100%_', sqliteParams), 'instr(name_lower, ?) > 0');
    assert.deepEqual(sqliteParams.values, ['100%_']);
  });
});

describe('Shared SQL: SQLite accepts every statement', () => {
  it('prepares each against the migrated schema', () => {
    const db = new Database(':memory:');
    db.function('unicode_lower', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : text));
    migrate(db);
    for (const [name, statement] of SHARED) assert.doesNotThrow(() => db.prepare(statement.sqlite), name);
    db.close();
  });
});

describe('Shared SQL: PostgreSQL accepts every statement', { skip: PG_SKIP_REASON }, () => {
  let database: TestDatabase;
  let client: pg.Client;
  before(async () => {
    database = await createTestDatabase();
    await (await PostgresStore.open(database.url, { poolMax: 1 })).close();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  after(async () => {
    await client?.end();
    await database?.drop();
  });

  it('prepares each against the migrated schema', async () => {
    for (const [i, [name, statement]] of SHARED.entries()) {
      await assert.doesNotReject(client.query(`PREPARE shared_${i} AS ${statement.postgres}`), name);
    }
  });
});
