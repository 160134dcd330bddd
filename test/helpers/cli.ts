import { after } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

export interface CliHarness {
  /** A temporary directory, removed after the file's tests. */
  tempDir(): string;
  /** Starts `clientele <args>` on `dataDir`; killed after the file's tests if still running. */
  spawnCli(dataDir: string, args: string[], extraEnv?: Record<string, string>): ChildProcess;
  /** Runs one CLI command to completion (killed and rejected after `timeoutMs`). */
  cli(dataDir: string, args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
}

/** Nothing from the developer's shell or the test runner may steer a child. */
const INHERITED = ['DATABASE_URL', 'HOST', 'PORT', 'LOG_LEVEL', 'PGPOOL_MAX', 'CLIENTELE_DATA_DIR', 'CLIENTELE_MASTER_KEY', 'CLIENTELE_TEST_DATABASE_URL', 'NODE_TEST_CONTEXT'];

/**
 * The real `bin/clientele.js` as child processes, each test file's children and temp dirs always
 * cleaned up: call once at the top level of a test file.
 */
export function cliHarness(options: { prefix: string; timeoutMs: number }): CliHarness {
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

  return {
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
