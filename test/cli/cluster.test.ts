/**
 * Several `clientele` processes on one store, as a deployment runs them: real `bin/clientele.js`
 * child processes, real HTTP. On PostgreSQL: concurrent migrations and first starts, one e-mail
 * raced through four servers, concurrent partial updates of one customer through four servers,
 * read-your-writes across servers, and a server losing its database connection (through a TCP
 * proxy that the test cuts) and getting it back without a restart. On SQLite: two servers on one
 * data directory, the same races.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createTestDatabase, ownPostgresForFile, PG_SKIP_REASON, type TestDatabase } from '../helpers/postgres.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { cliHarness, ROOT, type Served } from '../helpers/cli.ts';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';

const PG_MIGRATIONS_DIR = join(ROOT, 'src', 'store', 'postgres', 'migrations');
const ANY_KEY = /sk_(?:test|live)_[0-9A-Za-z]+/g;
/** Generous: ten or more processes compiling TypeScript at once on a small machine. */
const CHILD_TIMEOUT_MS = 45_000;

// ---------------------------------------------------------------------------------------------
// Child processes and temp directories, always cleaned up

const { tempDir, cli, startServe } = cliHarness({ prefix: 'clientele-cluster-', timeoutMs: CHILD_TIMEOUT_MS, stopTimeoutMs: 10_000 });

ownPostgresForFile();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The test and live keys of the one server (of `servers`) that provisioned tenant "default". */
function provisionedKeys(servers: Served[]): { test: string; live: string; printedBy: number[] } {
  const printedBy = servers.flatMap((s, i) => ((s.banner.match(ANY_KEY) ?? []).length > 0 || /Created tenant/.test(s.banner) ? [i] : []));
  assert.equal(printedBy.length, 1, `exactly one of ${servers.length} servers started together must print keys; printed by: [${printedBy.join(', ')}]\n` +
    servers.map((s, i) => `--- server ${i} banner:\n${s.banner}`).join('\n'));
  const banner = servers[printedBy[0]!]!.banner;
  const keys = banner.match(ANY_KEY) ?? [];
  assert.equal(keys.length, 2, `two keys expected in the banner:\n${banner}`);
  const test = keys.find((k) => k.startsWith('sk_test_'));
  const live = keys.find((k) => k.startsWith('sk_live_'));
  assert.ok(test && live, banner);
  return { test, live, printedBy };
}

/** Log lines of requests answered 5xx other than 503, and errors logged as unhandled. */
function serverErrors(server: Served): string[] {
  return server
    .stdout()
    .split('\n')
    .filter((l) => /"statusCode":5(?!03)\d\d/.test(l) || /unhandled error/.test(l) || /"level":(?:50|60)/.test(l));
}

// ---------------------------------------------------------------------------------------------
// HTTP against the child servers

interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
  /** Milliseconds from sending to the whole body. */
  ms: number;
}

async function api(base: string, method: string, path: string, key: string | null, form?: Record<string, string>): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const started = performance.now();
  const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  const ms = performance.now() - started;
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text, ms };
}

