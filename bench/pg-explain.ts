/**
 * Prints PostgreSQL's plan for every query shape the store sends, on a realistic table: one big
 * tenant plus neighbours, so that each plan must pick out one tenant's rows by index.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx bench/pg-explain.ts [rows]
 *
 * It creates a scratch database on that server, fills it with SQL (not through the API: this is
 * about plans, not load), runs each query through the real PostgresStore with EXPLAIN prepended,
 * and drops the database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { CUSTOMER_SEARCH_FIELDS } from '../src/domain/customers/search-fields.ts';
import { SYSTEM_WRITE } from '../src/domain/customers/write-context.ts';
import { newCustomer } from '../src/domain/customers/factory.ts';
import type { CustomerScope } from '../src/domain/customers/model.ts';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { parseSearchQuery } from '../src/domain/customers/search-parser.ts';

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  process.stderr.write('Set DATABASE_URL to a PostgreSQL server (a scratch database is created on it).\n');
  process.exit(2);
}
const rows = Number(process.argv[2] ?? 200_000);
const name = `clientele_explain_${randomBytes(4).toString('hex')}`;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

await admin(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
const url = new URL(serverUrl);
url.pathname = '/' + name;
const store = await PostgresStore.open(url.toString());
const raw = new pg.Client({ connectionString: url.toString() });
await raw.connect();

try {
  const big: CustomerScope = { tenantId: 'tenant_big', mode: 'test' };
  for (const [tenant, count] of [['tenant_big', rows], ['tenant_a', rows / 4], ['tenant_b', rows / 4]] as const) {
    await raw.query(`INSERT INTO tenants (id, name, created) VALUES ($1, $1, 0)`, [tenant]);
    // Rows built in SQL from a series; the store's own write path is exercised by the test suite.
    await raw.query(
      `INSERT INTO customers (tenant_id, mode, id, created, updated, version, email, email_lower, email_unique,
         name, name_lower, phone, phone_lower, status, balance, delinquent, invoice_prefix, next_invoice_sequence,
         tax_exempt, invoice_settings, metadata, metadata_lower, fields_lower, preferred_locales, tax_ids, contacts)
       SELECT $1, CASE WHEN i % 10 = 0 THEN 'live' ELSE 'test' END, lpad(to_hex(i), 24, '0'),
         1700000000 + i / 3, (1700000000::bigint + i / 3) * 1000, 1,
         'user' || i || '@example.com', 'user' || i || '@example.com', 'user' || i || '@example.com',
         'Customer ' || md5(i::text), lower('Customer ' || md5(i::text)), '+1555' || lpad(i::text, 7, '0'), '+1555' || lpad(i::text, 7, '0'),
         'active', 0, false, upper(substr(md5(i::text), 1, 8)), 1, 'none', '{}',
         json_build_object('plan', 'p' || (i % 50), 'ref', i::text), jsonb_build_object('plan', 'p' || (i % 50), 'ref', i::text), '{"status": "active"}',
         '[]', '[]', '[]'
       FROM generate_series(1, $2::int) AS i`,
      [tenant, count],
    );
  }
  await raw.query('VACUUM ANALYZE customers');

  const pool = (store as unknown as { pool: pg.Pool }).pool;
  const plans: { title: string; sql: string; plan: string }[] = [];
  let title = '';
  // Every statement the store sends is explained instead of run (reads) or as well as run (writes roll back).
  const explain = async (sql: string, values: unknown[]) => {
    if (!/^\s*(SELECT|UPDATE|INSERT)/i.test(sql) || /pg_advisory|^SELECT 1$|FROM tenants/i.test(sql)) return;
    // Writes are explained without running them (ANALYZE would execute them, and wait on the
    // store's own row lock); reads are run, to show real row counts and time.
    const options = /^\s*SELECT/i.test(sql) && !/FOR UPDATE/i.test(sql) ? 'ANALYZE, COSTS OFF, SUMMARY ON' : 'COSTS OFF';
    const result = await raw.query(`EXPLAIN (${options}) ${sql}`, values);
    plans.push({ title, sql, plan: result.rows.map((r) => r['QUERY PLAN']).join('\n') });
  };
  const originalQuery = pool.query.bind(pool);
  (pool as unknown as { query: unknown }).query = async (sql: string, values?: unknown[]) => {
    await explain(sql, values ?? []);
    return originalQuery(sql, values);
  };
  const originalConnect = pool.connect.bind(pool);
  // pool.query() calls connect() with a callback; only the promise form (transactions) is wrapped.
  (pool as unknown as { connect: unknown }).connect = async (...args: unknown[]) => {
    if (args.length > 0) return (originalConnect as (...a: unknown[]) => unknown)(...args);
    const client = await originalConnect();
    const q = client.query.bind(client) as (sql: string, values?: unknown[]) => Promise<pg.QueryResult>;
    (client as unknown as { query: unknown }).query = async (sql: string, values?: unknown[]) => {
      if (typeof sql === 'string') await explain(sql, values ?? []);
      return q(sql, values);
    };
    return client;
  };

  const some = lpadHex(rows / 2 + 1); // i % 10 = 0 are live-mode rows; the big tenant is queried in test mode
  const search = (q: string) => parseSearchQuery(q, CUSTOMER_SEARCH_FIELDS);
  const shapes: [string, () => Promise<unknown>][] = [
    ['retrieve by id', () => store.getCustomer(big, some)],
    ['list, first page', () => store.listCustomers(big, { limit: 10 })],
    ['list, deep page via cursor', () => store.listCustomers(big, { limit: 10, cursor: { after: lpadHex(Math.floor(rows / 20) * 10 + 1), field: ['starting_after'] } })],
    ['list, email filter', () => store.listCustomers(big, { limit: 10, email: `user${rows / 2 + 1}@example.com` })],
    ['search email:"…" (case-insensitive)', () => store.searchCustomers(big, search(`email:"USER${rows / 2 + 1}@Example.com"`), { limit: 10 })],
    ['search name~"…" (substring)', () => store.searchCustomers(big, search('name~"a1b2c"'), { limit: 10 })],
    ['search email~"…" (substring)', () => store.searchCustomers(big, search('email~"user12345@"'), { limit: 10 })],
    ['search phone~"…" (substring)', () => store.searchCustomers(big, search('phone~"0012345"'), { limit: 10 })],
    ['search metadata["ref"]:"…"', () => store.searchCustomers(big, search(`metadata["ref"]:"${rows / 2 + 1}"`), { limit: 10 })],
    ['search name:"…" (exact)', () => store.searchCustomers(big, search('name:"customer c4ca4238a0b923820dcc509a6f75849b"'), { limit: 10 })],
    ['search, next page (after cursor) with total_count', () =>
      store.searchCustomers(big, search('metadata["plan"]:"p7"'), { limit: 10, withTotal: true, after: { created: 1700000000 + Math.floor(rows / 6), id: lpadHex(rows / 2) } })],
    ['update (row lock, then write)', () => store.updateCustomer(big, some, (c) => ({ ...c, name: 'Renamed', version: c.version + 1 }), SYSTEM_WRITE)],
    ['create (unique e-mail index)', () => store.insertCustomer(newCustomer(big, { email: 'new@example.com', name: 'New' }), SYSTEM_WRITE)],
  ];
  for (const [shape, run] of shapes) {
    title = shape;
    await run();
  }
  const seen = new Set<string>();
  for (const p of plans) {
    const key = p.title + p.sql;
    if (seen.has(key)) continue;
    seen.add(key);
    process.stdout.write(`\n### ${p.title}\n${p.sql.replace(/\s+/g, ' ').slice(0, 400)}\n${p.plan}\n`);
  }
  process.stdout.write(`\n(${rows} customers in the big tenant, ${rows / 2} more in two others; PostgreSQL ${(await raw.query('SHOW server_version')).rows[0].server_version})\n`);
} finally {
  await raw.end();
  await store.close();
  await admin(`DROP DATABASE ${name} WITH (FORCE)`);
}

function lpadHex(n: number): string {
  return Math.floor(n).toString(16).padStart(24, '0');
}
