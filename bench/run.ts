/**
 * `npm run bench`: the real server, as its own process, on a freshly loaded store, driven by
 * autocannon from another process; every scenario compared with the ceiling that bounds it.
 *
 *   npm run bench -- --quick                  10k customers, 3 s per scenario (2 s warm-up), SQLite and PostgreSQL
 *   npm run bench                             10k and 1M customers, 10 s per scenario (3 s warm-up)
 *   npm run bench -- --store sqlite --size 200000 --seconds 5
 *
 * PostgreSQL: the server at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 * a scratch database is created on it for each size and dropped afterwards. See bench/README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { CustomerScope } from '../src/domain/customers/model.ts';
import { TenantService } from '../src/domain/tenants/tenant-service.ts';
import { IMPORT_SQLITE_CACHE_MIB } from '../src/cli/import.ts';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../src/domain/store-port.ts';
import { bareRoute, rawPg, rawSqlite, type Throughput, type Timing } from './ceilings.ts';
import { createForm } from './data.ts';
import type { DriveResult, DriveSpec } from './drive.ts';
import { loadCustomers, sampleCustomers, type Sample } from './load.ts';
import { drive, ROOT, rssOf, startClientele, waitIdle } from './processes.ts';
import { benchWebhooks } from './webhooks.ts';
import { benchNeighbour, makeNeighbour } from './neighbour.ts';
import {
  int,
  printRun,
  refreshReadme,
  saveRun,
  sizeLabel,
  type CheckResult,
  type Machine,
  type ScenarioResult,
  type SizeRun,
  type StoreKind,
} from './report.ts';

const USAGE = `Usage: npm run bench -- [options]

  --quick                   10k customers only, 3 s per scenario after 2 s warm-up (CI-friendly)
  (default)                 the full run: 10k and 1M customers, 10 s per scenario after 3 s warm-up
  --store sqlite|postgres   one store only (default: both; PostgreSQL is skipped, loudly, when unreachable)
  --size N                  this many customers instead (repeatable)
  --seconds S               measured seconds per scenario
  --warmup S                warm-up seconds before each measurement
  --read-connections N      concurrent clients for reads (default 16)
  --write-connections N     concurrent clients for writes, and the raw pg pool (default 32)
  --pg-pool N               PGPOOL_MAX of the server under test (default: the write concurrency)

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
`;

const { values: flags } = parseArgs({
  args: process.argv.slice(2),
  options: {
    quick: { type: 'boolean', default: false },
    store: { type: 'string' },
    size: { type: 'string', multiple: true },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    'read-connections': { type: 'string' },
    'write-connections': { type: 'string' },
    'pg-pool': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

function positive(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`${name} must be a positive number, got '${raw}'\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const quick = flags.quick;
const sizes = flags.size?.length ? flags.size.map((s) => Math.floor(positive(s, '--size', 0))) : quick ? [10_000] : [10_000, 1_000_000];
const timing: Timing = { seconds: positive(flags.seconds, '--seconds', quick ? 3 : 10), warmupSeconds: positive(flags.warmup, '--warmup', quick ? 2 : 3) };
/** quick and full are the two documented runs; any override of their settings makes it a custom one. */
const mode: SizeRun['mode'] =
  flags.size?.length || flags.seconds || flags.warmup || flags['read-connections'] || flags['write-connections'] || flags['pg-pool']
    ? 'custom'
    : quick
      ? 'quick'
      : 'full';
