/**
 * `clientele backup` and `clientele restore`: the real bin/clientele.js as child processes. A
 * backup taken while a server keeps creating customers holds every customer acknowledged before
 * it began, each exactly as the original has it, and of each writer's customers a prefix (what
 * it holds is one moment of the database); restored into a fresh directory, a server starts on
 * it and answers. Then the refusals: an existing output, a non-empty data directory, a file that
 * is no backup, a missing master key, PostgreSQL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { cliHarness, type Served } from '../helpers/cli.ts';

const CHILD_TIMEOUT_MS = 30_000;
const { tempDir, cli, startServe } = cliHarness({ prefix: 'clientele-backup-', timeoutMs: CHILD_TIMEOUT_MS });
const NO_LIMITS = { CLIENTELE_RATE_LIMITS: 'off' };
const WRITERS = 3;

async function createCustomer(base: string, key: string, email: string): Promise<string> {
  const res = await fetch(`${base}/v1/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email }).toString(),
  });
  const body = (await res.json()) as { id?: string };
  assert.equal(res.status, 200, `POST /v1/customers: ${res.status} ${JSON.stringify(body)}`);
  return body.id!;
}

/** `clientele export` of the tenant's test customers: each line by its customer id. */
async function exportLines(dir: string, tenant: string): Promise<Map<string, string>> {
  const r = await cli(dir, ['export', '--tenant', tenant, '--mode', 'test']);
  assert.equal(r.code, 0, `export: ${r.stderr}`);
  const lines = r.stdout.split('\n').filter((line) => line !== '');
  return new Map(lines.map((line) => [(JSON.parse(line) as { id: string }).id, line]));
}

