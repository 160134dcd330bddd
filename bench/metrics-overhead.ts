/**
 * What Prometheus metrics cost a request: the same server, on the same SQLite store, driven the
 * same way with METRICS_PORT unset and set, in turns (A B A B), retrieves and creates.
 *
 *   node --import tsx bench/metrics-overhead.ts [--seconds 8] [--rounds 3]
 *
 * Prints each run, then the medians: on a shared machine single runs vary by a fifth.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { drive, freePort, ROOT, startClientele } from './processes.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, rounds: { type: 'string', default: '3' } } });
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const dataDir = mkdtempSync(join(tmpdir(), 'clientele-metrics-bench-'));
try {
  const made = spawnSync(process.execPath, ['bin/clientele.js', 'tenants', 'create', '--name', 'Bench', '--json'], { cwd: ROOT, env: { ...process.env, CLIENTELE_DATA_DIR: dataDir }, encoding: 'utf8' });
  const key = (JSON.parse(made.stdout) as { keys: { test: string } }).keys.test;
  const headers = { authorization: `Bearer ${key}` };
  const ids: string[] = [];
  {
    const server = await startClientele({ dataDir });
    for (let i = 0; i < 500; i++) {
      const res = await fetch(`${server.url}/v1/customers`, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body: `name=Bench+${i}&email=bench${i}%40example.com` });
      ids.push(((await res.json()) as { id: string }).id);
    }
    await server.stop();
  }
  const rows: string[] = [];
  const runs: Record<'off' | 'on', { retrieve: number[]; create: number[] }> = { off: { retrieve: [], create: [] }, on: { retrieve: [], create: [] } };
  for (let round = 1; round <= rounds; round++) {
    for (const metrics of [false, true]) {
      const server = await startClientele({ dataDir, ...(metrics ? { extraEnv: { METRICS_PORT: String(await freePort()) } } : {}) });
      const common = { url: server.url, connections: 32, warmupSeconds: 2, seconds, headers, pools: { id: ids } };
      const read = await drive({ ...common, method: 'GET', path: '/v1/customers/__id__' });
      const write = await drive({ ...common, method: 'POST', path: '/v1/customers', body: 'name=Load+__n__', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' } });
      await server.stop();
      const perSecond = (r: { ok: number; seconds: number }) => Math.round(r.ok / r.seconds);
      rows.push(`round ${round}  metrics ${metrics ? 'on ' : 'off'}  retrieve ${perSecond(read)}/s  create ${perSecond(write)}/s`);
      process.stdout.write(`${rows.at(-1)}\n`);
      runs[metrics ? 'on' : 'off'].retrieve.push(perSecond(read));
      runs[metrics ? 'on' : 'off'].create.push(perSecond(write));
    }
  }
  for (const scenario of ['retrieve', 'create'] as const) {
    const off = median(runs.off[scenario]);
    const on = median(runs.on[scenario]);
    process.stdout.write(`median ${scenario}: off ${off}/s, on ${on}/s (${(((on - off) / off) * 100).toFixed(1)}%)\n`);
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
