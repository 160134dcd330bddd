/**
 * `clientele import`: failures and progress on stderr, the summary on stdout. Exit code: 0 when
 * every row was imported (or skipped, or found already imported), 1 when some failed or strict
 * stopped, 130 when interrupted (Ctrl-C: the batches in flight are committed, the checkpoint
 * written; a second Ctrl-C exits at once).
 */
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { loadConfig } from '../../config.ts';
import { TenantService } from '../../domain/tenants/tenant-service.ts';
import { openStore } from '../../store/open.ts';
import { Progress } from '../progress.ts';
import { tenantArg } from '../tenant-arg.ts';
import { describeFailure } from './failures.ts';
import { importFile } from './import-file.ts';
import { ImportSetupError, type ImportOptions, type ImportSummary } from './import-types.ts';
import type { ImportFormat } from './readers/source-records.ts';

/** The import's SQLite page cache: the indexes of a large table stay in memory between batches. */
export const IMPORT_SQLITE_CACHE_MIB = 256;

export interface ImportCommandArgs {
  file: string;
  tenant: string;
  mode: 'test' | 'live';
  format?: ImportFormat;
  strict: boolean;
  resume: boolean;
  /** Record events (and so deliver webhooks) for the imported customers. */
  events: boolean;
  /** Also write every failure to this file, one JSON object a line. */
  errors?: string;
  checkpoint?: string;
  /** Rows per transaction (default: ImportOptions.batchSize's). */
  batchSize?: number;
  json: boolean;
  quiet: boolean;
}

export async function importCommand(args: ImportCommandArgs): Promise<number> {
  const config = loadConfig();
  const stdin = args.file === '-';
  if (stdin && !args.format) throw new ImportSetupError('Reading from stdin (-) needs --format ndjson|csv|json.');
  const store = await openStore(config, { sqliteCacheMiB: IMPORT_SQLITE_CACHE_MIB });
  const errorsOut = args.errors ? createWriteStream(args.errors, { flags: args.resume ? 'a' : 'w' }) : null;
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    process.stderr.write('\nclientele: stopping: finishing the batches in flight (Ctrl-C again to quit at once)…\n');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = args.quiet ? null : new Progress(process.stderr, `importing ${stdin ? 'stdin' : basename(args.file)}`);
  try {
    const tenant = await tenantArg(new TenantService(store), args.tenant);
    const options: ImportOptions = {
      strict: args.strict,
      events: args.events,
      resume: args.resume,
      signal: controller.signal,
      onFailure: (failure) => {
        progress?.finish();
        process.stderr.write(describeFailure(failure) + '\n');
        errorsOut?.write(JSON.stringify(failure) + '\n');
      },
      onNotice: (message) => {
        progress?.finish();
        process.stderr.write(`clientele: ${message}\n`);
      },
    };
    if (progress) options.onProgress = (state) => progress.update(state);
    if (args.format) options.format = args.format;
    if (args.checkpoint) options.checkpoint = args.checkpoint;
    if (args.batchSize) options.batchSize = args.batchSize;
    let summary: ImportSummary;
    try {
      summary = await importFile(store, { tenantId: tenant.id, mode: args.mode }, args.file, options, stdin ? process.stdin : undefined);
    } catch (err) {
      progress?.finish();
      if (err instanceof ImportSetupError || stdin || !existsSync(resolve(args.checkpoint ?? `${args.file}.clientele-import`))) throw err;
      process.stderr.write(`clientele: the import stopped: ${(err as Error).message}\nRun the same command with --resume to continue where it stopped.\n`);
      return 1;
    }
    progress?.finish();
    process.stdout.write(args.json ? summaryJson(summary, args) : summaryText(summary, args));
    if (summary.stopped === 'interrupted') return 130;
    return summary.complete && summary.failed === 0 ? 0 : 1;
  } finally {
    progress?.finish();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (errorsOut) {
      errorsOut.end();
      await once(errorsOut, 'close');
    }
    await store.close();
  }
}

function summaryJson(summary: ImportSummary, args: ImportCommandArgs): string {
  return (
    JSON.stringify({
      file: summary.file,
      format: summary.format,
      tenant: args.tenant,
      mode: args.mode,
      rows: summary.rows,
      imported: summary.imported,
      failed: summary.failed,
      skipped: summary.skipped,
      already_imported: summary.alreadyImported,
      complete: summary.complete,
      stopped: summary.stopped,
      resumed_at_line: summary.resumedAt?.line ?? null,
      checkpoint: summary.checkpoint,
      seconds: Number(summary.seconds.toFixed(3)),
      rows_per_second: Math.round(summary.rowsPerSecond),
    }) + '\n'
  );
}

function summaryText(summary: ImportSummary, args: ImportCommandArgs): string {
  const count = (value: number) => value.toLocaleString('en-US');
  const extras = [
    `${count(summary.failed)} failed`,
    ...(summary.skipped ? [`${count(summary.skipped)} deleted stubs skipped`] : []),
    ...(summary.alreadyImported ? [`${count(summary.alreadyImported)} already imported`] : []),
  ];
  let text =
    `${summary.complete ? 'Imported' : 'Stopped:'} ${count(summary.imported)} of ${count(summary.rows)} rows into ${args.tenant} (${args.mode}) ` +
    `in ${summary.seconds.toFixed(1)} s (${count(Math.round(summary.rowsPerSecond))} rows/s); ${extras.join(', ')}.\n`;
  if (summary.stopped === 'strict') text += `--strict stopped at the first bad row; fix it and run again with --resume.\n`;
  if (summary.stopped === 'interrupted') text += `Interrupted; run again with --resume to continue.\n`;
  return text;
}
