/** `clientele import FILE` and `clientele export`: their arguments; the work is in ../import and ../export. */
import { EXPORT_FORMATS, exportCommand, type ExportFormat } from '../export.ts';
import { IMPORT_FORMATS, importCommand, type ImportFormat } from '../import.ts';
import { booleanOption, JSON_OUTPUT, stringOption, TENANT_AND_MODE, tenantAndMode, UsageError, type CliCommand } from './command.ts';

export const importCliCommand: CliCommand = {
  name: 'import',
  usage: `  import FILE --tenant ID --mode test|live [--format ndjson|csv|json] [--strict] [--resume]
              [--errors ERRORS.ndjson] [--checkpoint PATH] [--batch-size N] [--events] [--quiet] [--json]
                                          Import customers (Stripe's customer shape, Stripe's dashboard
                                          CSV, or CSV headed with parameter names: email,address[city]).
                                          Bad rows are reported by line and the others imported; --strict
                                          stops at the first. FILE - reads stdin (no resume).
                                          No events (nor webhooks) unless --events: a migration is not news.
                                          Exit 0: all imported; 1: some failed; 130: interrupted.
`,
  options: {
    ...TENANT_AND_MODE,
    format: { type: 'string' },
    strict: { type: 'boolean', default: false },
    resume: { type: 'boolean', default: false },
    errors: { type: 'string' },
    checkpoint: { type: 'string' },
    'batch-size': { type: 'string' },
    events: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    ...JSON_OUTPUT,
  },
  takesOperands: true,
  run: async (values, operands) => {
    const [file] = operands;
    if (file === undefined || operands.length > 1) throw new UsageError('import takes one FILE (or - for stdin)');
    const { tenant, mode } = tenantAndMode('import', values);
    const format = stringOption(values, 'format');
    if (format !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format is ${IMPORT_FORMATS.join(', ')}`);
    const batchSize = stringOption(values, 'batch-size');
    if (batchSize !== undefined && (!/^\d{1,6}$/.test(batchSize) || Number(batchSize) < 1)) throw new UsageError('--batch-size is a whole number of rows, from 1 to 999999');
    const errors = stringOption(values, 'errors');
    const checkpoint = stringOption(values, 'checkpoint');
    return importCommand({
      file,
      ...(batchSize ? { batchSize: Number(batchSize) } : {}),
      tenant,
      mode,
      ...(format ? { format: format as ImportFormat } : {}),
      strict: booleanOption(values, 'strict'),
      events: booleanOption(values, 'events'),
      resume: booleanOption(values, 'resume'),
      ...(errors ? { errors } : {}),
      ...(checkpoint ? { checkpoint } : {}),
      json: booleanOption(values, 'json'),
      quiet: booleanOption(values, 'quiet'),
    });
  },
};

export const exportCliCommand: CliCommand = {
  name: 'export',
  usage: `  export --tenant ID --mode test|live [--format ndjson|csv] [--output FILE]
                                          Every customer, oldest first, as the API prints it (stdout).
`,
  options: { ...TENANT_AND_MODE, format: { type: 'string' }, output: { type: 'string' } },
  takesOperands: true,
  run: async (values, operands) => {
    if (operands.length > 0) throw new UsageError('export takes no FILE: it writes to stdout, or to --output FILE');
    const { tenant, mode } = tenantAndMode('export', values);
    const format = stringOption(values, 'format') ?? 'ndjson';
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format is ${EXPORT_FORMATS.join(' or ')}`);
    const output = stringOption(values, 'output');
    return exportCommand({ tenant, mode, format: format as ExportFormat, ...(output ? { output } : {}) });
  },
};
