/**
 * The ceilings each scenario is compared with: what the layers under Clientele can do alone.
 *
 * - bare route: Fastify answering with a fixed customer (bench/bare-server.ts), driven by the
 *   same bench/drive.ts at the same concurrency as the scenarios.
 * - raw SQLite: better-sqlite3 on its own file with the store's durability (WAL,
 *   synchronous=FULL), one thread, inserting customer-sized rows: one transaction per row (each
 *   waits for its own fsync), and batched (many rows per transaction, what group commit aims at).
 * - raw PostgreSQL: `pg` single-row INSERTs (autocommit: one commit each) from a pool as large as
 *   the create scenario's concurrency, each connection inserting as fast as it can.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { newCustomer } from '../src/domain/customers/factory.ts';
import { createForm, customerPatch } from './data.ts';
import type { DriveResult } from './drive.ts';
import { drive, startBare } from './processes.ts';
import { customerToStripe } from '../src/formats/stripe-customer.ts';

export interface Throughput {
  /** Rows (or requests) per second. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  concurrency: number;
  note?: string;
}

export interface BareCeilings {
  retrieve: DriveResult;
  create: DriveResult;
  list: DriveResult;
}

export interface Timing {
  seconds: number;
  warmupSeconds: number;
}

/** The bare route at the read and the write concurrency, and the bare ten-customer list. */
export async function bareRoute(timing: Timing, readConnections: number, writeConnections: number): Promise<BareCeilings> {
  const server = await startBare();
  try {
    const base = { url: server.url, ...timing, headers: {}, pools: {} };
    const retrieve = await drive({ ...base, connections: readConnections, method: 'GET', path: '/v1/customers/cus_0000000000000000A' });
    const create = await drive({
      ...base,
      connections: writeConnections,
      method: 'POST',
      path: '/v1/customers',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: createForm('__run__.__n__'),
    });
    const list = await drive({ ...base, connections: readConnections, method: 'GET', path: '/v1/customers?limit=10' });
    return { retrieve, create, list };
  } finally {
    await server.stop();
  }
}

function percentiles(latencies: number[]): { p50Ms: number; p99Ms: number } {
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! : NaN);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { p50Ms: round(at(0.5)), p99Ms: round(at(0.99)) };
}

function rawRow(i: number): [string, string, string, number, string] {
  const c = customerToStripe(newCustomer({ tenantId: '0'.repeat(24), mode: 'test' }, customerPatch(i)));
  return [c.id, `raw.${i}@example.com`, c.name ?? '', c.created, JSON.stringify(c)];
}

function rawTable(db: Database.Database): Database.Statement {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS raw_customers (
    id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT, created INTEGER NOT NULL, data TEXT NOT NULL)`);
  return db.prepare('INSERT INTO raw_customers (id, email, name, created, data) VALUES (?, ?, ?, ?, ?)');
}

/** better-sqlite3 alone, in this process: one insert per transaction, then batches of `batch`. */
export function rawSqlite(dir: string, timing: Timing, batch = 512): { single: Throughput; batched: Throughput } {
  const file = join(dir, 'raw-ceiling.sqlite');
  const db = new Database(file);
  try {
    const insert = rawTable(db);
    // Rows are prepared beforehand: the loop measures the database, not the JSON.
    const rows = Array.from({ length: 4096 }, (_, i) => rawRow(i));
    let i = 0;
    const row = () => {
      const r = rows[i % rows.length]!;
      const n = i++;
      return [r[0].slice(0, 4) + n.toString(36).padStart(17, '0'), `raw.${n}@example.com`, r[2], r[3], r[4]] as const;
    };

    const singleLatencies: number[] = [];
    const warmUntil = performance.now() + timing.warmupSeconds * 1000;
    while (performance.now() < warmUntil) insert.run(...row());
    let started = performance.now();
    let end = started + timing.seconds * 1000;
    let count = 0;
    for (let t = started; t < end; ) {
      insert.run(...row());
      const now = performance.now();
      singleLatencies.push(now - t);
      t = now;
      count++;
    }
    const single: Throughput = { perSecond: Math.round(count / ((performance.now() - started) / 1000)), ...percentiles(singleLatencies), concurrency: 1 };

    const many = db.transaction((n: number) => {
      for (let k = 0; k < n; k++) insert.run(...row());
    });
    const batchLatencies: number[] = [];
    started = performance.now();
    end = started + timing.seconds * 1000;
    count = 0;
    for (let t = started; t < end; ) {
      many(batch);
      const now = performance.now();
      batchLatencies.push(now - t);
      t = now;
      count += batch;
    }
    const batched: Throughput = {
      perSecond: Math.round(count / ((performance.now() - started) / 1000)),
      ...percentiles(batchLatencies),
      concurrency: 1,
      note: `${batch} rows per transaction; latency per transaction`,
    };
    return { single, batched };
  } finally {
    db.close();
    // Gigabytes after a full run's batched loop.
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}

/** `op` from `concurrency` callers at once, as fast as each can: after the warm-up, its rate and latencies. */
async function loop(timing: Timing, concurrency: number, op: () => Promise<unknown>): Promise<Throughput> {
  const latencies: number[] = [];
  const started = performance.now() + timing.warmupSeconds * 1000;
  const end = started + timing.seconds * 1000;
  const caller = async () => {
    for (;;) {
      const t = performance.now();
      if (t >= end) return;
      await op();
      if (t >= started) latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return { perSecond: Math.round(latencies.length / ((performance.now() - started) / 1000)), ...percentiles(latencies), concurrency };
}

/**
 * `pg` single-row INSERTs, each its own commit, from `concurrency` connections at once; then
 * primary-key SELECTs of random rows of what they inserted, from `readConcurrency` connections.
 */
export async function rawPg(databaseUrl: string, timing: Timing, concurrency: number, readConcurrency: number): Promise<{ insert: Throughput; select: Throughput }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: Math.max(concurrency, readConcurrency) });
  // pool.end() resolves before every socket has closed; dropping the database then terminates
  // the stragglers, which must not crash the run.
  pool.on('error', () => {});
  try {
    await pool.query(`CREATE TABLE IF NOT EXISTS raw_customers (
      id text PRIMARY KEY, email text NOT NULL UNIQUE, name text, created bigint NOT NULL, data json NOT NULL)`);
    const rows = Array.from({ length: 4096 }, (_, i) => rawRow(i));
    let n = 0;
    const latencies: number[] = [];
    let count = 0;
    const warmUntil = performance.now() + timing.warmupSeconds * 1000;
    const started = warmUntil;
    const end = started + timing.seconds * 1000;
    const worker = async () => {
      for (;;) {
        const t = performance.now();
        if (t >= end) return;
        const i = n++;
        const r = rows[i % rows.length]!;
        await pool.query('INSERT INTO raw_customers (id, email, name, created, data) VALUES ($1, $2, $3, $4, $5)', [
          `raw_${i}`, `raw.${i}@example.com`, r[2], r[3], r[4],
        ]);
        if (t >= started) {
          latencies.push(performance.now() - t);
          count++;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = (performance.now() - started) / 1000;
    const insert = { perSecond: Math.round(count / elapsed), ...percentiles(latencies), concurrency };
    const inserted = n;
    const select = await loop(timing, readConcurrency, () => pool.query('SELECT * FROM raw_customers WHERE id = $1', [`raw_${Math.floor(Math.random() * inserted)}`]));
    await pool.query('DROP TABLE raw_customers');
    return { insert, select };
  } finally {
    await pool.end();
  }
}
