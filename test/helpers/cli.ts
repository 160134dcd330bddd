import { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'clientele.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

/** `clientele serve` running as a child process. */
export interface Served {
  child: ChildProcess;
  host: string;
  port: number;
  url: string;
  /**
   * The keys this start provisioned, as it showed them: the file its log line names (stdout is
   * not a terminal here), read at once; '' when this start provisioned nothing.
   */
  banner: string;
  /** That file, when this start wrote one. */
  keysFile: string | null;
  stdout(): string;
  stderr(): string;
  alive(): boolean;
  /** The first stdout line (so far or to come) for which `match` holds. */
  waitForLine(match: (line: string) => boolean, ms: number, what: string): Promise<string>;
  exited: Promise<ExitInfo>;
  /** SIGTERM and wait; SIGKILL if it does not go. */
  stop(): Promise<ExitInfo>;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms))),
  ]);
}

/** The `msg` of a pino JSON log line, if it is one. */
export function logMsg(line: string): string | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as { msg?: unknown };
    return typeof parsed.msg === 'string' ? parsed.msg : undefined;
  } catch {
    return undefined;
  }
}

export interface CliHarness {
  /** A temporary directory, removed after the file's tests. */
  tempDir(): string;
  /** Starts `clientele <args>` on `dataDir`; killed after the file's tests if still running. */
  spawnCli(dataDir: string, args: string[], extraEnv?: Record<string, string>): ChildProcess;
  /** Runs one CLI command to completion (killed and rejected after `timeoutMs`). */
  cli(dataDir: string, args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /** `clientele serve` on a free port, once it has logged that it listens. */
  startServe(dataDir: string, extraEnv?: Record<string, string>): Promise<Served>;
}

/** Nothing from the developer's shell or the test runner may steer a child. */
const INHERITED = [
  'DATABASE_URL', 'HOST', 'PORT', 'LOG_LEVEL', 'PGPOOL_MAX', 'CLIENTELE_DATA_DIR', 'CLIENTELE_MASTER_KEY', 'CLIENTELE_TEST_DATABASE_URL', 'NODE_TEST_CONTEXT',
  'REDIS_URL', 'CLIENTELE_RATE_LIMITS',
];

/**
 * The real `bin/clientele.js` as child processes, each test file's children and temp dirs always
 * cleaned up: call once at the top level of a test file.
 */
export function cliHarness(options: { prefix: string; timeoutMs: number; stopTimeoutMs?: number }): CliHarness {
  const children = new Set<ChildProcess>();
  const tempDirs: string[] = [];
  const killAll = () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  };
  // Last resort: the test runner itself going away must not leave a server behind.
  process.once('exit', killAll);
  after(async () => {
    const alive = [...children].filter((c) => c.exitCode === null && c.signalCode === null);
    killAll();
    await Promise.all(alive.map((c) => new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve(null) : c.once('exit', resolve)))));
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  const spawnCli = (dataDir: string, args: string[], extraEnv: Record<string, string> = {}): ChildProcess => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of INHERITED) delete env[name];
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...env, CLIENTELE_DATA_DIR: dataDir, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };

  const startServe = async (dataDir: string, extraEnv: Record<string, string> = {}): Promise<Served> => {
    const child = spawnCli(dataDir, ['serve'], { PORT: '0', LOG_LEVEL: 'info', ...extraEnv });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const lines: string[] = [];
    const waiters = new Set<{ match: (line: string) => boolean; resolve: (line: string) => void; reject: (err: Error) => void }>();
    let exitInfo: ExitInfo | null = null;

    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      partial += chunk;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        lines.push(line);
        for (const w of waiters) {
          if (w.match(line)) {
            waiters.delete(w);
            w.resolve(line);
          }
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<ExitInfo>((resolve) => {
      child.once('close', (code, signal) => {
        exitInfo = { code, signal };
        for (const w of waiters) w.reject(new Error(`serve exited (${code ?? signal}) first\nstdout: ${stdout}\nstderr: ${stderr}`));
        waiters.clear();
        resolve(exitInfo);
      });
    });

    const waitForLine = (match: (line: string) => boolean, ms: number, what: string): Promise<string> => {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      if (exitInfo) return Promise.reject(new Error(`serve has exited (${exitInfo.code ?? exitInfo.signal}); never saw ${what}\nstderr: ${stderr}`));
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no ${what} on serve's stdout within ${ms} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, ms);
        const waiter = {
          match,
          resolve: (line: string) => {
            clearTimeout(timer);
            resolve(line);
          },
          reject: (err: Error) => {
            clearTimeout(timer);
            reject(err);
          },
        };
        waiters.add(waiter);
      });
    };

    let listening: string;
    try {
      listening = await waitForLine((l) => logMsg(l)?.startsWith('Server listening at ') ?? false, options.timeoutMs, 'listening line');
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
    const m = /^Server listening at http:\/\/(.+):(\d+)$/.exec(logMsg(listening)!);
    assert.ok(m, `unexpected listening line: ${listening}`);
    const host = m[1]!;
    const keysFile = keysFileOf(stdout.slice(0, stdout.indexOf(listening)));
    const port = Number(m[2]);

    return {
      child,
      host,
      port,
      url: `http://${host}:${port}`,
      banner: keysFile ? readFileSync(keysFile, 'utf8') : '',
      keysFile,
      stdout: () => stdout,
      stderr: () => stderr,
      alive: () => exitInfo === null,
      waitForLine,
      exited,
      async stop() {
        if (!exitInfo) child.kill('SIGTERM');
        try {
          return await withTimeout(exited, options.stopTimeoutMs ?? 5000, 'serve stopping on SIGTERM');
        } catch (err) {
          child.kill('SIGKILL');
          await exited;
          throw err;
        }
      },
    };
  };

  return {
    startServe,
    tempDir() {
      const dir = mkdtempSync(join(tmpdir(), options.prefix));
      tempDirs.push(dir);
      return dir;
    },
    spawnCli,
    cli(dataDir, args, extraEnv = {}) {
      const child = spawnCli(dataDir, args, extraEnv);
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`clientele ${args.join(' ')} did not finish in ${options.timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, options.timeoutMs);
        child.once('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        child.once('close', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal, stdout, stderr });
        });
      });
    },
  };
}

/** The keys file a serve's log names before it listens (JSON log lines with `keysFile`). */
function keysFileOf(logs: string): string | null {
  for (const line of logs.split('\n')) {
    try {
      const file = (JSON.parse(line) as { keysFile?: unknown }).keysFile;
      if (typeof file === 'string') return file;
    } catch {
      // not a log line
    }
  }
  return null;
}
