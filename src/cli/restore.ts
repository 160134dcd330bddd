/**
 * `clientele restore FILE`: a backup (see backup.ts) brought into an empty data directory, checked
 * before anything is written there, then migrated to this build's schema.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { sqlitePath, type Config } from '../config.ts';
import type { SecretBox } from '../domain/tenants/secret-box.ts';
import { openStore } from '../store/open.ts';
import { pendingVersions } from '../store/sqlite/migrate.ts';
import { copyDatabase } from './backup.ts';
import { RefusedError } from './commands/command.ts';
import { existingSecretBox } from './master-key.ts';

export interface RestoreSummary {
  file: string;
  database: string;
  bytes: number;
  /** Migrations this build applied to the restored copy (a backup from an older build). */
  migrations: string[];
}

export async function restoreDatabase(config: Config, file: string): Promise<RestoreSummary> {
  if (config.databaseUrl) {
    throw new RefusedError('restore brings back a SQLite backup; DATABASE_URL names a PostgreSQL store: restore it with pg_restore (or point-in-time recovery).');
  }
  const database = sqlitePath(config);
  for (const path of [database, `${database}-wal`]) {
    if (existsSync(path)) throw new RefusedError(`${path} already exists: restore only fills an empty data directory; move that database away or set CLIENTELE_DATA_DIR to a new directory.`);
  }
  if (!existsSync(file) || !statSync(file).isFile()) throw new RefusedError(`No such file: ${file}`);
  // Checked before the store is opened: loadSecretBox would make a new key, which opens nothing in the backup.
  const key = existingSecretBox(config);
  if (!key) {
    throw new RefusedError(
      `No master key: copy the master.key file of the backed-up data directory into ${config.dataDir} (or set CLIENTELE_MASTER_KEY to the key it used), then restore.`,
    );
  }

  const source = openBackup(file);
  let migrations: string[];
  try {
    checkBackup(source, file);
    checkKey(source, key.box, key.source);
    migrations = pendingVersions(source);
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    await copyDatabase(source, database, database);
  } finally {
    source.close();
  }
  const bytes = statSync(database).size;
  // Opening the store applies this build's migrations, as serve would at start.
  const store = await openStore({ ...config, sqliteReaders: 0 });
  await store.close();
  return { file, database, bytes, migrations };
}

function openBackup(file: string): Database.Database {
  try {
    return new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new RefusedError(`${file} cannot be opened as a SQLite database: ${(err as Error).message}`);
  }
}

/** A SQLite file, undamaged, that a Clientele store wrote (it has the migrations table). */
function checkBackup(db: Database.Database, file: string): void {
  let integrity: string[];
  try {
    integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
  } catch (err) {
    throw new RefusedError(`${file} is not a SQLite database (${(err as Error).message}).`);
  }
  if (integrity.length !== 1 || integrity[0] !== 'ok') {
    throw new RefusedError(`${file} is a damaged SQLite database; integrity_check: ${integrity.slice(0, 5).join('; ')}`);
  }
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) throw new RefusedError(`${file} is a SQLite database but not a Clientele backup (it has no schema_migrations table).`);
}

/** The key must open the secrets the backup holds: with another key every client secret would be lost. */
function checkKey(db: Database.Database, box: SecretBox, source: string): void {
  const hasClients = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'api_clients'").get();
  const client = hasClients ? (db.prepare('SELECT id, secret_sealed FROM api_clients LIMIT 1').get() as { id: string; secret_sealed: string } | undefined) : undefined;
  if (!client) return;
  try {
    box.open(client.secret_sealed, client.id);
  } catch {
    throw new RefusedError(`The master key (${source}) does not open the client secrets in this backup: use the key of the backed-up data directory.`);
  }
}