const until = async (done: () => boolean, what: string): Promise<void> => {
  const deadline = Date.now() + CHILD_TIMEOUT_MS;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('clientele backup and restore', () => {
  let dir: string;
  let tenant: { id: string; key: string };
  let served: Served;
  let backupFile: string;

  before(async () => {
    dir = tempDir();
    const r = await cli(dir, ['tenants', 'create', '--name', 'Backed up', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const made = JSON.parse(r.stdout) as { tenant: { id: string }; keys: { test: string } };
    tenant = { id: made.tenant.id, key: made.keys.test };
    served = await startServe(dir, NO_LIMITS);
    backupFile = join(tempDir(), 'clientele.backup');
  });
  after(async () => {
    await served?.stop();
  });

  it('a backup taken under writes restores to a consistent, current copy a server starts on', async () => {
    // Writers, each one request at a time: its acknowledged ids are in commit order.
    const written: string[][] = Array.from({ length: WRITERS }, () => []);
    let stop = false;
    const writers = written.map(async (ids, w) => {
      for (let i = 0; !stop; i++) ids.push(await createCustomer(served.url, tenant.key, `w${w}-${i}@example.com`));
    });
    const total = () => written.reduce((n, ids) => n + ids.length, 0);
    await until(() => total() >= 60, 'the first customers');

    const ackedBefore = written.flat();
    const backup = await cli(dir, ['backup', '--output', backupFile, '--json']);
    const countAtEnd = written.map((ids) => ids.length);
    assert.ok(total() > ackedBefore.length, 'the server kept acknowledging writes while the backup ran');
    // Still writing after the backup: the server was never stopped nor blocked.
    await until(() => written.every((ids, w) => ids.length >= countAtEnd[w]! + 3), 'writes after the backup');
    stop = true;
    await Promise.all(writers);

    assert.equal(backup.code, 0, `backup: ${backup.stderr}`);
    const summary = JSON.parse(backup.stdout.trim()) as { output: string; bytes: number; pages: number };
    assert.equal(summary.output, backupFile);
    assert.equal(summary.bytes, statSync(backupFile).size);
    assert.ok(summary.pages > 0);
    assert.equal(statSync(backupFile).mode & 0o777, 0o600);
    assert.match(backup.stderr, /master key file .*master\.key/);
    assert.deepEqual(readdirSync(join(backupFile, '..')), ['clientele.backup'], 'no temporary file left');

    const restored = tempDir();
    copyFileSync(join(dir, 'master.key'), join(restored, 'master.key'));
    const r = await cli(restored, ['restore', backupFile]);
    assert.equal(r.code, 0, `restore: ${r.stderr}`);
    assert.match(r.stdout, /^Restored /);

    const original = await exportLines(dir, tenant.id);
    const copy = await exportLines(restored, tenant.id);
    assert.equal(original.size, total(), 'the original export holds every customer written');
    for (const [id, line] of copy) assert.equal(line, original.get(id), `customer ${id} in the restore is not the original's`);
    for (const id of ackedBefore) assert.ok(copy.has(id), `${id}, acknowledged before the backup began, is not in it`);
    for (const [w, ids] of written.entries()) {
      const held = ids.filter((id) => copy.has(id)).length;
      assert.deepEqual(ids.slice(0, held).filter((id) => !copy.has(id)), [], `writer ${w}: the backup is not a prefix of its writes`);
    }
    assert.ok(copy.size < original.size, 'customers written after the backup are not in it');

    const again = await startServe(restored, NO_LIMITS);
    try {
      const id = ackedBefore[ackedBefore.length - 1]!;
      const res = await fetch(`${again.url}/v1/customers/${id}`, { headers: { authorization: `Bearer ${tenant.key}` } });
      assert.equal(res.status, 200);
      // The export lists tax_ids too, which GET leaves to its expand parameter.
      const { tax_ids: _, ...expected } = JSON.parse(original.get(id)!) as Record<string, unknown>;
      assert.deepEqual(await res.json(), expected);
    } finally {
      await again.stop();
    }
  });

  it('backup refuses an existing output file, and PostgreSQL', async () => {
    const existing = join(tempDir(), 'taken');
    writeFileSync(existing, 'keep me');
    const r = await cli(dir, ['backup', '--output', existing]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /already exists/);
    assert.equal(readFileSync(existing, 'utf8'), 'keep me');

    const pg = join(tempDir(), 'pg.backup');
    const p = await cli(dir, ['backup', '--output', pg], { DATABASE_URL: 'postgres://127.0.0.1:1/none' });
    assert.equal(p.code, 2, p.stderr);
    assert.match(p.stderr, /pg_dump/);
    assert.match(p.stderr, /point-in-time recovery/);
    assert.equal(existsSync(pg), false);

    const u = await cli(dir, ['backup']);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /needs --output/);
  });

  it("a backup from an older build (before this build's last migration) is migrated on restore, and a server starts on it", async () => {
    const older = join(tempDir(), 'older.backup');
    assert.equal((await cli(dir, ['backup', '--output', older])).code, 0);
    // Make it the backup the build before issue 18 would have taken: migration 0010 (the console's and
    // the partners' tables) undone.
    const db = new Database(older);
    const newest = (db.prepare("SELECT version FROM schema_migrations WHERE version LIKE '0010_%'").get() as { version: string }).version;
    db.exec('DROP TABLE partner_grants; DROP TABLE partner_apps; DROP TABLE console_sessions;');
    db.prepare('DELETE FROM schema_migrations WHERE version = ?').run(newest);
    db.close();
    const target = tempDir();
    copyFileSync(join(dir, 'master.key'), join(target, 'master.key'));
    const restored = await cli(target, ['restore', older, '--json']);
    assert.equal(restored.code, 0, restored.stderr);
    assert.deepEqual(JSON.parse(restored.stdout.trim().split('\n').at(-1)!).migrations, [newest]);
    const again = await startServe(target, NO_LIMITS);
    try {
      assert.equal((await fetch(`${again.url}/readyz`)).status, 200, 'every migration applied');
      const page = await fetch(`${again.url}/v1/customers?limit=1`, { headers: { authorization: `Bearer ${tenant.key}` } });
      assert.equal(page.status, 200);
    } finally {
      await again.stop();
    }
  });

  it('restore refuses a data directory with a database, a file that is no backup, and a missing master key', async () => {
    const good = join(tempDir(), 'good.backup');
    assert.equal((await cli(dir, ['backup', '--output', good])).code, 0);

    const full = await cli(dir, ['restore', good]);
    assert.equal(full.code, 2, full.stderr);
    assert.ok(full.stderr.includes(join(dir, 'clientele.sqlite')), `names the database: ${full.stderr}`);

    const key = readFileSync(join(dir, 'master.key'), 'utf8').trim();
    const junk = join(tempDir(), 'junk.backup');
    writeFileSync(junk, 'SQLite format 3? no: '.repeat(200));
    const notSqlite = join(tempDir(), 'other.sqlite');
    new Database(notSqlite).exec('CREATE TABLE t (x)').close();
    for (const [file, message] of [[junk, /not a SQLite database/], [notSqlite, /no schema_migrations table/]] as const) {
      const empty = tempDir();
      const r = await cli(empty, ['restore', file], { CLIENTELE_MASTER_KEY: key });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.deepEqual(readdirSync(empty), [], 'nothing written');
    }

    const keyless = tempDir();
    const noKey = await cli(keyless, ['restore', good]);
    assert.equal(noKey.code, 2, noKey.stderr);
    assert.match(noKey.stderr, /master\.key/);
    const wrongKey = await cli(keyless, ['restore', good], { CLIENTELE_MASTER_KEY: 'ab'.repeat(32) });
    assert.equal(wrongKey.code, 2, wrongKey.stderr);
    assert.match(wrongKey.stderr, /does not open the client secrets/);
    assert.deepEqual(readdirSync(keyless), [], 'nothing written');
  });
});
