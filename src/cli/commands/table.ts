/**
 * Every `clientele` command, in the order the usage text lists them: the table main.ts finds a
 * command in, and the usage text and the options parseArgs accepts are made from.
 */
import { backupCommand, restoreCommand } from './backup.ts';
import type { CliCommand, OptionsConfig } from './command.ts';
import { clientsRollCommand, keysRollCommand } from './credentials.ts';
import { eraseCommand } from './erase.ts';
import { partnersCreateCommand, partnersListCommand, partnersRemoveCommand, partnersRollSecretCommand } from './partners.ts';
import { consoleLinkCommand } from './console-link.ts';
import { exportCliCommand, importCliCommand } from './import-export.ts';
import { migrateCommand, serveCommand } from './server.ts';
import { tenantsSettingsCommand, tenantsUpdateCommand } from './tenant-settings.ts';
import { tenantsCreateCommand, tenantsListCommand } from './tenants.ts';

export const COMMANDS: readonly CliCommand[] = [
  serveCommand,
  migrateCommand,
  tenantsCreateCommand,
  tenantsListCommand,
  tenantsSettingsCommand,
  tenantsUpdateCommand,
  keysRollCommand,
  clientsRollCommand,
  importCliCommand,
  exportCliCommand,
  eraseCommand,
  backupCommand,
  restoreCommand,
  partnersCreateCommand,
  partnersListCommand,
  partnersRollSecretCommand,
  partnersRemoveCommand,
  consoleLinkCommand,
];

export const USAGE = `Usage: clientele <command> [options]

Commands:
${COMMANDS.map((command) => command.usage).join('')}`;

/** The options of every command: any is accepted with any command, as parseArgs reads them all at once. */
export function allOptions(): OptionsConfig {
  const options: OptionsConfig = { help: { type: 'boolean', short: 'h', default: false } };
  for (const command of COMMANDS) {
    for (const [name, config] of Object.entries(command.options)) {
      const known = options[name];
      if (known && known.type !== config.type) throw new Error(`--${name} is a ${known.type} for one command and a ${config.type} for ${command.name}`);
      options[name] = config;
    }
  }
  return options;
}

/** The command the first words name, and the words after its name. */
export function findCommand(words: string[]): { command: CliCommand; operands: string[] } | null {
  const [first, second] = words;
  const twoWords = COMMANDS.find((command) => command.name === `${first} ${second}`);
  if (twoWords) return { command: twoWords, operands: words.slice(2) };
  const oneWord = COMMANDS.find((command) => command.name === first);
  if (oneWord && (oneWord.takesOperands || second === undefined)) return { command: oneWord, operands: words.slice(1) };
  return null;
}
