/** The child processes of a benchmark run: the server under test, the bare ceiling server, the driver. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { DriveResult, DriveSpec } from './drive.ts';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Environment the server must not inherit from the shell that runs the benchmark. */
const NOT_INHERITED = [
  'DATABASE_URL', 'HOST', 'PORT', 'LOG_LEVEL', 'PGPOOL_MAX', 'CLIENTELE_DATA_DIR', 'CLIENTELE_MASTER_KEY', 'REDIS_URL',
  'CLIENTELE_RATE_LIMITS', 'NODE_OPTIONS',
];

const children = new Set<ChildProcess>();
/** Last resort: the benchmark dying must not leave servers behind. */
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface Rss {
  /** Resident set size now, MB. */
  rssMb: number;
  /** Peak resident set size so far (VmHWM), MB. */
  peakMb: number;
}

/** A process's memory from /proc/<pid>/status (Linux). */
export function rssOf(pid: number): Rss | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: Math.round(kb('VmRSS') / 102.4) / 10, peakMb: Math.round(kb('VmHWM') / 102.4) / 10 };
  } catch {
    return null;
  }
}

export interface RunningServer {
  url: string;
  pid: number;
  stderr(): string;
  stop(): Promise<void>;
}

async function waitUntilAnswers(url: string, child: ChildProcess, stderr: () => string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before answering\n${stderr()}`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not answer ${url} within ${ms} ms\n${stderr()}`);
}

function startChild(args: string[], env: NodeJS.ProcessEnv, healthUrl: string, baseUrl: string): Promise<RunningServer> {
  const child = track(spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err = (err + chunk).slice(-20_000)));
  // Warnings and errors go to stdout as pino lines; keep the tail for diagnosis.
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out = (out + chunk).slice(-20_000)));
  const output = () => `stdout:\n${out}\nstderr:\n${err}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return waitUntilAnswers(healthUrl, child, output, 60_000).then(
    () => ({
      url: baseUrl,
      pid: child.pid!,
      stderr: output,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      },
    }),
    (error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    },
  );
}

/**
 * Waits until the server answers /healthz promptly twice in a row: requests a previous scenario
 * left queued (a slow search holds the event loop) must not spill into the next one's figures.
 * Returns the seconds it waited.
 */
export async function waitIdle(url: string, maxMs = 300_000): Promise<number> {
  const started = performance.now();
  let prompt = 0;
  while (prompt < 2 && performance.now() - started < maxMs) {
    const t = performance.now();
    try {
      await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(maxMs) });
    } catch {
      // counted as slow
    }
    prompt = performance.now() - t < 20 ? prompt + 1 : 0;
    if (prompt < 2) await new Promise((r) => setTimeout(r, 20));
  }
  return (performance.now() - started) / 1000;
}

/** `node bin/clientele.js serve` on a free port, rate limits off, once /healthz answers 200. */
export async function startClientele(env: { dataDir: string; databaseUrl?: string; pgPoolMax?: number; nodeArgs?: string[]; extraEnv?: Record<string, string> }): Promise<RunningServer> {
  const port = await freePort();
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of NOT_INHERITED) delete base[name];
  const childEnv: NodeJS.ProcessEnv = {
    ...base,
    PORT: String(port),
    HOST: '127.0.0.1',
    CLIENTELE_DATA_DIR: env.dataDir,
    CLIENTELE_RATE_LIMITS: 'off',
    // The webhook scenarios' receivers listen on loopback.
    CLIENTELE_WEBHOOK_ALLOW_PRIVATE: '1',
    LOG_LEVEL: 'warn',
    ...(env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : {}),
    ...(env.pgPoolMax ? { PGPOOL_MAX: String(env.pgPoolMax) } : {}),
    ...env.extraEnv,
  };
  const url = `http://127.0.0.1:${port}`;
  return startChild([...(env.nodeArgs ?? []), 'bin/clientele.js', 'serve'], childEnv, `${url}/healthz`, url);
}

/** bench/bare-server.ts: the ceiling, a bare Fastify route with a fixed customer. */
export async function startBare(): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return startChild(['--import', 'tsx', 'bench/bare-server.ts'], { ...process.env, PORT: String(port) }, `${url}/healthz`, url);
}

/** Runs one scenario in a bench/drive.ts child process and returns what it measured. */
export function drive(spec: DriveSpec): Promise<DriveResult> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, ['--import', 'tsx', 'bench/drive.ts'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] }));
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`drive exited with ${code}: ${out}`));
      try {
        resolve(JSON.parse(out) as DriveResult);
      } catch {
        reject(new Error(`drive printed no result: ${out}`));
      }
    });
    child.stdin!.end(JSON.stringify(spec));
  });
}