function tally(replies: { status: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of replies) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

const ms = (n: number) => `${Math.round(n)} ms`;
const uniqueEmail = (what: string) => `${what}-${randomBytes(5).toString('hex')}@example.com`;

function assertRetryable503(r: Reply, what: string): void {
  assert.equal(r.status, 503, `${what}: expected 503, got ${r.status} ${r.text}`);
  assert.equal(r.body?.error?.type, 'api_error', `${what}: a 503 is a Stripe error envelope with type api_error: ${r.text}`);
  assert.equal(typeof r.body?.error?.message, 'string', `${what}: ${r.text}`);
  assert.equal(r.headers.get('stripe-should-retry'), 'true', `${what}: Stripe-Should-Retry header`);
}

// ---------------------------------------------------------------------------------------------
// Shared scenarios, run on PostgreSQL (four servers) and on SQLite (two)

interface RaceResult {
  winner: Reply;
  email: string;
}

/** 200 simultaneous creates of one e-mail, round-robin over `servers`: one 200, 199 × 409. */
async function raceOneEmail(servers: Served[], key: string, diagnostic: (msg: string) => void): Promise<RaceResult> {
  const N = 200;
  const email = uniqueEmail('race');
  // One warm-up request per server, so the race measures the store, not the first connection.
  for (const s of servers) assert.equal((await api(s.url, 'GET', '/v1/customers?limit=1', key)).status, 200);
  const started = performance.now();
  const replies = await Promise.all(
    Array.from({ length: N }, (_, i) => api(servers[i % servers.length]!.url, 'POST', '/v1/customers', key, { email, description: `attempt ${i}` })),
  );
  const wall = performance.now() - started;
  const counts = tally(replies);
  const slowest = Math.max(...replies.map((r) => r.ms));
  const perServer = servers.map((_, s) => JSON.stringify(tally(replies.filter((_, i) => i % servers.length === s))));
  diagnostic(`${N} simultaneous creates of one e-mail over ${servers.length} servers: wall ${ms(wall)}, slowest ${ms(slowest)}, statuses ${JSON.stringify(counts)}; per server ${perServer.join(' ')}`);

  const others = replies.filter((r) => r.status !== 200 && r.status !== 409);
  assert.deepEqual(others.map((r) => `${r.status} ${r.text}`), [], 'statuses other than 200 and 409');
  assert.equal(counts[200], 1, `exactly one create may succeed; statuses ${JSON.stringify(counts)}`);
  assert.equal(counts[409], N - 1, `statuses ${JSON.stringify(counts)}`);
  for (const r of replies) {
    if (r.status !== 409) continue;
    assert.equal(r.body?.error?.type, 'invalid_request_error', r.text);
    assert.equal(r.body?.error?.code, 'resource_already_exists', r.text);
    assert.equal(r.body?.error?.param, 'email', r.text);
    assert.equal(typeof r.body?.error?.message, 'string', r.text);
  }
  const winner = replies.find((r) => r.status === 200)!;
  assert.equal(winner.body.email, email);

  // Every server sees the winner, and only it, under that e-mail.
  for (const s of servers) {
    const listed = await api(s.url, 'GET', `/v1/customers?email=${encodeURIComponent(email)}&limit=100`, key);
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.body.data.map((c: { id: string }) => c.id), [winner.body.id], `server ${s.url} lists the e-mail`);
  }
  return { winner, email };
}

interface Field {
  /** The form parameter a worker sets. */
  param: string;
  /** Reads the field from a customer object. */
  read: (customer: any) => unknown;
  /** The value-prefix: round r sets `${label}-${r}`. */
  label: string;
}

const FIELDS: Field[] = [
  { param: 'name', read: (c) => c.name, label: 'name' },
  { param: 'phone', read: (c) => c.phone, label: 'phone' },
  { param: 'description', read: (c) => c.description, label: 'description' },
  { param: 'metadata[w3]', read: (c) => c.metadata?.w3, label: 'metadata' },
];

/**
 * One worker per server, each setting its own field of one customer `rounds` times in sequence,
 * all workers concurrently. Returns the customer's wire id. Every update must answer 200 with
 * the worker's own value in place.
 */
