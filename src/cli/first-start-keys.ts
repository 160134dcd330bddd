import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProvisionedTenant } from '../domain/tenants/tenant-service.ts';
import { tenantIdToWire } from '../formats/ids.ts';

/** Where a first start leaves the default tenant's keys when no one is at a terminal to read them. */
export const KEYS_FILE = 'default-tenant-keys.txt';

export type KeysShown = { to: 'terminal' } | { to: 'file'; file: string };

function keysText(provisioned: ProvisionedTenant): string {
  return (
    [
      `Created tenant "default" (${tenantIdToWire(provisioned.tenant.id)}). Its secret keys, shown this once:`,
      `  test: ${provisioned.secrets.test}`,
      `  live: ${provisioned.secrets.live}`,
      ...(['test', 'live'] as const).flatMap((mode) => {
        const client = provisioned.clients?.[mode];
        return client ? [`  ${mode} client: ${client.client_id}  secret: ${client.client_secret}`] : [];
      }),
      'Only their hashes (and the client secrets, encrypted) are stored. Roll a lost key with: npx clientele keys roll --tenant <id> --mode test',
    ].join('\n') + '\n'
  );
}

/**
 * The default tenant's keys, never on stdout (the JSON log, which log shippers collect): on the
 * terminal when stderr is one, else in a file only this user can read, in the data directory.
 */
export function showFirstStartKeys(provisioned: ProvisionedTenant, dataDir: string, terminal = process.stderr.isTTY === true): KeysShown {
  const text = keysText(provisioned);
  if (terminal) {
    process.stderr.write(`\n${text}\n`);
    return { to: 'terminal' };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, KEYS_FILE);
  // A file left by a start that failed names keys that were withdrawn: replaced.
  rmSync(file, { force: true });
  writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { to: 'file', file };
}

/** A start that failed withdraws the keys it showed: the file goes with them. */
export function withdrawFirstStartKeys(shown: KeysShown): void {
  if (shown.to === 'file') rmSync(shown.file, { force: true });
}
