/** What a CLI command is (see table.ts), and what several commands share. */
import type { ParseArgsConfig } from 'node:util';
import { loadConfig } from '../../config.ts';
import type { Mode } from '../../domain/customers/model.ts';
import type { Store } from '../../domain/store-port.ts';
import { TenantService } from '../../domain/tenants/tenant-service.ts';
import { openStore } from '../../store/open.ts';
import { loadSecretBox } from '../master-key.ts';
import type { SecretBox } from '../../domain/tenants/secret-box.ts';

/** Wrong arguments: the message and the usage text, exit 2. */
export class UsageError extends Error {}

/** The arguments are right but the command will not do it (a file in the way, the wrong store): the message alone, exit 2. */
export class RefusedError extends Error {}

/** Options as node:util's parseArgs takes them. */
export type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The options given, as node:util's parseArgs read them. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface CliCommand {
  /** The words that name it: `import`, `tenants create`. */
  name: string;
  /** Its lines in the usage text. */
  usage: string;
  /** The options it takes. */
  options: OptionsConfig;
  /** Whether words after its name are its own (FILE); else a one-word command takes none. */
  takesOperands?: boolean;
  /** Resolves with the exit code; -1 keeps the process running (serve). */
  run(values: OptionValues, operands: string[]): Promise<number>;
}

export const stringOption = (values: OptionValues, name: string): string | undefined => values[name] as string | undefined;
export const booleanOption = (values: OptionValues, name: string): boolean => values[name] === true;
export const stringListOption = (values: OptionValues, name: string): string[] | undefined => values[name] as string[] | undefined;

export const TENANT_AND_MODE: OptionsConfig = { tenant: { type: 'string' }, mode: { type: 'string' } };
export const JSON_OUTPUT: OptionsConfig = { json: { type: 'boolean', default: false } };

export function tenantAndMode(command: string, values: OptionValues): { tenant: string; mode: Mode } {
  const tenant = stringOption(values, 'tenant');
  const mode = stringOption(values, 'mode');
  if (!tenant) throw new UsageError(`${command} needs --tenant`);
  if (mode !== 'test' && mode !== 'live') throw new UsageError(`${command} needs --mode test|live`);
  return { tenant, mode };
}

/** `--expire-in SECONDS`: how long the key or client being replaced keeps working (default 0). */
export function expireInSeconds(values: OptionValues): number {
  const expireIn = stringOption(values, 'expire-in');
  if (expireIn !== undefined && !/^\d+$/.test(expireIn)) throw new UsageError('--expire-in is a whole number of seconds');
  return expireIn === undefined ? 0 : Number(expireIn);
}

/** Runs `work` with the tenant service on the configured store, closed afterwards. */
export async function withTenants<T>(work: (tenants: TenantService) => Promise<T>): Promise<T> {
  return withStore((_, tenants) => work(tenants));
}

/** Runs `work` with the configured store and its tenant service; the store is closed afterwards. */
export async function withStore<T>(work: (store: Store, tenants: TenantService, box: SecretBox) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { box } = loadSecretBox(config);
  const store = await openStore(config);
  try {
    return await work(store, new TenantService(store, box), box);
  } finally {
    await store.close();
  }
}

export const printJson = (value: unknown): void => void process.stdout.write(JSON.stringify(value) + '\n');
