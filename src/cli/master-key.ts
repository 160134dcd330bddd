import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { masterKeyPath, type Config } from '../config.ts';
import { parseMasterKey, SecretBox } from '../domain/tenants/secret-box.ts';

/**
 * The key that encrypts client secrets: CLIENTELE_MASTER_KEY, or else `master.key` in the data
 * directory, made on first use (mode 0600). Every server sharing one database must use the same
 * key: with PostgreSQL and several machines, set CLIENTELE_MASTER_KEY.
 */
export function loadSecretBox(config: Config): { box: SecretBox; source: string } {
  if (config.masterKey) return { box: new SecretBox(parseMasterKey(config.masterKey)), source: 'CLIENTELE_MASTER_KEY' };
  const file = masterKeyPath(config);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    // 'wx': of several processes starting together, exactly one creates the file.
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as { code?: string }).code !== 'EEXIST') throw err;
  }
  let text = readFileSync(file, 'utf8');
  // A file another process has just created may not hold its key yet.
  for (let i = 0; i < 50 && text.trim() === ''; i++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    text = readFileSync(file, 'utf8');
  }
  return { box: new SecretBox(parseMasterKey(text)), source: file };
}

/** The key the configuration names if there is one already (CLIENTELE_MASTER_KEY or the key file); never makes one. */
export function existingSecretBox(config: Config): { box: SecretBox; source: string } | null {
  if (config.masterKey) return { box: new SecretBox(parseMasterKey(config.masterKey)), source: 'CLIENTELE_MASTER_KEY' };
  const file = masterKeyPath(config);
  if (!existsSync(file)) return null;
  return { box: new SecretBox(parseMasterKey(readFileSync(file, 'utf8'))), source: file };
}
