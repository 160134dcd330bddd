/**
 * `clientele backup --output FILE`: a consistent copy of the SQLite store while servers keep
 * writing to it, through SQLite's online backup API on a read-only connection of its own.
 */
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, openSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { masterKeyPath, sqlitePath, type Config } from '../config.ts';
import { RefusedError } from './commands/command.ts';

export interface BackupSummary {
  output: string;
  bytes: number;
  pages: number;
}

/** How long the read-only connection waits on a lock before it gives up (as the store's connections do). */
const BUSY_TIMEOUT_MS = 5000;

export async function backupDatabase(config: Config, output: string): Promise<BackupSummary> {
  if (config.databaseUrl) {
    throw new RefusedError(
      'backup copies the SQLite store; DATABASE_URL names a PostgreSQL store: back it up with PostgreSQL\'s own tools, ' +
        'pg_dump -Fc (restore with pg_restore), or WAL archiving and a base backup for point-in-time recovery.',
    );
  }
  const target = resolve(output);
  if (existsSync(target)) throw new RefusedError(`${output} already exists: backup never overwrites a file; name a new one.`);
  const source = sqlitePath(config);
  if (!existsSync(source)) throw new RefusedError(`There is no database at ${source} (CLIENTELE_DATA_DIR) to back up.`);
  const db = new Database(source, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    const pages = await copyDatabase(db, target, output);
    return { output: target, bytes: statSync(target).size, pages };
  } finally {
    db.close();
  }
}

/**
 * Copies the database `db` reads into a new file at `target`, mode 0600, refusing (RefusedError
 * naming it as `shownAs`) if one appears there meanwhile. Written to a temporary name beside it
 * and linked into place when complete: a crash or a full disk never leaves a half copy under the
 * real name, and link, unlike rename, fails rather than replace a file. Resolves with its pages.
 */
export async function copyDatabase(db: Database.Database, target: string, shownAs: string): Promise<number> {
  const temp = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  closeSync(openSync(temp, 'wx', 0o600));
  try {
    // All pages in one step: one read transaction, hence one snapshot. Step by step, every commit
    // another process made between steps would restart the copy, and a busy server could keep
    // it from ever finishing.
    const { totalPages } = await db.backup(temp, { progress: () => 0x7fffffff });
    // The copy keeps the source's WAL mode; a backup is one self-contained file instead (restore
    // and the server turn WAL back on when they open it).
    const copy = new Database(temp, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    chmodSync(temp, 0o600);
    const fd = openSync(temp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temp, target);
    } catch (err) {
      if ((err as { code?: string }).code === 'EEXIST') throw new RefusedError(`${shownAs} already exists: it appeared while copying; nothing was overwritten.`);
      throw err;
    }
    return totalPages;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** What the operator must keep besides the backup: client and webhook secrets are sealed with the master key. */
export function masterKeyWarning(config: Config): string {
  const where = config.masterKey ? 'CLIENTELE_MASTER_KEY' : `the master key file ${masterKeyPath(config)}`;
  return `Warning: the backup does not hold ${where}; keep it safe, apart from the backup: restoring needs the same key, or client and webhook secrets cannot be read.`;
}
