/** `clientele backup` and `clientele restore`: their arguments; the work is in ../backup.ts and ../restore.ts. */
import { loadConfig } from '../../config.ts';
import { backupDatabase, masterKeyWarning } from '../backup.ts';
import { restoreDatabase } from '../restore.ts';
import { booleanOption, JSON_OUTPUT, printJson, stringOption, UsageError, type CliCommand } from './command.ts';

export const backupCommand: CliCommand = {
  name: 'backup',
  usage: `  backup --output FILE [--json]           A consistent copy of the SQLite store, taken while servers
                                          keep writing to it; never overwrites FILE. The master key is
                                          not in it: keep that apart. PostgreSQL: pg_dump, or PITR.
`,
  // --output is export's option too (a string for both).
  options: { output: { type: 'string' }, ...JSON_OUTPUT },
  takesOperands: true,
  run: async (values, operands) => {
    if (operands.length > 0) throw new UsageError('backup takes no FILE: name it with --output FILE');
    const output = stringOption(values, 'output');
    if (!output) throw new UsageError('backup needs --output FILE');
    const config = loadConfig();
    const summary = await backupDatabase(config, output);
    if (booleanOption(values, 'json')) printJson(summary);
    else process.stdout.write(`Backed up to ${summary.output}: ${summary.bytes} bytes, ${summary.pages} pages.\n`);
    // The master key is left out on purpose: a backup stored with its key exposes every secret in it to whoever gets the file.
    process.stderr.write(`${masterKeyWarning(config)}\n`);
    return 0;
  },
};

export const restoreCommand: CliCommand = {
  name: 'restore',
  usage: `  restore FILE [--json]                   Bring a backup into an empty data directory and migrate it.
                                          Needs the backed-up master key: its master.key copied into
                                          CLIENTELE_DATA_DIR first, or CLIENTELE_MASTER_KEY.
`,
  options: { ...JSON_OUTPUT },
  takesOperands: true,
  run: async (values, operands) => {
    const [file] = operands;
    if (file === undefined || operands.length > 1) throw new UsageError('restore takes one FILE');
    const summary = await restoreDatabase(loadConfig(), file);
    if (booleanOption(values, 'json')) printJson(summary);
    else {
      const migrated = summary.migrations.length ? `; migrations applied: ${summary.migrations.join(', ')}` : '';
      process.stdout.write(`Restored ${summary.file} into ${summary.database} (${summary.bytes} bytes)${migrated}.\n`);
    }
    return 0;
  },
};