async function concurrentFieldUpdates(
  servers: Served[],
  key: string,
  rounds: number,
  diagnostic: (msg: string) => void,
  /** The store's version counter of the customer with this e-mail, read from the store itself. */
  storedVersion: (email: string) => Promise<number>,
): Promise<{ id: string; email: string; versionBefore: number; versionAfter: number }> {
  const fields = FIELDS.slice(0, servers.length);
  assert.equal(fields.length, servers.length, 'one field per server');
  const email = uniqueEmail('updates');
  const made = await api(servers[0]!.url, 'POST', '/v1/customers', key, {
    email,
    name: 'initial',
    'metadata[keep]': 'kept',
    'metadata[w3]': 'initial',
  });
  assert.equal(made.status, 200, made.text);
  const id: string = made.body.id;
  const versionBefore = await storedVersion(email);

  const started = performance.now();
  const latencies: number[] = [];
  const failures: string[] = [];
  await Promise.all(
    fields.map(async (field, w) => {
      const server = servers[w]!;
      for (let round = 0; round < rounds; round++) {
        const value = `${field.label}-${round}`;
        const r = await api(server.url, 'POST', `/v1/customers/${id}`, key, { [field.param]: value });
        latencies.push(r.ms);
        if (r.status !== 200) {
          failures.push(`worker ${w} round ${round}: ${r.status} ${r.text}`);
          continue;
        }
        // The response is the customer after this very write.
        if (field.read(r.body) !== value) failures.push(`worker ${w} round ${round}: response holds ${JSON.stringify(field.read(r.body))}, not ${value}`);
      }
    }),
  );
  const wall = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  diagnostic(
    `${fields.length} workers × ${rounds} sequential updates of one customer (fields ${fields.map((f) => f.param).join(', ')}), one server each: ` +
      `wall ${ms(wall)}, ${Math.round((fields.length * rounds * 1000) / wall)} updates/s, latency p50 ${ms(p(0.5))} p95 ${ms(p(0.95))} max ${ms(p(1))}, failures ${failures.length}`,
  );
  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} updates failed`);

  // Through every server: each field holds its worker's last value; untouched metadata survives.
  for (const s of servers) {
    const got = await api(s.url, 'GET', `/v1/customers/${id}`, key);
    assert.equal(got.status, 200, got.text);
    for (const field of fields) assert.equal(field.read(got.body), `${field.label}-${rounds - 1}`, `${field.param} via ${s.url} — a lost update`);
    assert.equal(got.body.metadata.keep, 'kept', `metadata set before the test was lost: ${JSON.stringify(got.body.metadata)}`);
    if (!fields.some((f) => f.param === 'metadata[w3]')) assert.equal(got.body.metadata.w3, 'initial');
    assert.equal(got.body.email, email);
  }
  const versionAfter = await storedVersion(email);
  diagnostic(`store version of the customer: ${versionBefore} after create, ${versionAfter} after ${fields.length * rounds} updates`);
  return { id, email, versionBefore, versionAfter };
}

/** The files a fresh PostgreSQL database must record in schema_migrations. */
function pgMigrationVersions(): string[] {
  return readdirSync(PG_MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.replace(/\.sql$/, ''))
    .sort();
}

// ---------------------------------------------------------------------------------------------

describe('PostgreSQL: many clientele processes on one database', { skip: PG_SKIP_REASON }, () => {
  let db: TestDatabase | undefined;
  let sql: pg.Client | undefined;
  let dir: string;
  let servers: Served[] = [];
  let key: string;

  before(async () => {
    db = await createTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    dir = tempDir();
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
    await sql?.end().catch(() => undefined);
    await db?.drop();
  });

  it('ten `clientele migrate` started at once on a fresh database all exit 0; each migration is recorded once', async (t) => {
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 10 }, () => cli(dir, ['migrate'], { DATABASE_URL: db!.url })));
    t.diagnostic(`10 concurrent migrate processes: wall ${ms(performance.now() - started)}, exit codes [${results.map((r) => r.code).join(',')}]`);
    for (const [i, r] of results.entries()) {
      assert.deepEqual([r.code, r.signal], [0, null], `migrate #${i} failed\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      assert.match(r.stdout, /Migrations applied/, `migrate #${i}`);
    }
    const expected = pgMigrationVersions();
    assert.ok(expected.length > 0, 'sanity: there are migration files');
    const recorded = (await sql!.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
    assert.deepEqual(recorded, expected, 'schema_migrations: exactly one row per .sql file');
    const tables = (await sql!.query<{ n: string }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('tenants','api_keys','customers')`)).rows[0]!;
    assert.equal(Number(tables.n), 3);
    // Migrating provisions nothing: the database is still tenant-less for the next test.
    assert.equal(Number((await sql!.query<{ n: string }>('SELECT count(*) AS n FROM tenants')).rows[0]!.n), 0);
  });

  it('four `serve` started at once on the tenant-less database: exactly one provisions tenant "default" and prints its keys', async (t) => {
    const started = performance.now();
    servers = await Promise.all(Array.from({ length: 4 }, () => startServe(dir, { DATABASE_URL: db!.url })));
    t.diagnostic(`4 concurrent serve processes listening after ${ms(performance.now() - started)}`);
    const keys = provisionedKeys(servers);
    t.diagnostic(`keys printed by server #${keys.printedBy.join(',')}`);
    const tenants = (await sql!.query<{ name: string }>('SELECT name FROM tenants')).rows;
    assert.deepEqual(tenants.map((r) => r.name), ['default'], 'one tenant row');
    assert.equal(Number((await sql!.query<{ n: string }>('SELECT count(*) AS n FROM api_keys')).rows[0]!.n), 2, 'one test and one live key');
    // Re-migrating on start did not duplicate anything either.
    assert.deepEqual((await sql!.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version), pgMigrationVersions());
    key = keys.test;
    for (const s of servers) {
      const r = await api(s.url, 'GET', '/v1/customers', key);
      assert.equal(r.status, 200, `the printed key on ${s.url}: ${r.text}`);
      assert.equal((await api(s.url, 'GET', '/healthz', null)).status, 200);
    }
  });

  it('200 simultaneous creates of one e-mail over four servers: one 200, 199 × 409 (param email), one row', async (t) => {
    assert.ok(key, 'needs the servers of the previous test');
    const { winner, email } = await raceOneEmail(servers, key, (m) => t.diagnostic(m));
    const rows = (await sql!.query<{ description: string; email_lower: string }>('SELECT description, email_lower FROM customers WHERE email = $1', [email])).rows;
    assert.equal(rows.length, 1, `rows with the e-mail in customers: ${rows.length}`);
    assert.equal(rows[0]!.description, winner.body.description, 'the stored row is the acknowledged one');
    const lower = (await sql!.query<{ n: string }>('SELECT count(*) AS n FROM customers WHERE email_lower = lower($1)', [email])).rows[0]!;
    assert.equal(Number(lower.n), 1);
  });

  it('four servers update different fields of one customer, 100 rounds each, concurrently: last values hold, no write lost (version +400)', async (t) => {
    assert.ok(key, 'needs the servers of the previous tests');
    const rounds = 100;
    const version = async (email: string) =>
      (await sql!.query<{ version: number }>('SELECT version FROM customers WHERE email = $1', [email])).rows[0]?.version ?? NaN;
    const { email, versionBefore, versionAfter } = await concurrentFieldUpdates(servers, key, rounds, (m) => t.diagnostic(m), version);
    assert.equal(versionAfter - versionBefore, 4 * rounds, `every committed update bumps the version once: ${versionBefore} → ${versionAfter}, expected +${4 * rounds}`);
    const [row] = (await sql!.query<{ name: string; phone: string; description: string; metadata: Record<string, string> }>(
      'SELECT name, phone, description, metadata FROM customers WHERE email = $1',
      [email],
    )).rows;
    assert.ok(row, 'the customer row');
    assert.deepEqual([row.name, row.phone, row.description], [`name-${rounds - 1}`, `phone-${rounds - 1}`, `description-${rounds - 1}`]);
    assert.deepEqual(row.metadata, { keep: 'kept', w3: `metadata-${rounds - 1}` });
  });

  it('read-your-writes across servers: create via A, at once retrieve via B, list and search via C', async (t) => {
    assert.ok(key, 'needs the servers of the previous tests');
    const [a, b, c] = [servers[0]!, servers[1]!, servers[2]!];
    const rounds = 10;
    let slowest = 0;
    for (let i = 0; i < rounds; i++) {
      const email = uniqueEmail(`ryw${i}`);
      const made = await api(a.url, 'POST', '/v1/customers', key, { email, name: `Read Your Writes ${i}`, 'metadata[round]': String(i) });
      assert.equal(made.status, 200, made.text);
      const started = performance.now();
      const [got, listed, found] = await Promise.all([
        api(b.url, 'GET', `/v1/customers/${made.body.id}`, key),
        api(c.url, 'GET', '/v1/customers?limit=3', key),
        api(c.url, 'GET', `/v1/customers/search?query=${encodeURIComponent(`email:"${email}"`)}`, key),
      ]);
      slowest = Math.max(slowest, performance.now() - started);
      assert.equal(got.status, 200, `round ${i}: retrieve via B right after create via A: ${got.text}`);
      assert.deepEqual(got.body, made.body, `round ${i}: B's copy differs from what A returned`);
      assert.equal(listed.status, 200, listed.text);
      assert.equal(listed.body.data[0]?.id, made.body.id, `round ${i}: list via C does not start with the new customer`);
      assert.deepEqual(listed.body.data[0], made.body);
      assert.equal(found.status, 200, found.text);
      assert.deepEqual(found.body.data.map((x: { id: string }) => x.id), [made.body.id], `round ${i}: search via C by e-mail`);
    }
    t.diagnostic(`${rounds} rounds of create via A then retrieve/list/search via B/C: all consistent, slowest read trio ${ms(slowest)}`);
  });

  it('no server answered a 5xx other than 503 or logged an unhandled error; all four stop on SIGTERM with exit 0', async () => {
    assert.equal(servers.length, 4, 'needs the servers of the previous tests');
    for (const [i, s] of servers.entries()) assert.deepEqual(serverErrors(s), [], `server #${i}`);
    const exits = await Promise.all(servers.map((s) => s.stop()));
    for (const [i, e] of exits.entries()) assert.deepEqual(e, { code: 0, signal: null }, `server #${i} exit\nstderr: ${servers[i]!.stderr()}`);
  });
});

