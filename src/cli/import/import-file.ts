/**
 * `importFile`: the whole import of one file into one tenant and mode, callable without the CLI
 * (the benchmark loads through it). Rows flow one way: file → reader (records with line numbers and
 * byte offsets) → row mapping (Stripe's customer shape → CustomerPatch and identity) → the domain
 * (`importedCustomer`: newCustomer's defaults and rules) → `Store.insertCustomers`, in batches, a
 * few in flight. A row that fails (unreadable, invalid, e-mail or id taken) is reported with its
 * line and never fails its neighbours; `strict` stops at the first.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { CustomerScope } from '../../domain/customers/model.ts';
import type { Store } from '../../domain/store-port.ts';
import { BatchPipeline, newBatch, positionOf } from './batch-pipeline.ts';
import { Checkpoints, startingPoint, type ImportTarget } from './checkpoint.ts';
import { addCounts, ImportSetupError, settledRows, type ImportOptions, type ImportSummary, type RowFailure } from './import-types.ts';
import { csvColumns, openRecords } from './open-records.ts';
import { formatOfPath, type ReadPosition } from './readers/source-records.ts';
import { customerOfRecord } from './row-customer.ts';

/** An import that adds this many customers refreshes the store's planner statistics when it ends. */
const ANALYZE_AFTER_ROWS = 10_000;

/**
 * Imports `path` (or a stream: `source`, without checkpoint) into `scope`. Resolves with the
 * summary also when rows failed, when `strict` stopped it or when `signal` interrupted it; rejects
 * with ImportSetupError when it cannot start, and with the store's error when the store fails
 * (the checkpoint then says where to resume).
 */
export async function importFile(store: Store, scope: CustomerScope, path: string, options: ImportOptions = {}, source?: Readable): Promise<ImportSummary> {
  const started = performance.now();
  const file = source ? path : resolve(path);
  const format = options.format ?? formatOfPath(path);
  if (!format) throw new ImportSetupError(`Cannot tell the format of ${path} from its name: pass --format ndjson|csv|json.`);
  let totalBytes: number | null = null;
  if (!source) {
    if (!existsSync(file)) throw new ImportSetupError(`No such file: ${path}`);
    totalBytes = statSync(file).size;
  }
  const strict = options.strict === true;
  const checkpointPath = source || options.checkpoint === false ? null : resolve(options.checkpoint ?? `${file}.clientele-import`);
  if (options.resume && !checkpointPath) throw new ImportSetupError('Resuming needs a checkpoint: an import from a file, with checkpoints on.');

  const target: ImportTarget = { file, path, format, scope, totalBytes };
  const start = startingPoint(checkpointPath, options.resume === true, target, options.onNotice);
  const { from, run } = start;
  const input = await openRecords(format, path, file, source, from, options);

  // SQLite writes synchronously: one large transaction at a time rewrites each index page once per
  // batch. PostgreSQL: several smaller batches at once, on as many pooled connections.
  const batchSize = options.batchSize ?? (store.kind === 'sqlite' ? 20_000 : 500);
  const checkpoints = checkpointPath ? new Checkpoints(checkpointPath, target, start, start.mayExist) : null;
  let failuresReported = 0;
  const report = (failure: RowFailure) => {
    failuresReported++;
    options.onFailure?.(failure);
  };
  const pipeline = new BatchPipeline(
    {
      store,
      scope,
      strict,
      batchSize,
      concurrency: strict ? 1 : (options.concurrency ?? (store.kind === 'sqlite' ? 1 : 4)),
      actor: options.actor ?? 'cli:import',
      requestPrefix: `import:${basename(path)}:`,
      events: options.events ?? false,
      mayExist: start.mayExist,
      checkpoints,
      report,
    },
    from,
  );
  pipeline.columns = input.columns;

  let stopped: ImportSummary['stopped'] = null;
  let rowsRead = 0;
  let bytesRead = from.offset;
  let batch = newBatch(from);
  let position: ReadPosition = from; // after the last record read
  const reportProgress = () =>
    options.onProgress?.({ bytes: bytesRead, totalBytes, startBytes: from.offset, rows: rowsRead, failed: failuresReported + batch.counts.failed });

  checkpoints?.write(from, pipeline.committed);
  try {
    reading: for await (const records of input.records) {
      for (const record of records) {
        if (format === 'csv' && pipeline.columns === null) {
          // A stream: its first record is the header.
          if (record.error) throw new ImportSetupError(`${path}: line ${record.line}: ${record.error}`);
          pipeline.columns = csvColumns(path, record.value as string[], options);
          batch = newBatch({ row: 1, line: record.endLine, offset: record.end });
          continue;
        }
        if (options.signal?.aborted) {
          stopped = 'interrupted';
          break reading;
        }
        rowsRead++;
        if (rowsRead % 1000 === 0) reportProgress();
        if (batch.records === 0) batch.first = positionOf(record);
        batch.records++;
        position = { row: record.row + 1, line: record.endLine, offset: record.end };
        bytesRead = record.end;
        const outcome = customerOfRecord(record, { format, columns: pipeline.columns, run, scope });
        if ('pending' in outcome) batch.pending.push(outcome.pending);
        else if ('skipped' in outcome) batch.counts.skipped++;
        else if (strict) {
          await pipeline.stopBefore(batch, record, outcome.failure);
          stopped = 'strict';
          break reading;
        } else {
          batch.failures.push(outcome.failure);
          batch.counts.failed++;
        }
        if (batch.pending.length >= batchSize || batch.records >= batchSize * 4) {
          batch.after = position;
          const ok = await pipeline.dispatch(batch);
          batch = newBatch(position);
          if (!ok) {
            stopped = pipeline.storeError ? null : 'strict';
            break reading;
          }
        }
      }
      reportProgress();
    }
    if (stopped === null && pipeline.storeError === null) {
      batch.after = position;
      if (await pipeline.dispatch(batch)) await pipeline.drain(0);
      else if (!pipeline.storeError) stopped = 'strict';
    } else {
      await pipeline.drain(0);
    }
  } finally {
    await input.close();
  }
  const { committed, strictFailure, storeError } = pipeline;
  if (strictFailure) {
    report(strictFailure);
    stopped = 'strict';
  }

  // After many rows, the planner's statistics are out of date (PostgreSQL): lists would pick the wrong index.
  if (storeError === null && committed.imported >= ANALYZE_AFTER_ROWS) await store.analyze();

  const complete = stopped === null && storeError === null;
  if (checkpoints) {
    if (complete) checkpoints.remove();
    else checkpoints.write(pipeline.stopAt ?? pipeline.settledAt, committed);
  }
  if (storeError) throw storeError;

  const totals = { ...start.carried };
  addCounts(totals, committed);
  if (strictFailure) totals.failed++;
  const seconds = (performance.now() - started) / 1000;
  const settledThisRun = settledRows(committed) + (strictFailure ? 1 : 0);
  return {
    file,
    format,
    ...totals,
    rows: settledRows(totals),
    rowsThisRun: settledThisRun,
    seconds,
    rowsPerSecond: seconds > 0 ? settledThisRun / seconds : 0,
    complete,
    stopped,
    resumedAt: start.resumedAt,
    checkpoint: complete || !checkpointPath ? null : checkpointPath,
  };
}
