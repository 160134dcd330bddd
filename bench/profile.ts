/**
 * Profiles the server under one scenario: loads a fresh SQLite store (or a scratch PostgreSQL
 * database), starts `clientele serve` with `--cpu-prof`, drives the scenario, stops the server and
 * prints the profile's top functions by self time. The numbers the README's profile summaries quote.
 *
 *   node --import tsx bench/profile.ts --scenario retrieve [--store sqlite] [--size 10000] [--seconds 10] [--metrics]
 *   scenarios: retrieve | list | search-email | search-substring | search-nomatch | create
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { TenantService } from '../src/domain/tenants/tenant-service.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { createForm } from './data.ts';
import { loadCustomers, sampleCustomers, type Sample } from './load.ts';
import { drive, freePort, rssOf, startClientele } from './processes.ts';
import type { DriveSpec } from './drive.ts';
import { topSelfTime } from './profile-summary.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'retrieve' },
    store: { type: 'string', default: 'sqlite' },
    size: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    top: { type: 'string', default: '25' },
    /** With Prometheus metrics on (METRICS_PORT set), to see what they cost. */
    metrics: { type: 'boolean', default: false },
  },
});

const q = (query: string) => encodeURIComponent(query);
type Request = Pick<DriveSpec, 'method' | 'path' | 'body' | 'pools'> & { write?: boolean };
const SCENARIOS: Record<string, (s: Sample) => Request> = {
  retrieve: (s) => ({ method: 'GET', path: '/v1/customers/__id__', pools: { id: s.spread.map((c) => c.id) } }),
  list: () => ({ method: 'GET', path: '/v1/customers?limit=10', pools: {} }),
  'search-email': (s) => ({ method: 'GET', path: '/v1/customers/search?query=__q__', pools: { q: s.spread.map((c) => q(`email:"${c.email}"`)) } }),
  'search-substring': () => ({ method: 'GET', path: `/v1/customers/search?query=${q('name~"ders"')}`, pools: {} }),
  'search-nomatch': () => ({ method: 'GET', path: `/v1/customers/search?query=${q('name~"xqzw" OR email~"qqzzx"')}`, pools: {} }),
  create: () => ({ method: 'POST', path: '/v1/customers', body: createForm('__run__.__n__'), pools: {}, write: true }),
};

const scenario = SCENARIOS[values.scenario!];
if (!scenario) throw new Error(`unknown scenario ${values.scenario}: one of ${Object.keys(SCENARIOS).join(', ')}`);
const size = Number(values.size);
const dir = mkdtempSync(join(tmpdir(), 'clientele-profile-'));
const profDir = join(dir, 'profiles');
const admin = 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `clientele_profile_${randomBytes(4).toString('hex')}`;
const pgAdmin = async (sql: string) => {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(sql).finally(() => client.end());
};
const databaseUrl = values.store === 'postgres' ? admin.replace(/\/postgres$/, `/${dbName}`) : undefined;
try {
  if (databaseUrl) await pgAdmin(`CREATE DATABASE ${dbName}`);
  const store = databaseUrl ? await PostgresStore.open(databaseUrl, { poolMax: 8 }) : await SqliteStore.open(join(dir, 'clientele.sqlite'), { cacheMiB: 256 });
  const provisioned = (await new TenantService(store).create('bench'))!;
  const scope = { tenantId: provisioned.tenant.id, mode: 'test' as const };
  await loadCustomers(store, scope, size, dir);
  const sample = await sampleCustomers(store, scope, size);
  await store.close();
  const server = await startClientele({ dataDir: dir, ...(databaseUrl ? { databaseUrl } : {}), nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`], ...(values.metrics ? { extraEnv: { METRICS_PORT: String(await freePort()) } } : {}) });
  const { write, ...request } = scenario(sample);
  const result = await drive({
    url: server.url,
    connections: write ? 32 : 16,
    seconds: Number(values.seconds),
    warmupSeconds: 1,
    ...request,
    headers: { authorization: `Bearer ${provisioned.secrets.test}`, ...(write ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
  });
  const rss = rssOf(server.pid);
  await server.stop();
  if (rss) console.log(`server RSS ${rss.rssMb} MB, peak ${rss.peakMb} MB`);
  const ms = (v: number) => v.toFixed(2);
  console.log(`${values.scenario} on ${values.store}, ${size} customers: ${Math.round(result.requestsPerSecond)} req/s, p50 ${ms(result.latencyMs.p50)} ms, p99 ${ms(result.latencyMs.p99)} ms`);
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main (HTTP) thread; reader threads write their own.
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile') && f.split('.')[4] === '0');
  if (!file) throw new Error('the server wrote no profile');
  console.log(topSelfTime(JSON.parse(readFileSync(join(profDir, file), 'utf8')), Number(values.top)));
} finally {
  if (databaseUrl) await pgAdmin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  rmSync(dir, { recursive: true, force: true });
}