describe('PostgreSQL: three servers share the webhook deliveries', { skip: PG_SKIP_REASON }, () => {
  let db: TestDatabase | undefined;
  let servers: Served[] = [];
  let receiver: Receiver | undefined;

  after(async () => {
    await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
    await receiver?.close();
    await db?.drop();
  });

  it('each event is delivered exactly once when no server crashes, whichever server wrote it', async (t) => {
    db = await createTestDatabase();
    const dir = tempDir();
    const env = { DATABASE_URL: db.url, CLIENTELE_WEBHOOK_ALLOW_PRIVATE: '1' };
    servers = await Promise.all(Array.from({ length: 3 }, () => startServe(dir, env)));
    const key = provisionedKeys(servers).test;
    receiver = await startReceiver();
    const endpoint = await api(servers[0]!.url, 'POST', '/v1/webhook_endpoints', key, { url: receiver.url, 'enabled_events[0]': '*' });
    assert.equal(endpoint.status, 200, endpoint.text);
    const N = 300;
    const started = performance.now();
    const made = await Promise.all(Array.from({ length: N }, (_, i) => api(servers[i % 3]!.url, 'POST', '/v1/customers', key, { name: `Shared ${i}` })));
    assert.deepEqual(tally(made), { 200: N });
    const updated = await Promise.all(made.map((r, i) => api(servers[(i + 1) % 3]!.url, 'POST', `/v1/customers/${r.body.id}`, key, { name: `Shared ${i} b` })));
    assert.deepEqual(tally(updated), { 200: N });
    const ids = () => new Set(receiver!.received.map((r) => JSON.parse(r.body).id as string));
    await receiver.waitFor(() => ids().size === 2 * N, 30_000, `${2 * N} events`);
    const drained = performance.now() - started;
    await sleep(1500);
    t.diagnostic(`${2 * N} events written through 3 servers, all delivered ${ms(drained)} after the first write; ${receiver.received.length} deliveries`);
    assert.equal(receiver.received.length, 2 * N, 'no event delivered twice');
    // Each customer's created event came before its updated one.
    const order = new Map<string, string[]>();
    for (const r of receiver.received) {
      const event = JSON.parse(r.body);
      order.set(event.data.object.id, [...(order.get(event.data.object.id) ?? []), event.type]);
    }
    for (const [id, types] of order) assert.deepEqual(types, ['customer.created', 'customer.updated'], id);
  });
});

