/** `clientele <command>`: finds the command in the table (commands/table.ts), runs it, and turns errors into exit codes. */
import { parseArgs } from 'node:util';
import { DomainError } from '../domain/errors.ts';
import { RefusedError, UsageError, type OptionValues } from './commands/command.ts';
import { allOptions, findCommand, USAGE } from './commands/table.ts';
import { ImportSetupError } from './import.ts';

/** Resolves with the exit code; -1: the command keeps running (serve). */
export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: allOptions() });
  const [first] = positionals;
  if (values.help || first === undefined || first === 'help') {
    process.stdout.write(USAGE);
    return first === undefined && !values.help ? 1 : 0;
  }
  const found = findCommand(positionals);
  if (!found) throw new UsageError(`unknown command: ${positionals.join(' ')}`);
  return found.command.run(values as OptionValues, found.operands);
}

export async function run(argv: string[]): Promise<void> {
  // What the CLI creates holds customer data or secrets (the data directory, the database, the
  // master key, exports, import checkpoints): readable by this user only.
  process.umask(0o077);
  try {
    const code = await main(argv);
    if (code >= 0) process.exitCode = code;
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`clientele: ${(err as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (err instanceof ImportSetupError || err instanceof RefusedError) {
      process.stderr.write(`clientele: ${err.message}\n`);
      process.exitCode = 2;
    } else if (err instanceof DomainError) {
      process.stderr.write(`clientele: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`clientele: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  }
}
