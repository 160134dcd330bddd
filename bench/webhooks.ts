/**
 * The webhook scenarios: what an endpoint costs a create, how soon a committed write reaches its
 * receiver, and how many deliveries a server sends per second to ten endpoints. Receivers listen
 * in this process, answer 200 at once, and note when each event arrived.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { CheckResult, ScenarioResult } from './report.ts';
import { createForm } from './data.ts';
import type { DriveResult, DriveSpec } from './drive.ts';

interface Receiver {
  url: string;
  /** Arrival time (performance.now) of each delivery, by the customer its event is about. */
  arrivals: Map<string, number>;
  count: number;
  close(): Promise<void>;
}

async function receiver(): Promise<Receiver> {
  const arrivals = new Map<string, number>();
  const state = { count: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      state.count++;
      try {
        const id = JSON.parse(Buffer.concat(chunks).toString('utf8')).data.object.id as string;
        if (!arrivals.has(id)) arrivals.set(id, at);
      } catch {
        // counted, not timed
      }
      res.writeHead(200).end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals,
    get count() {
      return state.count;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round2 = (n: number) => Math.round(n * 100) / 100;

async function post(base: string, key: string, path: string, form: string): Promise<any> {
  const res = await fetch(base + path, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Until no event has a delivery still pending (the endpoint's backlog is sent), or `ms` passed. */
async function settled(b: WebhookBench, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const res = await fetch(`${b.url}/v1/events?delivery_success=false&limit=1`, { headers: { authorization: `Bearer ${b.key}` } });
    const body = (await res.json()) as { data?: unknown[] };
    // An error answer (a 503 under load, say) is not "settled": said, and asked again.
    if (!Array.isArray(body.data)) b.say(`  (events list answered ${res.status}: ${JSON.stringify(body).slice(0, 200)})`);
    else if (body.data.length === 0) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

export interface WebhookBench {
  url: string;
  key: string;
  seconds: number;
  writeConnections: number;
  /** The create scenario just run with no endpoint: the baseline. */
  baseline: ScenarioResult;
  drive(spec: DriveSpec): Promise<DriveResult>;
  say(line: string): void;
}

export async function benchWebhooks(b: WebhookBench): Promise<{ scenarios: ScenarioResult[]; checks: CheckResult[] }> {
  const auth = { authorization: `Bearer ${b.key}` };
  const scenarios: ScenarioResult[] = [];
  const checks: CheckResult[] = [];

  // 1. Create throughput with one endpoint subscribed to everything.
  const one = await receiver();
  const endpoint = await post(b.url, b.key, '/v1/webhook_endpoints', `url=${encodeURIComponent(one.url)}&enabled_events[]=*`);
  const r = await b.drive({ url: b.url, connections: b.writeConnections, seconds: b.seconds, warmupSeconds: 1, method: 'POST', path: '/v1/customers', body: createForm('__run__.wh.__n__'), headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, pools: {} });
  const ratio = round2(r.requestsPerSecond / b.baseline.requestsPerSecond);
  const drained = await settled(b, 120_000);
  scenarios.push({
    name: 'create, one webhook endpoint',
    connections: r.connections,
    requestsPerSecond: r.requestsPerSecond,
    p50Ms: r.latencyMs.p50,
    p99Ms: r.latencyMs.p99,
    failed: r.non2xx + r.errors + r.timeouts,
    ceiling: { name: 'create with no endpoint (this run)', perSecond: b.baseline.requestsPerSecond },
    ratio,
    target: '≥ 0.8× create without',
    met: ratio >= 0.8 && r.non2xx + r.errors + r.timeouts === 0,
    note: drained ? `every one of its ${one.count} deliveries received` : `deliveries still pending 120 s after the writes (${one.count} received)`,
  });
  b.say(`  create, one webhook endpoint ${Math.round(r.requestsPerSecond)} req/s (${ratio}× without); ${one.count} deliveries received`);

  // 2. Commit → receiver latency at a steady 100 creates/s.
  const rate = 100;
  const total = rate * Math.max(3, Math.min(b.seconds, 10));
  const acked = new Map<string, number>();
  const sends: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sends.push(post(b.url, b.key, '/v1/customers', `name=Latency+${i}`).then((c) => void acked.set(c.id as string, performance.now())));
  }
  await Promise.all(sends);
  await until(() => [...acked.keys()].every((id) => one.arrivals.has(id)), 60_000);
  // From the write's answer (the commit is just before it) to the delivery's arrival; a delivery
  // that arrives before the answer is read counts as 0.
  const latencies = [...acked].filter(([id]) => one.arrivals.has(id)).map(([id, at]) => Math.max(0, one.arrivals.get(id)! - at)).sort((x, y) => x - y);
  const p50 = round2(percentile(latencies, 50));
  const p99 = round2(percentile(latencies, 99));
  checks.push({ what: `commit → receiver latency p50 at ${rate} creates/s`, value: `${p50} ms`, target: '< 50 ms', met: latencies.length === total ? p50 < 50 : false });
  checks.push({ what: `commit → receiver latency p99 at ${rate} creates/s`, value: `${p99} ms (${latencies.length}/${total} delivered)`, target: '< 500 ms', met: latencies.length === total ? p99 < 500 : false });
  b.say(`  commit → receiver at ${rate}/s: p50 ${p50} ms, p99 ${p99} ms (${latencies.length}/${total})`);
  await fetch(`${b.url}/v1/webhook_endpoints/${endpoint.id}`, { method: 'DELETE', headers: auth });
  await one.close();

  // 3. Deliveries per second to ten endpoints.
  const ten = await Promise.all(Array.from({ length: 10 }, () => receiver()));
  const endpoints = await Promise.all(ten.map((t) => post(b.url, b.key, '/v1/webhook_endpoints', `url=${encodeURIComponent(t.url)}&enabled_events[]=*`)));
  const writes = 1000;
  const fanStart = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < writes) await post(b.url, b.key, '/v1/customers', `name=Fan+${next++}`);
    }),
  );
  const expected = writes * ten.length;
  const all = await until(() => ten.reduce((n, t) => n + t.count, 0) >= expected, 120_000);
  const fanSeconds = (performance.now() - fanStart) / 1000;
  const received = ten.reduce((n, t) => n + t.count, 0);
  const perSecond = Math.round(received / fanSeconds);
  checks.push({
    what: 'deliveries per second to 10 endpoints',
    value: `${perSecond}/s (${received} deliveries of ${writes} creates in ${fanSeconds.toFixed(1)} s, the writes included)`,
    target: 'measured (no target set)',
    met: all ? null : false,
  });
  b.say(`  deliveries to 10 endpoints: ${perSecond}/s (${received}/${expected} in ${fanSeconds.toFixed(1)} s)`);
  for (const e of endpoints) await fetch(`${b.url}/v1/webhook_endpoints/${e.id}`, { method: 'DELETE', headers: auth });
  await Promise.all(ten.map((t) => t.close()));
  return { scenarios, checks };
}