describe('PostgreSQL: a server losing its database connection and getting it back', { skip: PG_SKIP_REASON }, () => {
  let db: TestDatabase | undefined;
  let sql: pg.Client | undefined;
  let proxy: TcpProxy | undefined;
  let dir: string;
  let serveEnv: Record<string, string>;
  /** The server under test; replaced only when an earlier test left it dead (see ensureServer). */
  let server: Served | undefined;
  /** Every server process this describe started, for the log checks at the end. */
  const started: Served[] = [];
  let key: string;
  let customer: any;

  before(async () => {
    db = await createTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const real = new URL(db.url);
    proxy = await startTcpProxy({ host: real.hostname || '127.0.0.1', port: Number(real.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.hostname = proxy.host;
    viaProxy.port = String(proxy.port);
    dir = tempDir();
    serveEnv = { DATABASE_URL: viaProxy.toString(), PGPOOL_MAX: '5' };
    server = await startServe(dir, serveEnv);
    started.push(server);
    key = provisionedKeys([server]).test;
  });
  after(async () => {
    await server?.stop().catch(() => undefined);
    await proxy?.close();
    await sql?.end().catch(() => undefined);
    await db?.drop();
  });

  /**
   * An earlier test in this describe may have failed by killing the server; start a new one on
   * the same database so that this test checks its own behaviour rather than fail along.
   */
  async function ensureServer(t: { diagnostic(msg: string): void }): Promise<Served> {
    if (server!.alive()) return server!;
    t.diagnostic('the server died in an earlier test: a new process is started for this one');
    server = await startServe(dir, serveEnv);
    started.push(server);
    return server;
  }

  /** A request that reports a failed connection as status 0 instead of throwing. */
  async function attempt(base: string, method: string, path: string, form?: Record<string, string>): Promise<Reply> {
    try {
      return await api(base, method, path, path === '/healthz' ? null : key, form);
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      return { status: 0, headers: new Headers(), body: undefined, text: `no response: ${cause?.code ?? cause?.message ?? String(err)}`, ms: NaN };
    }
  }

  /** Polls GET of the customer until 200; returns how long it took. */
  async function recovers(s: Served, what: string, withinMs: number): Promise<{ ms: number; statuses: Record<number, number> }> {
    const t0 = performance.now();
    const seen: Reply[] = [];
    for (;;) {
      assert.ok(s.alive(), `${what}: the server process died\nstderr: ${s.stderr()}`);
      const r = await attempt(s.url, 'GET', `/v1/customers/${customer.id}`);
      seen.push(r);
      if (r.status === 200) {
        assert.equal(r.body.id, customer.id);
        return { ms: performance.now() - t0, statuses: tally(seen) };
      }
      assertRetryable503(r, `${what}: while recovering, only 503 is acceptable`);
      assert.ok(performance.now() - t0 < withinMs, `${what}: still ${r.status} after ${withinMs} ms`);
      await sleep(100);
    }
  }

  it('through the proxy, the server works (baseline)', async () => {
    const made = await api(server!.url, 'POST', '/v1/customers', key, { email: uniqueEmail('outage'), name: 'Survives Outages', 'metadata[k]': 'v' });
    assert.equal(made.status, 200, made.text);
    customer = made.body;
    const got = await api(server!.url, 'GET', `/v1/customers/${customer.id}`, key);
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(await api(server!.url, 'GET', '/healthz', null).then((r) => [r.status, r.body]), [200, { status: 'ok' }]);
    assert.ok(proxy!.live > 0, 'sanity: the server talks to PostgreSQL through the proxy');
  });

  it('proxy cut while idle (connections reset, new ones refused): 503 + Stripe-Should-Retry within ~6 s, never 500, process alive', async (t) => {
    const s = server!;
    await proxy!.cut();
    const timings: string[] = [];
    for (let round = 0; round < 3; round++) {
      const [get, post, health] = await Promise.all([
        attempt(s.url, 'GET', `/v1/customers/${customer.id}`),
        attempt(s.url, 'POST', '/v1/customers', { email: uniqueEmail('during'), name: 'During Outage' }),
        attempt(s.url, 'GET', '/healthz'),
      ]);
      timings.push(`GET ${get.status}/${ms(get.ms)} POST ${post.status}/${ms(post.ms)} healthz ${health.status}/${ms(health.ms)}`);
      assertRetryable503(get, `round ${round}: GET /v1/customers/:id with the database unreachable`);
      assertRetryable503(post, `round ${round}: POST /v1/customers with the database unreachable`);
      assert.equal(health.status, 503, `round ${round}: /healthz: ${health.text}`);
      assert.deepEqual(health.body, { status: 'unavailable' });
      for (const r of [get, post, health]) assert.ok(r.ms < 6500, `round ${round}: an answer took ${ms(r.ms)}`);
    }
    t.diagnostic(`refused outage, 3 rounds: ${timings.join(' | ')}`);
    assert.ok(s.alive(), `the server process died\nstderr: ${s.stderr()}`);
  });

  it('proxy restored: the same server process answers 200 again within seconds, without a restart', async (t) => {
    const s = server!;
    await proxy!.restore();
    const back = await recovers(s, 'after restore', 10_000);
    t.diagnostic(`recovered after restore in ${ms(back.ms)} (statuses while polling ${JSON.stringify(back.statuses)})`);
    const made = await api(s.url, 'POST', '/v1/customers', key, { email: uniqueEmail('after'), name: 'After Outage' });
    assert.equal(made.status, 200, made.text);
    assert.deepEqual(await api(s.url, 'GET', '/healthz', null).then((r) => [r.status, r.body]), [200, { status: 'ok' }]);
    assert.ok(s.alive());
    assert.equal(started.length, 1, 'no restart');
    // Nothing the server refused during the outage was stored.
    const during = (await sql!.query<{ n: string }>(`SELECT count(*) AS n FROM customers WHERE name = 'During Outage'`)).rows[0]!;
    assert.equal(Number(during.n), 0, 'a create answered 503 was stored anyway');
  });

  /**
   * Ten clients creating customers back to back through `s` (twice its pool of five, so that
   * connections are nearly always checked out in a transaction); `breakIt` runs once they are
   * under way, and the load goes on for a moment after it. Every reply, and whether `s` survived.
   */
  async function underWriteLoad(s: Served, tag: string, breakIt: () => Promise<void>): Promise<{ replies: Reply[]; beforeBreak: number; alive: boolean }> {
    let stop = false;
    const replies: Reply[] = [];
    const workers = Array.from({ length: 10 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const r = await attempt(s.url, 'POST', '/v1/customers', { email: uniqueEmail(`${tag}${w}-${i}`), description: `in flight: ${tag}` });
        replies.push(r);
        if (r.status === 0) return;
      }
    });
    await sleep(300);
    const beforeBreak = replies.length;
    await breakIt();
    await sleep(300);
    stop = true;
    await Promise.all(workers);
    await sleep(100);
    return { replies, beforeBreak, alive: s.alive() };
  }

  function describeLoad(what: string, s: Served, load: { replies: Reply[]; beforeBreak: number; alive: boolean }): string {
    const state = load.alive ? 'alive' : `DEAD (exit ${s.child.exitCode ?? s.child.signalCode}); stderr: ${s.stderr().split('\n').slice(0, 5).join(' / ')}`;
    return `creates in flight around ${what}: ${load.beforeBreak} answered before it, ${load.replies.length} in all, statuses ${JSON.stringify(tally(load.replies))}; server ${state}`;
  }

  function assertSurvived(what: string, s: Served, load: { replies: Reply[]; beforeBreak: number; alive: boolean }): void {
    assert.ok(load.beforeBreak > 0, 'sanity: the writes were under way before the break');
    assert.ok(load.alive, `the server process died when ${what} under in-flight writes\nstderr: ${s.stderr()}`);
    for (const r of load.replies) {
      assert.ok(r.status === 200 || r.status === 503, `a write in flight when ${what} got ${r.status} ${r.text}`);
      if (r.status === 503) assertRetryable503(r, `a write in flight when ${what}`);
    }
  }

  it('proxy cut while writes are in flight: each write gets 200 or 503, the process survives and recovers', async (t) => {
    const s = await ensureServer(t);
    const load = await underWriteLoad(s, 'cut', () => proxy!.cut());
    t.diagnostic(describeLoad('the proxy cut', s, load));
    await proxy!.restore();
    assertSurvived('the database connection dropped', s, load);
    const back = await recovers(s, 'after the in-flight cut', 10_000);
    t.diagnostic(`recovered after the in-flight cut in ${ms(back.ms)}`);
  });

  it('proxy blackholed (connections accepted, never answered): 503 within ~6 s (connect timeout), then recovery', async (t) => {
    const s = await ensureServer(t);
    await recovers(s, 'before the blackhole', 10_000);
    await proxy!.cut('blackhole');
    const [get, post, health] = await Promise.all([
      attempt(s.url, 'GET', `/v1/customers/${customer.id}`),
      attempt(s.url, 'POST', '/v1/customers', { email: uniqueEmail('blackhole'), name: 'During Outage' }),
      attempt(s.url, 'GET', '/healthz'),
    ]);
    t.diagnostic(`blackholed: GET ${get.status}/${ms(get.ms)} POST ${post.status}/${ms(post.ms)} healthz ${health.status}/${ms(health.ms)}`);
    assertRetryable503(get, 'GET with the database blackholed');
    assertRetryable503(post, 'POST with the database blackholed');
    assert.equal(health.status, 503, health.text);
    for (const r of [get, post, health]) assert.ok(r.ms < 6500, `an answer took ${ms(r.ms)} (the pool's connection timeout is 5 s)`);
    assert.ok(s.alive(), `stderr: ${s.stderr()}`);
    await proxy!.restore();
    const back = await recovers(s, 'after blackhole', 10_000);
    t.diagnostic(`recovered after blackhole in ${ms(back.ms)}`);
  });

  it('pg_terminate_backend of all its connections while idle: 200 or 503 (never 500), no crash, then 200 again', async (t) => {
    const s = await ensureServer(t);
    // Fill the pool with idle connections.
    const warm = await Promise.all(Array.from({ length: 8 }, () => attempt(s.url, 'GET', `/v1/customers/${customer.id}`)));
    assert.deepEqual(tally(warm), { 200: 8 });
    await sleep(50);
    const terminated = (
      await sql!.query<{ ok: boolean }>(
        'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [db!.name],
      )
    ).rows;
    assert.ok(terminated.length > 0, 'sanity: the server had connections to terminate');
    assert.ok(terminated.every((r) => r.ok));

    const next: Reply[] = [];
    for (let i = 0; i < 5; i++) {
      next.push(
        ...(await Promise.all([
          attempt(s.url, 'GET', `/v1/customers/${customer.id}`),
          attempt(s.url, 'POST', `/v1/customers/${customer.id}`, { 'metadata[after_terminate]': String(i) }),
          attempt(s.url, 'GET', '/healthz'),
        ])),
      );
    }
    t.diagnostic(`terminated ${terminated.length} backends; the next ${next.length} requests: ${JSON.stringify(tally(next))}`);
    for (const r of next) {
      assert.ok(r.status === 200 || r.status === 503, `after pg_terminate_backend: ${r.status} ${r.text}`);
      if (r.status === 503 && r.body?.error) assertRetryable503(r, 'after pg_terminate_backend');
    }
    await sleep(200);
    assert.ok(s.alive(), `the server died after pg_terminate_backend\nstderr: ${s.stderr()}`);
    const back = await recovers(s, 'after pg_terminate_backend', 5000);
    t.diagnostic(`200 again ${ms(back.ms)} after the burst`);
    assert.equal((await api(s.url, 'GET', '/healthz', null)).status, 200);
  });

  it('pg_terminate_backend while writes are in flight (no proxy involved): each write gets 200 or 503, the process survives', async (t) => {
    const s = await ensureServer(t);
    let terminated = 0;
    const load = await underWriteLoad(s, 'terminate', async () => {
      // Three times, 50 ms apart: each time, whatever connections the server has then.
      for (let i = 0; i < 3; i++) {
        if (i > 0) await sleep(50);
        terminated += (
          await sql!.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db!.name])
        ).rowCount ?? 0;
      }
    });
    t.diagnostic(`terminated ${terminated} backends; ` + describeLoad('pg_terminate_backend', s, load));
    assert.ok(terminated > 0, 'sanity: there were connections to terminate');
    assertSurvived('PostgreSQL terminated its connections', s, load);
    const back = await recovers(s, 'after pg_terminate_backend under load', 5000);
    t.diagnostic(`200 again ${ms(back.ms)} after the load`);
  });

  it('no 5xx other than 503 answered or logged through all of it; SIGTERM still exits 0', async (t) => {
    for (const [i, s] of started.entries()) assert.deepEqual(serverErrors(s), [], `server process #${i}`);
    const s = await ensureServer(t);
    assert.equal((await attempt(s.url, 'GET', `/v1/customers/${customer.id}`)).status, 200);
    const exit = await s.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, `stderr: ${s.stderr()}`);
  });
});

