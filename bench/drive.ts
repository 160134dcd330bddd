/**
 * The load generator, run as its own process so that it never shares the server's CPU thread:
 *
 *   node --import tsx bench/drive.ts < spec.json > result.json
 *
 * It reads one DriveSpec (JSON) on stdin, runs autocannon for a warm-up and then for the
 * measured period, and prints one DriveResult (JSON) on stdout. Latencies are recorded here,
 * from autocannon's per-response timings, to a hundredth of a millisecond (autocannon's own
 * histogram keeps whole milliseconds only).
 */
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import { randomBytes } from 'node:crypto';

export interface DriveSpec {
  /** e.g. http://127.0.0.1:4242 */
  url: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  method: 'GET' | 'POST';
  /**
   * Path and body are templates: `__name__` is replaced, per request, by a random value of
   * `pools[name]`; `__n__` by a counter unique within this process; `__run__` by a random token
   * unique to this process. Pool values are inserted as they are (encode them beforehand).
   */
  path: string;
  body?: string;
  headers: Record<string, string>;
  pools: Record<string, string[]>;
  /** Seconds before a request counts as timed out. */
  timeoutSeconds?: number;
}

export interface DriveResult {
  connections: number;
  seconds: number;
  /** Responses with a 2xx status. */
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Requests sent but not answered when the period ended (at most one per connection unless they are slow). */
  unanswered: number;
  statusCodes: Record<string, number>;
  /** The first non-2xx response body, to see what went wrong. */
  firstFailure?: string;
  requestsPerSecond: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
}

const PLACEHOLDER = /__([a-z]+)__/g;
const HAS_PLACEHOLDER = /__[a-z]+__/;

function requestFor(spec: DriveSpec, state: { n: number; run: string; firstFailure?: string }): AutocannonRequest {
  const fill = (template: string, n: number) =>
    template.replace(PLACEHOLDER, (whole, name: string) => {
      if (name === 'n') return String(n);
      if (name === 'run') return state.run;
      const pool = spec.pools[name];
      if (!pool || pool.length === 0) return whole;
      return pool[Math.floor(Math.random() * pool.length)]!;
    });
  const templated = HAS_PLACEHOLDER.test(spec.path) || (spec.body !== undefined && HAS_PLACEHOLDER.test(spec.body));
  const base: AutocannonRequest = {
    method: spec.method,
    path: spec.path,
    headers: spec.headers,
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    onResponse: (status, body) => {
      if ((status < 200 || status > 299) && state.firstFailure === undefined) state.firstFailure = `${status} ${body.slice(0, 500)}`;
    },
  };
  if (!templated) return base;
  return {
    ...base,
    setupRequest: (request) => {
      const n = state.n++;
      return { ...request, path: fill(spec.path, n), ...(spec.body !== undefined ? { body: fill(spec.body, n) } : {}) };
    },
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function once(spec: DriveSpec, seconds: number, state: { n: number; run: string; firstFailure?: string }, record: boolean) {
  const latencies: number[] = [];
  let ok = 0;
  const started = performance.now();
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: seconds,
        timeout: spec.timeoutSeconds ?? 30,
        requests: [requestFor(spec, state)],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    if (record) {
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        if (statusCode >= 200 && statusCode <= 299) {
          ok++;
          latencies.push(responseTime);
        }
      });
    }
  });
  return { result, latencies, ok, elapsed: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const spec = JSON.parse(input) as DriveSpec;
  const state: { n: number; run: string; firstFailure?: string } = { n: 0, run: randomBytes(6).toString('hex') };
  if (spec.warmupSeconds > 0) await once(spec, spec.warmupSeconds, state, false);
  const { result, latencies, ok, elapsed } = await once(spec, spec.seconds, state, true);
  const sorted = Float64Array.from(latencies).sort();
  const round = (ms: number) => Math.round(ms * 100) / 100;
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = count;
  const out: DriveResult = {
    connections: spec.connections,
    seconds: round(elapsed),
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    unanswered: Math.max(0, result.requests.sent - result.requests.total),
    statusCodes,
    ...(state.firstFailure !== undefined ? { firstFailure: state.firstFailure } : {}),
    requestsPerSecond: Math.round((ok / elapsed) * 10) / 10,
    latencyMs: {
      mean: round(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)),
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.length ? sorted[sorted.length - 1]! : NaN),
    },
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

await main();
