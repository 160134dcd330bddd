import { after, before } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadEmbeddedPostgres } from './embedded-postgres-binaries.ts';

/**
 * PostgreSQL for tests. CLIENTELE_TEST_DATABASE_URL names a server to use (any database on it;
 * tests create and drop their own). Without it, a throwaway server is started from the
 * `embedded-postgres` package: once for the whole run by test/run.ts, or once per process when a
 * test file is run on its own. CLIENTELE_SKIP_PG=1 turns the PostgreSQL tests into loud skips.
 */
export const PG_SKIP_REASON =
  process.env.CLIENTELE_SKIP_PG === '1' ? 'CLIENTELE_SKIP_PG=1: PostgreSQL tests were SKIPPED on purpose' : undefined;

let embedded: Promise<string> | undefined;

export async function postgresServerUrl(): Promise<string> {
  const given = process.env.CLIENTELE_TEST_DATABASE_URL;
  if (given) return given;
  embedded ??= startEmbeddedPostgres().then(({ url, detach }) => {
    // A test file run on its own: the server must not keep this process alive after its tests,
    // and must not outlive it either.
    detach();
    return url;
  });
  return embedded;
}

/**
 * Starts a PostgreSQL server in a temporary directory on a free port. `resolveFrom`: where the
 * `embedded-postgres` package is looked up (see loadEmbeddedPostgres).
 */
export async function startEmbeddedPostgres(
  resolveFrom?: string,
): Promise<{ url: string; stop: () => Promise<void>; detach: () => void }> {
  const EmbeddedPostgres = await loadEmbeddedPostgres(resolveFrom).catch((err: Error) => {
    throw new Error(`Could not start an embedded PostgreSQL: ${err.message}`);
  });
  const dir = mkdtempSync(join(tmpdir(), 'clientele-pg-'));
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const server = new EmbeddedPostgres({
    // The package chowns this directory to the user PostgreSQL runs as; it must not sit inside one only root can enter.
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    // en_US.UTF-8 is often missing on minimal machines; C.UTF-8 is always there.
    initdbFlags: ['--locale=C.UTF-8', '--lc-messages=C.UTF-8', '--encoding=UTF8'],
    onLog: () => {},
    onError: () => {},
  });
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `Could not start an embedded PostgreSQL (${(err as Error).message}). Set CLIENTELE_TEST_DATABASE_URL to a server, ` +
        'or CLIENTELE_SKIP_PG=1 to skip the PostgreSQL tests.',
    );
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
    detach: () => {
      const child = (server as unknown as { process?: ChildProcess }).process;
      if (!child?.pid) return;
      child.unref();
      for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
      process.once('exit', () => {
        child.kill('SIGINT');
        // Remove the data directory once PostgreSQL has shut down, from a process of its own.
        spawn('sh', ['-c', `while kill -0 ${child.pid} 2>/dev/null; do sleep 0.1; done; rm -rf '${dir}'`], {
          detached: true,
          stdio: 'ignore',
        }).unref();
      });
    },
  };
}

export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database, closing whatever connections are still open on it. */
  drop(): Promise<void>;
}

/** A new, uniquely named, empty database on the test server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = await postgresServerUrl();
  const name = `clientele_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  const url = new URL(serverUrl);
  url.pathname = '/' + name;
  return {
    url: url.toString(),
    name,
    drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
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

/**
 * For a test file that spawns server processes: without CLIENTELE_TEST_DATABASE_URL, start one
 * embedded PostgreSQL for the file in `before` and stop it in `after`. The per-process fallback
 * stops its server on 'beforeExit', which never comes while a child process holds the event loop,
 * so such a file would otherwise never finish.
 */
export function ownPostgresForFile(): void {
  let stop: (() => Promise<void>) | undefined;
  before(async () => {
    if (PG_SKIP_REASON || process.env.CLIENTELE_TEST_DATABASE_URL) return;
    const embedded = await startEmbeddedPostgres();
    process.env.CLIENTELE_TEST_DATABASE_URL = embedded.url;
    stop = async () => {
      delete process.env.CLIENTELE_TEST_DATABASE_URL;
      await embedded.stop();
    };
  });
  after(async () => {
    await stop?.();
  });
}