describe('SQLite: two server processes on one data directory', () => {
  let dir: string;
  let servers: Served[] = [];
  let key: string;

  before(() => {
    dir = tempDir();
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
  });

  /** The SQLite file, opened read-only for the duration of `fn`. */
  function readStore<T>(fn: (db: Database.Database) => T): T {
    const db = new Database(join(dir, 'clientele.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  }

  it('two `serve` started at once on an empty data directory: exactly one prints keys', async (t) => {
    const started = performance.now();
    servers = await Promise.all([startServe(dir), startServe(dir)]);
    t.diagnostic(`2 concurrent serve processes on one SQLite file listening after ${ms(performance.now() - started)}`);
    key = provisionedKeys(servers).test;
    assert.deepEqual(readStore((db) => db.prepare('SELECT name FROM tenants').all()), [{ name: 'default' }]);
    for (const s of servers) assert.equal((await api(s.url, 'GET', '/v1/customers', key)).status, 200);
  });

  it('200 simultaneous creates of one e-mail over two processes: one 200, 199 × 409, one row', async (t) => {
    assert.ok(key, 'needs the servers of the previous test');
    const { winner, email } = await raceOneEmail(servers, key, (m) => t.diagnostic(m));
    const rows = readStore((db) => db.prepare('SELECT description FROM customers WHERE email = ?').all(email)) as { description: string }[];
    assert.deepEqual(rows, [{ description: winner.body.description }], 'exactly one row, the acknowledged one');
  });

  it('two processes update different fields of one customer, 100 rounds each: last values hold, version +200', async (t) => {
    assert.ok(key, 'needs the servers of the previous tests');
    const rounds = 100;
    const version = async (email: string) =>
      (readStore((db) => db.prepare('SELECT version FROM customers WHERE email = ?').get(email)) as { version: number } | undefined)?.version ?? NaN;
    const { email, versionBefore, versionAfter } = await concurrentFieldUpdates(servers, key, rounds, (m) => t.diagnostic(m), version);
    assert.equal(versionAfter - versionBefore, 2 * rounds, `every committed update bumps the version once: ${versionBefore} → ${versionAfter}, expected +${2 * rounds}`);
    const row = readStore((db) => db.prepare('SELECT name, phone, metadata FROM customers WHERE email = ?').get(email)) as
      | { name: string; phone: string; metadata: string }
      | undefined;
    assert.ok(row, 'the customer row');
    assert.deepEqual([row.name, row.phone], [`name-${rounds - 1}`, `phone-${rounds - 1}`]);
    assert.deepEqual(JSON.parse(row.metadata), { keep: 'kept', w3: 'initial' });
  });

  it('no 5xx other than 503 logged; both stop on SIGTERM with exit 0', async () => {
    assert.equal(servers.length, 2, 'needs the servers of the previous tests');
    for (const [i, s] of servers.entries()) assert.deepEqual(serverErrors(s), [], `server #${i}`);
    const exits = await Promise.all(servers.map((s) => s.stop()));
    for (const [i, e] of exits.entries()) assert.deepEqual(e, { code: 0, signal: null }, `server #${i} exit\nstderr: ${servers[i]!.stderr()}`);
  });
});