const readConnections = positive(flags['read-connections'], '--read-connections', 16);
const writeConnections = positive(flags['write-connections'], '--write-connections', 32);
const pgPoolMax = positive(flags['pg-pool'], '--pg-pool', writeConnections);
if (flags.store !== undefined && flags.store !== 'sqlite' && flags.store !== 'postgres') {
  process.stderr.write(`--store is sqlite or postgres\n\n${USAGE}`);
  process.exit(2);
}
const pgServerUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const command =
  process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`
    : `node --import tsx bench/run.ts ${process.argv.slice(2).join(' ')}`.trim();

const say = (line: string) => process.stdout.write(line + '\n');
/** A latency as printed; null or NaN (nothing answered) as a dash. */
const fmtMs = (n: number | null) => (n === null || !Number.isFinite(n) ? '—' : n.toFixed(2));
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Cleanups still due (temp dirs, scratch databases): run on success, failure and Ctrl-C. */
const cleanups = new Set<() => Promise<void>>();
async function cleanupAll(): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    await cleanup().catch((err: unknown) => process.stderr.write(`cleanup failed: ${(err as Error).message}\n`));
  }
}
process.once('SIGINT', () => {
  process.stderr.write('\ninterrupted: cleaning up\n');
  void cleanupAll().finally(() => process.exit(130));
});

async function pgAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgServerUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function postgresVersion(): Promise<string | null> {
  const client = new pg.Client({ connectionString: pgServerUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return ((await client.query('SHOW server_version')).rows[0] as { server_version: string }).server_version;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh, empty database on the PostgreSQL server, dropped by the cleanup it registers. */
async function scratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `clientele_bench_${randomBytes(4).toString('hex')}`;
  await pgAdmin(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  const url = new URL(pgServerUrl);
  url.pathname = '/' + name;
  const drop = async () => {
    cleanups.delete(drop);
    await pgAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  };
  cleanups.add(drop);
  return { url: url.toString(), drop };
}

function tempDir(): { dir: string; remove: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-bench-'));
  const remove = async () => {
    cleanups.delete(remove);
    rmSync(dir, { recursive: true, force: true });
  };
  cleanups.add(remove);
  return { dir, remove };
}

const fromDrive = (r: DriveResult, note?: string): Throughput => ({
  perSecond: r.requestsPerSecond,
  p50Ms: r.latencyMs.p50,
  p99Ms: r.latencyMs.p99,
  concurrency: r.connections,
  ...(note ? { note } : {}),
});

// ---------------------------------------------------------------------------------------------
// Scenarios

interface ScenarioDef {
  name: string;
  write: boolean;
  request: (sample: Sample) => Pick<DriveSpec, 'method' | 'path' | 'body' | 'pools'> & { headers?: Record<string, string> };
}

/** Four-letter pieces of the sampled customers' last names: each matches about 1% of customers. */
function nameSubstrings(sample: Sample): string[] {
  const pieces = new Set<string>();
  for (const c of sample.spread) {
    const last = c.name.split(' ').at(-1)!.toLowerCase();
    if (last.length < 4) continue;
    const at = Math.floor(Math.random() * (last.length - 3));
    pieces.add(last.slice(at, at + 4));
  }
  return [...pieces];
}

const query = (q: string) => encodeURIComponent(q);
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const SCENARIOS: ScenarioDef[] = [
  { name: 'retrieve by id', write: false, request: (s) => ({ method: 'GET', path: '/v1/customers/__id__', pools: { id: s.spread.map((c) => c.id) } }) },
  { name: 'list, first page', write: false, request: () => ({ method: 'GET', path: '/v1/customers?limit=10', pools: {} }) },
  {
    name: 'list, deep page (cursor)',
    write: false,
    request: (s) => ({ method: 'GET', path: '/v1/customers?limit=10&starting_after=__id__', pools: { id: s.deep.map((c) => c.id) } }),
  },
  {
    name: 'search email:"…"',
    write: false,
    request: (s) => ({ method: 'GET', path: '/v1/customers/search?query=__q__', pools: { q: s.spread.map((c) => query(`email:"${c.email}"`)) } }),
  },
  {
    name: 'search name~"…" (substring)',
    write: false,
    request: (s) => ({ method: 'GET', path: '/v1/customers/search?query=__q__', pools: { q: nameSubstrings(s).map((p) => query(`name~"${p}"`)) } }),
  },
  {
    name: 'search name~"…", no match',
    write: false,
    request: () => ({ method: 'GET', path: `/v1/customers/search?query=${query('name~"xqzw"')}`, pools: {} }),
  },
  {
    name: 'update (name)',
    write: true,
    request: (s) => ({ method: 'POST', path: '/v1/customers/__id__', body: 'name=Renamed+__n__', headers: FORM, pools: { id: s.spread.map((c) => c.id) } }),
  },
  { name: 'create', write: true, request: () => ({ method: 'POST', path: '/v1/customers', body: createForm('__run__.__n__'), headers: FORM, pools: {} }) },
];

const LIST_OR_SEARCH = /^(list|search)/;
const P99_TARGET_MS = 5;

/** The ceiling a scenario is compared with, and its target, as issue 7 sets them. */
function judge(store: StoreKind, size: number, def: ScenarioDef, r: DriveResult, ceilings: Record<string, Throughput>): ScenarioResult {
  const rps = r.requestsPerSecond;
  const failed = r.non2xx + r.errors + r.timeouts;
  let ceilingName: string;
  if (def.write) ceilingName = store === 'postgres' ? 'raw pg single-row INSERT' : 'bare route POST';
  else if (def.name === 'retrieve by id' && store === 'postgres') ceilingName = 'raw pg primary-key SELECT';
  else if (def.name === 'list, first page') ceilingName = 'bare list (10 customers)';
  else ceilingName = 'bare route GET';
  const ceiling = ceilings[ceilingName]!;
  const ratio = round2(rps / ceiling.perSecond);
  let target: string | null = null;
  let met: boolean | null = null;
  const notes: string[] = [];
  const at1M = size >= 1_000_000 ? '' : ' (set for 1M)';
  if (def.name === 'retrieve by id' && store === 'sqlite') {
    target = '≥ 0.6× bare';
    met = ratio >= 0.6;
  } else if (def.name === 'retrieve by id' && store === 'postgres') {
    target = '≥ 0.7× raw pg SELECT';
    met = ratio >= 0.7;
  } else if (def.name === 'create' && store === 'sqlite') {
    target = '≥ 0.4× bare';
    met = ratio >= 0.4;
    const raw = ceilings['raw better-sqlite3, 1 row/commit'];
    if (raw) notes.push(`${round2(rps / raw.perSecond)}× the raw 1-row/commit loop`);
  } else if (def.name === 'create' && store === 'postgres') {
    target = '≥ 1.0× raw pg';
    met = ratio >= 1.0;
  } else if (LIST_OR_SEARCH.test(def.name)) {
    target = `p99 < ${P99_TARGET_MS} ms${at1M}`;
    met = r.latencyMs.p99 < P99_TARGET_MS;
  }
  if (def.name === 'list, first page') {
    target = `≥ 0.5× bare list; ${target}`;
    met = ratio >= 0.5 && met === true;
  } else if (LIST_OR_SEARCH.test(def.name)) {
    const list = ceilings['bare list (10 customers)'];
    if (list) notes.push(`${round2(rps / list.perSecond)}× bare 10-customer list`);
  }
  if (def.name === 'search name~"…", no match') notes.push('extra: worst case, every row examined unless indexed');
  if (r.ok === 0) {
    met = false;
    notes.push(`no request answered within the ${r.seconds} s period (${r.unanswered} still waiting)`);
  } else if (r.ok < 20 * r.connections) {
    notes.push(`only ${r.ok} answered, ${r.unanswered} still waiting at the end: the percentiles understate`);
  }
  if (failed > 0) met = false;
  return {
    name: def.name,
    connections: r.connections,
    requestsPerSecond: rps,
    p50Ms: r.latencyMs.p50,
    p99Ms: r.latencyMs.p99,
    failed,
    ...(r.firstFailure ? { failure: r.firstFailure.slice(0, 200) } : {}),
    ceiling: { name: ceilingName, perSecond: ceiling.perSecond },
    ratio,
    target,
    met,
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// One store at one size

async function openFresh(store: StoreKind): Promise<{ store: Store; server: { dataDir: string; databaseUrl?: string }; done: () => Promise<void> }> {
  const temp = tempDir();
  if (store === 'sqlite') {
    // The page cache `clientele import` opens SQLite with: the load is the import, measured as it runs.
    const store = await SqliteStore.open(join(temp.dir, 'clientele.sqlite'), { cacheMiB: IMPORT_SQLITE_CACHE_MIB });
    return { store, server: { dataDir: temp.dir }, done: temp.remove };
  }
  const db = await scratchDatabase();
  return {
    store: await PostgresStore.open(db.url, { poolMax: 32 }),
    server: { dataDir: temp.dir, databaseUrl: db.url },
    done: async () => {
      await db.drop();
      await temp.remove();
    },
  };
}

/**
 * The ceilings for one store and size, measured just before its scenarios (while nothing else
 * runs): on a shared machine the CPU a process gets drifts over minutes, and a ceiling measured
 * long before its scenario would skew the ratio.
 */
async function measureCeilings(kind: StoreKind, fresh: { server: { dataDir: string; databaseUrl?: string } }): Promise<Record<string, Throughput>> {
  say('ceilings…');
  const ceilings: Record<string, Throughput> = {};
  const bare = await bareRoute(timing, readConnections, writeConnections);
  ceilings['bare route GET'] = fromDrive(bare.retrieve, 'GET /v1/customers/:id, fixed customer');
  ceilings['bare route POST'] = fromDrive(bare.create, 'POST /v1/customers, form body parsed, fixed customer');
  ceilings['bare list (10 customers)'] = fromDrive(bare.list, 'GET /v1/customers, fixed page');
  if (kind === 'sqlite') {
    const raw = rawSqlite(fresh.server.dataDir, timing);
    ceilings['raw better-sqlite3, 1 row/commit'] = { ...raw.single, note: 'WAL, synchronous=FULL, one thread' };
    ceilings['raw better-sqlite3, batched'] = raw.batched;
  } else {
    // Its own table in the size's scratch database, dropped before the load.
    const raw = await rawPg(fresh.server.databaseUrl!, timing, writeConnections, readConnections);
    ceilings['raw pg single-row INSERT'] = { ...raw.insert, note: `autocommit, pool of ${writeConnections}` };
    ceilings['raw pg primary-key SELECT'] = { ...raw.select, note: `SELECT * by primary key, random ids, pool of ${readConnections}` };
  }
  for (const [name, t] of Object.entries(ceilings)) say(`  ${name}: ${int(t.perSecond)}/s, p50 ${fmtMs(t.p50Ms)} ms, p99 ${fmtMs(t.p99Ms)} ms at ${t.concurrency}`);
  return ceilings;
}


async function benchStore(kind: StoreKind, size: number, machine: Machine): Promise<SizeRun> {
  say(`\n--- ${kind}, ${sizeLabel(size)} customers ---`);
  const loadBefore = loadavg()[0]!;
  const fresh = await openFresh(kind);
  try {
    const ceilings = await measureCeilings(kind, fresh);
    // The tenant the server will serve: made before it starts, so it provisions no other.
    const provisioned = (await new TenantService(fresh.store).create('bench'))!;
    const scope: CustomerScope = { tenantId: provisioned.tenant.id, mode: 'test' };
    const key = provisioned.secrets.test;

    say(`importing ${size.toLocaleString('en-US')} customers from NDJSON (importFile, as \`clientele import\` does)…`);
    const load = await loadCustomers(fresh.store, scope, size, fresh.server.dataDir, { progress: (rows) => say(`  ${rows.toLocaleString('en-US')} rows`) });
    say(
      `imported ${load.rows.toLocaleString('en-US')} rows (${(load.fileBytes / 1e6).toFixed(0)} MB of NDJSON, written in ${load.fileSeconds.toFixed(1)} s) ` +
        `in ${load.seconds.toFixed(1)} s: ${Math.round(load.rowsPerSecond).toLocaleString('en-US')} rows/s`,
    );
    if (kind === 'postgres') {
      // What autovacuum would do within a minute of a bulk load; done now so it does not land mid-scenario.
      const t = performance.now();
      const client = new pg.Client({ connectionString: fresh.server.databaseUrl });
      await client.connect();
      await client.query('VACUUM ANALYZE').finally(() => client.end());
      say(`VACUUM ANALYZE after the load: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    const sampleStarted = performance.now();
    const sample = await sampleCustomers(fresh.store, scope, size);
    const sampleSeconds = (performance.now() - sampleStarted) / 1000;
    if (sample.total !== size) throw new Error(`expected ${size} customers in the tenant, found ${sample.total}`);
    const neighbour = await makeNeighbour(fresh.store);
    await fresh.store.close();

    const server = await startClientele({ ...fresh.server, ...(kind === 'postgres' ? { pgPoolMax } : {}) });
    const results: ScenarioResult[] = [];
    const webhookChecks: CheckResult[] = [];
    const afterStart = rssOf(server.pid);
    let maxSeenMb = afterStart?.rssMb ?? null;
    let afterScenarios;
    try {
      say(`server pid ${server.pid} at ${server.url}: RSS ${afterStart?.rssMb ?? '?'} MB`);
      for (const def of SCENARIOS) {
        const waited = await waitIdle(server.url);
        if (waited > 1) say(`  (waited ${waited.toFixed(1)} s for the server to finish what the previous scenario left queued)`);
        const connections = def.write ? writeConnections : readConnections;
        const { headers, ...request } = def.request(sample);
        const r = await drive({
          url: server.url,
          connections,
          ...timing,
          ...request,
          headers: { authorization: `Bearer ${key}`, ...headers },
        });
        const result = judge(kind, size, def, r, ceilings);
        results.push(result);
        const rss = rssOf(server.pid);
        if (rss && (maxSeenMb === null || rss.rssMb > maxSeenMb)) maxSeenMb = rss.rssMb;
        say(
          `  ${def.name.padEnd(28)} ${int(r.requestsPerSecond).padStart(7)} req/s  p50 ${fmtMs(r.latencyMs.p50)} ms  p99 ${fmtMs(r.latencyMs.p99)} ms` +
            (result.failed ? `  ${result.failed} FAILED: ${result.failure ?? ''}` : '') +
            `  (RSS ${rss?.rssMb ?? '?'} MB)`,
        );
      }
      say('noisy neighbour…');
      const crowd = await benchNeighbour({ url: server.url, noisyKey: key, neighbour, timing, readConnections, drive });
      for (const r of crowd.scenarios) say(`  ${r.name.padEnd(40)} ${int(r.requestsPerSecond).padStart(7)} req/s  p50 ${fmtMs(r.p50Ms)} ms  p99 ${fmtMs(r.p99Ms)} ms${r.ratio !== null ? `  ${r.ratio}×` : ''}`);
      results.push(...crowd.scenarios);
      const baseline = results.find((x) => x.name === 'create');
      if (baseline) {
        say('webhooks…');
        const webhooks = await benchWebhooks({ url: server.url, key, seconds: timing.seconds, writeConnections, baseline, drive, say });
        results.push(...webhooks.scenarios);
        webhookChecks.push(...webhooks.checks);
      }
      afterScenarios = rssOf(server.pid);
    } finally {
      await server.stop();
    }

    const checks: CheckResult[] = [...webhookChecks];
    const at1M = size >= 1_000_000 ? '' : ' (set for 1M)';
    const peak = afterScenarios?.peakMb ?? NaN;
    checks.push({ what: 'server peak RSS (VmHWM)', value: `${peak} MB`, target: `< 200 MB${at1M}`, met: Number.isFinite(peak) ? peak < 200 : null });
    const importSeconds = 60;
    const neededRate = 1_000_000 / importSeconds;
    checks.push(
      size >= 1_000_000
        ? { what: 'import 1M from NDJSON', value: `${load.seconds.toFixed(1)} s`, target: `< ${importSeconds} s`, met: load.seconds * (1_000_000 / size) < importSeconds }
        : {
            what: 'import rate from NDJSON',
            value: `${Math.round(load.rowsPerSecond).toLocaleString('en-US')} rows/s`,
            target: `≥ ${Math.round(neededRate).toLocaleString('en-US')} rows/s (1M in ${importSeconds} s)`,
            met: load.rowsPerSecond >= neededRate,
          },
    );

    return {
      store: kind,
      size,
      mode,
      command,
      finishedAt: new Date().toISOString(),
      secondsPerScenario: timing.seconds,
      warmupSeconds: timing.warmupSeconds,
      readConnections,
      writeConnections,
      ...(kind === 'postgres' ? { pgPoolMax } : {}),
      load: {
        ...load,
        sampleSeconds,
        note: `clientele import (importFile) of an NDJSON file, default batch sizes`,
      },
      rss: { afterStart, afterScenarios: afterScenarios ?? null, maxSeenMb },
      loadAverage: { before: loadBefore, after: loadavg()[0]! },
      machineCores: machine.cores,
      ceilings,
      scenarios: results,
      checks,
    };
  } finally {
    await fresh.store.close().catch(() => {});
    await fresh.done();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const pgVersion = await postgresVersion();
  let stores: StoreKind[];
  if (flags.store === 'sqlite') stores = ['sqlite'];
  else if (flags.store === 'postgres') {
    if (!pgVersion) throw new Error(`PostgreSQL at ${pgServerUrl.replace(/:[^:@/]*@/, ':***@')} does not answer (set BENCH_DATABASE_URL)`);
    stores = ['postgres'];
  } else if (pgVersion) stores = ['sqlite', 'postgres'];
  else {
    stores = ['sqlite'];
    say('\n' + '!'.repeat(100));
    say(`!!! PostgreSQL at ${pgServerUrl.replace(/:[^:@/]*@/, ':***@')} does not answer: SKIPPING every PostgreSQL scenario.`);
    say('!!! Set BENCH_DATABASE_URL to a PostgreSQL server to benchmark it.');
    say('!'.repeat(100) + '\n');
  }

  // The server under test is the compiled build, as `npm start` runs it (bin/clientele.js).
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('scripts/build.mjs failed: the benchmark measures the compiled server');

  const memory = new Database(':memory:');
  const machine: Machine = {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${platform()} ${release()}`,
    sqlite: (memory.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
    ...(pgVersion && stores.includes('postgres') ? { postgres: pgVersion } : {}),
    server: 'compiled (dist/)',
  };
  memory.close();
  say(`${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}`);
  say(
    `${command}: ${stores.join(' and ')} at ${sizes.map(sizeLabel).join(' and ')} customers; ${timing.seconds} s per scenario after ${timing.warmupSeconds} s warm-up; ` +
      `${readConnections} clients for reads, ${writeConnections} for writes`,
  );

  for (const kind of stores) {
    for (const size of sizes) {
      const run = await benchStore(kind, size, machine);
      say(printRun(run));
      say(`saved ${saveRun(run, machine)}`);
    }
  }
  refreshReadme();
  say(`bench/README.md refreshed. Total time: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (!stores.includes('postgres')) say('!!! PostgreSQL was NOT benchmarked in this run.');
}

try {
  await main();
} catch (err) {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  await cleanupAll();
}
