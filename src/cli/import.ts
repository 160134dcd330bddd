/**
 * `clientele import`: customers from an NDJSON, CSV or JSON file into one tenant and mode.
 *
 * Rows flow one way: file → reader (import-formats.ts: records with line numbers and byte
 * offsets) → row mapping (import-row.ts: Stripe's customer shape → CustomerPatch and identity) →
 * the domain (`importedCustomer`: newCustomer's defaults and rules) → `Store.insertCustomers`, in
 * batches, a few in flight. A row that fails (unreadable, invalid, e-mail or id taken) is
 * reported with its line and never fails its neighbours; `strict` stops at the first.
 *
 * Resuming: a checkpoint file beside the input records, after each committed batch (at most once
 * a second), the position before which every row is settled, with the counts so far and the
 * run's key. Rows without a Clientele id get ids derived from that key and their row number, so a
 * row committed after the last checkpoint gets the same id when the import is resumed: its
 * insert then finds the id taken, and the row is counted as already imported, not imported twice.
 * `importFile` is the whole import, callable without the CLI (the benchmark loads through it).
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, createWriteStream, existsSync, fsyncSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { loadConfig } from '../config.ts';
import { importedCustomer } from '../domain/customers/factory.ts';
import { type Customer, type CustomerScope } from '../domain/customers/model.ts';
import { ConflictError, DomainError, ValidationError } from '../domain/errors.ts';
import { idTimeMs } from '../domain/ids.ts';
import { TenantService } from '../domain/tenants/tenant-service.ts';
import type { WriteContext } from '../domain/customers/write-context.ts';
import { tenantArg } from './tenant-arg.ts';
import { openStore } from '../store/open.ts';
import type { InsertOutcome, Store } from '../domain/store-port.ts';
import { formatOfPath, openBytes, readCsv, readCsvHeader, readJson, readNdjson, START, type ImportFormat, type ReadPosition, type SourceRecord } from './import-formats.ts';
import { CsvColumns, importRow } from './import-row.ts';
import { Progress } from './progress.ts';
import { pathToParam } from '../formats/bracket-path.ts';

/** The file, the checkpoint or the arguments do not allow the import to start (exit 2). */
export class ImportSetupError extends Error {}

export interface RowFailure {
  /** 1-based number of the record in the file. */
  row: number;
  line: number;
  /** The field, in bracket notation (`address[country]`); null for the row as a whole. */
  field: string | null;
  /** The CSV column the field came from, when its header differs. */
  column?: string;
  code: string;
  message: string;
  /** The row's `id`, when it had one. */
  id?: string;
}

export interface ImportProgress {
  /** Bytes of the file read so far, from its start. */
  bytes: number;
  totalBytes: number | null;
  /** Where this run started reading (past the beginning when resuming). */
  startBytes: number;
  /** Rows read in this run. */
  rows: number;
  /** Rows failed so far, in this run. */
  failed: number;
}

export interface ImportOptions {
  /** Default: from the file's extension (.ndjson/.jsonl, .csv, .json). */
  format?: ImportFormat;
  /** Stop at the first row that fails, without importing it; the rows before it are committed. */
  strict?: boolean;
  /** Continue the import the checkpoint describes. */
  resume?: boolean;
  /** The checkpoint's path (default `<file>.clientele-import`); false: none, the import cannot be resumed. */
  checkpoint?: string | false;
  /** Customers per batch (one transaction each). Default 20,000 on SQLite, 500 on PostgreSQL. */
  batchSize?: number;
  /** Batches in flight at once. Default 1 on SQLite (its writes are synchronous), 4 on PostgreSQL; 1 when strict. */
  concurrency?: number;
  /** `actor` of every history entry. Default `cli:import`. */
  actor?: string;
  /** Each row that fails, in row order. */
  onFailure?: (failure: RowFailure) => void;
  /** Now and then, as rows are read. */
  onProgress?: (progress: ImportProgress) => void;
  /** Things worth saying once (CSV columns ignored, a resumed run). */
  onNotice?: (message: string) => void;
  /** Aborting stops reading; the batches in flight are committed and the checkpoint written. */
  signal?: AbortSignal;
}

export interface ImportCounts {
  imported: number;
  failed: number;
  /** Deleted customers' stubs, which have nothing to import. */
  skipped: number;
  /** Rows found already imported when resuming (their id exists). */
  alreadyImported: number;
}

export interface ImportSummary extends ImportCounts {
  file: string;
  format: ImportFormat;
  /** Rows settled, over the whole file (earlier runs included when resuming). */
  rows: number;
  /** This run only. */
  rowsThisRun: number;
  seconds: number;
  rowsPerSecond: number;
  /** Every row of the file was settled: imported, failed, skipped or already there. */
  complete: boolean;
  stopped: null | 'strict' | 'interrupted';
  /** Where this run started, when it resumed. */
  resumedAt: { row: number; line: number } | null;
  /** The checkpoint left behind (an incomplete import), else null. */
  checkpoint: string | null;
}

interface CheckpointFile {
  clientele_import: 1;
  file: string;
  format: ImportFormat;
  tenant_id: string;
  mode: string;
  run_key: string;
  started_ms: number;
  /** The next row to settle: every row before it is imported, failed or skipped. */
  next: ReadPosition;
  /** No row after this one has been sent to the store: only up to it may a resumed run find rows already imported. */
  reserved_row: number;
  /** SHA-256 of the file's first `head_bytes` bytes: the part already imported must not change. */
  head_bytes: number;
  head_sha256: string;
  counts: ImportCounts;
  updated_ms: number;
}

const HEAD_BYTES = 64 * 1024;
/** An import that adds this many customers refreshes the store's planner statistics when it ends. */
const ANALYZE_AFTER_ROWS = 10_000;
/** How far ahead of the rows sent to the store the checkpoint's `reserved_row` is moved, at once. */
const RESERVE_ROWS = 20_000;
const CHECKPOINT_EVERY_MS = 1000;

/** The identity every row of one run draws its ids from (see `rowIdentity`). */
interface Run {
  key: string;
  startedMs: number;
  /** 20 bits for the id's random part, 0–999 for its millisecond. */
  salt: number;
  millisecond: number;
}

function runOf(key: string, startedMs: number): Run {
  const digest = createHash('sha256').update(key).digest();
  return { key, startedMs, salt: digest.readUInt32BE(0) & 0xfffff, millisecond: digest.readUInt16BE(4) % 1000 };
}

/**
 * The id and creation time of a row that has no Clientele id, derived from the run and the row
 * number, so that a resumed run gives a row the id it got before. The id's time is the row's
 * `created` (or the run's start), its 48 random bits the row number (28 bits) and the run's salt
 * (20 bits): within a run, ids follow the file's order.
 */
function rowIdentity(run: Run, row: number, created: number | null): { id: string; created: number } {
  const ms = created === null ? run.startedMs : created * 1000 + run.millisecond;
  const random = (BigInt(row % 2 ** 28) << 20n) | BigInt(run.salt);
  return { id: ((BigInt(ms) << 48n) | random).toString(16).padStart(24, '0'), created: created ?? Math.floor(run.startedMs / 1000) };
}

function sha256Head(path: string, bytes: number): string {
  const hash = createHash('sha256');
  if (bytes > 0) {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(bytes);
      let read = 0;
      while (read < bytes) {
        const n = readSync(fd, buf, read, bytes - read, read);
        if (n === 0) break;
        read += n;
      }
      hash.update(buf.subarray(0, read));
    } finally {
      closeSync(fd);
    }
  }
  return hash.digest('hex');
}

/** The import's SQLite page cache: the indexes of a large table stay in memory between batches. */
export const IMPORT_SQLITE_CACHE_MIB = 256;

/** Written whole to a temporary file, synced, then renamed over the old one: never half a checkpoint. */
function writeCheckpoint(path: string, checkpoint: CheckpointFile): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(checkpoint, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function readCheckpoint(path: string): CheckpointFile {
  let parsed: CheckpointFile;
  try {
    parsed = JSON.parse(readFileText(path)) as CheckpointFile;
  } catch (err) {
    throw new ImportSetupError(`${path} is not a readable import checkpoint: ${(err as Error).message}`);
  }
  if (parsed?.clientele_import !== 1 || typeof parsed.run_key !== 'string' || typeof parsed.next?.offset !== 'number') {
    throw new ImportSetupError(`${path} is not an import checkpoint.`);
  }
  return parsed;
}

function readFileText(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const buf = Buffer.alloc(size);
    readSync(fd, buf, 0, size, 0);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

interface Pending {
  record: SourceRecord;
  customer: Customer;
  /** The row's own `id`, to name it in errors. */
  id: unknown;
}

/** Rows read together and written in one transaction, with the failures found while reading them. */
interface Span {
  first: ReadPosition;
  after: ReadPosition;
  good: Pending[];
  failures: RowFailure[];
  counts: ImportCounts;
  records: number;
  result?: Promise<InsertOutcome[]>;
}

const zero = (): ImportCounts => ({ imported: 0, failed: 0, skipped: 0, alreadyImported: 0 });
const positionOf = (r: SourceRecord): ReadPosition => ({ row: r.row, line: r.line, offset: r.start });

function addCounts(into: ImportCounts, from: ImportCounts): void {
  into.imported += from.imported;
  into.failed += from.failed;
  into.skipped += from.skipped;
  into.alreadyImported += from.alreadyImported;
}

function failureOf(record: SourceRecord, error: unknown, columns: CsvColumns | null, id?: unknown): RowFailure {
  const failure: RowFailure = { row: record.row, line: record.line, field: null, code: 'parameter_invalid', message: String((error as Error)?.message ?? error) };
  if (error instanceof ValidationError || error instanceof ConflictError) {
    failure.code = error.code;
    failure.field = error.path.length > 0 ? pathToParam(error.path) : null;
    const column = failure.field && columns?.headerFor(failure.field);
    if (column && column !== failure.field) failure.column = column;
  } else if (!(error instanceof DomainError)) {
    failure.code = 'row_refused';
  }
  if (typeof id === 'string' && id !== '') failure.id = id;
  return failure;
}

/** `line 17: email: Invalid email address: x`, as the CLI prints a failure. */
export function describeFailure(f: RowFailure): string {
  const where = f.field ? `${f.field}${f.column ? ` (column "${f.column}")` : ''}: ` : '';
  return `line ${f.line}: ${where}${f.message}`;
}

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

  // Where to start, and the run's identity.
  let from: ReadPosition = START;
  let carried = zero();
  let run = runOf(randomBytes(16).toString('hex'), Date.now());
  let resumedAt: ImportSummary['resumedAt'] = null;
  /** Rows up to this one may have been written by the run being resumed. */
  let mayExist = 0;
  let reserved = 0;
  if (checkpointPath && existsSync(checkpointPath)) {
    const cp = readCheckpoint(checkpointPath);
    if (!options.resume) {
      throw new ImportSetupError(
        `${checkpointPath} records an unfinished import of this file (${cp.counts.imported} rows imported, up to line ${cp.next.line}): ` +
          'pass --resume to continue it, or delete it to import the file from the start.',
      );
    }
    if (cp.tenant_id !== scope.tenantId || cp.mode !== scope.mode) {
      throw new ImportSetupError(`${checkpointPath} is an import into another tenant or mode: resume it with the same --tenant and --mode, or delete it.`);
    }
    if (cp.format !== format) throw new ImportSetupError(`${checkpointPath} read the file as ${cp.format}; pass --format ${cp.format}.`);
    if (totalBytes! < cp.next.offset || sha256Head(file, cp.head_bytes) !== cp.head_sha256) {
      throw new ImportSetupError(`${path} has changed before line ${cp.next.line}, where the import stopped: it cannot be resumed. Delete ${checkpointPath} to start over.`);
    }
    from = cp.next;
    mayExist = reserved = cp.reserved_row ?? Number.MAX_SAFE_INTEGER;
    carried = { ...zero(), ...cp.counts };
    run = runOf(cp.run_key, cp.started_ms);
    resumedAt = { row: from.row, line: from.line };
    options.onNotice?.(`Resuming at line ${from.line} (row ${from.row}): ${carried.imported} rows imported before.`);
  } else if (options.resume) {
    throw new ImportSetupError(`No checkpoint at ${checkpointPath}: there is nothing to resume (an import that finishes removes its checkpoint).`);
  }

  // CSV: the header, from the start of the file even when resuming.
  let columns: CsvColumns | null = null;
  let csvFrom = from;
  if (format === 'csv') {
    if (source) columns = null; // read from the stream below
    else {
      let header;
      try {
        header = await readCsvHeader(file);
      } catch (err) {
        throw new ImportSetupError(`${path}: ${(err as Error).message}`);
      }
      if (!header) throw new ImportSetupError(`${path} is empty: a CSV file starts with its header line.`);
      columns = csvColumns(path, header.cells, options);
      if (from.offset === 0) csvFrom = header.next;
    }
  }

  let records: AsyncGenerator<SourceRecord[]>;
  const bytes = source ?? openBytes(file, format === 'json' ? 0 : format === 'csv' ? csvFrom.offset : from.offset);
  if (format === 'ndjson') records = readNdjson(bytes, from);
  else if (format === 'csv') records = readCsv(bytes, source ? START : csvFrom);
  else records = readJson(bytes, from.row);

  // SQLite writes synchronously: one large transaction at a time rewrites each index page once per
  // batch. PostgreSQL: several smaller batches at once, on as many pooled connections.
  const batchSize = options.batchSize ?? (store.kind === 'sqlite' ? 20_000 : 500);
  const concurrency = strict ? 1 : (options.concurrency ?? (store.kind === 'sqlite' ? 1 : 4));
  const actor = options.actor ?? 'cli:import';
  const requestPrefix = `import:${basename(path)}:`;

  const committed = zero(); // this run, settled
  const inFlight: Span[] = [];
  let settledAt: ReadPosition = from;
  let stopped: ImportSummary['stopped'] = null;
  let stopAt: ReadPosition | null = null;
  let strictFailure: RowFailure | null = null;
  let rowsRead = 0;
  let bytesRead = from.offset;
  let failedSeen = 0;
  let lastCheckpoint = 0;
  let storeError: unknown = null;

  const checkpoint = (next: ReadPosition) => {
    if (!checkpointPath || source) return;
    const total = { ...carried };
    addCounts(total, committed);
    const headBytes = Math.min(next.offset, HEAD_BYTES);
    writeCheckpoint(checkpointPath, {
      clientele_import: 1,
      file,
      format,
      tenant_id: scope.tenantId,
      mode: scope.mode,
      run_key: run.key,
      started_ms: run.startedMs,
      next,
      reserved_row: reserved,
      head_bytes: headBytes,
      head_sha256: sha256Head(file, headBytes),
      counts: total,
      updated_ms: Date.now(),
    });
    lastCheckpoint = performance.now();
  };

  const report = (failure: RowFailure) => {
    failedSeen++;
    options.onFailure?.(failure);
  };

  const insert = (pending: Pending[]) =>
    store.insertCustomers(
      pending.map((p) => p.customer),
      pending.map((p): WriteContext => ({ actor, surface: 'cli', requestId: requestPrefix + p.record.line, atMs: Date.now() })),
      { stopAtFirstFailure: strict },
    );

  /** Applies a span's outcomes, in row order. Returns false when strict stops here. */
  const settle = async (span: Span): Promise<boolean> => {
    let outcomes = await span.result!;
    let queue = span.good;
    const failures = [...span.failures];
    const counts = { ...span.counts };
    let stoppedHere: ReadPosition | null = null;
    for (let i = 0; i < queue.length; i++) {
      const outcome = outcomes[i]!;
      const p = queue[i]!;
      if (outcome.status === 'inserted') counts.imported++;
      else if (outcome.status === 'not_attempted') {
        // After a row found already imported (strict, resuming): the rest goes again.
        queue = queue.slice(i);
        outcomes = await insert(queue);
        i = -1;
      } else if (p.record.row <= mayExist && outcome.error instanceof ConflictError && (await store.getCustomer(scope, p.customer.id)) !== null) {
        counts.alreadyImported++;
      } else {
        const failure = failureOf(p.record, outcome.error, columns, p.id);
        if (strict) {
          strictFailure = failure;
          stoppedHere = positionOf(p.record);
          break;
        }
        failures.push(failure);
        counts.failed++;
      }
    }
    failures.sort((a, b) => a.row - b.row);
    for (const f of failures) if (!stoppedHere || f.row < stoppedHere.row) report(f);
    addCounts(committed, counts);
    if (stoppedHere) {
      stopAt = stoppedHere;
      settledAt = stoppedHere;
      return false;
    }
    settledAt = span.after;
    return true;
  };

  /** Waits for the oldest batches until at most `keep` are in flight. False when strict stopped. */
  const drain = async (keep: number): Promise<boolean> => {
    while (inFlight.length > keep) {
      const span = inFlight.shift()!;
      let ok: boolean;
      try {
        ok = await settle(span);
      } catch (err) {
        storeError ??= err;
        settledAt = span.first;
        // The others still finish (their rows are committed or not; a resume sorts it out).
        await Promise.allSettled(inFlight.map((s) => s.result));
        inFlight.length = 0;
        return false;
      }
      if (!ok) {
        await Promise.allSettled(inFlight.map((s) => s.result));
        inFlight.length = 0;
        return false;
      }
    }
    if (checkpointPath && performance.now() - lastCheckpoint >= CHECKPOINT_EVERY_MS) checkpoint(settledAt);
    return true;
  };

  const dispatch = async (span: Span): Promise<boolean> => {
    const last = span.good[span.good.length - 1]?.record.row ?? 0;
    if (checkpointPath && last > reserved) {
      // Before any row past the reservation is written, the checkpoint says it may be.
      reserved = last + Math.max(RESERVE_ROWS, batchSize * concurrency * 4);
      checkpoint(settledAt);
    }
    span.result = span.good.length === 0 ? Promise.resolve([]) : insert(span.good);
    span.result.catch(() => {}); // handled in settle
    inFlight.push(span);
    const ok = await drain(concurrency - 1);
    // SQLite writes synchronously: let signals (Ctrl-C) and output through between batches.
    await new Promise((resolve) => setImmediate(resolve));
    return ok;
  };

  const newSpan = (first: ReadPosition): Span => ({ first, after: first, good: [], failures: [], counts: zero(), records: 0 });

  if (checkpointPath && !source) checkpoint(from);
  let span: Span = newSpan(from);
  let position: ReadPosition = from; // after the last record read
  try {
    reading: for await (const batch of records) {
      for (const record of batch) {
        if (format === 'csv' && columns === null) {
          // A stream: its first record is the header.
          if (record.error) throw new ImportSetupError(`${path}: line ${record.line}: ${record.error}`);
          columns = csvColumns(path, record.value as string[], options);
          span = newSpan({ row: 1, line: record.endLine, offset: record.end });
          continue;
        }
        if (record.row < from.row) continue; // JSON: rows before the checkpoint
        if (options.signal?.aborted) {
          stopped = 'interrupted';
          break reading;
        }
        rowsRead++;
        if (rowsRead % 1000 === 0) options.onProgress?.({ bytes: bytesRead, totalBytes, startBytes: from.offset, rows: rowsRead, failed: failedSeen + span.counts.failed });
        if (span.records === 0) span.first = positionOf(record);
        span.records++;
        position = { row: record.row + 1, line: record.endLine, offset: record.end };
        bytesRead = record.end;
        let failure: RowFailure | null = null;
        let id: unknown;
        try {
          if (record.error !== undefined) throw new ValidationError([], record.error);
          const value = format === 'csv' ? columns!.toObject(record.value as string[]) : record.value;
          id = (value as { id?: unknown } | null)?.id;
          const row = importRow(value);
          if (row.deleted) span.counts.skipped++;
          else {
            const nowMs = Date.now();
            const identity =
              row.id !== null
                ? { id: row.id, created: row.created ?? Math.floor(idTimeMs(row.id) / 1000) }
                : rowIdentity(run, record.row, row.created);
            const updated = row.updated ?? Math.max(nowMs, identity.created * 1000);
            span.good.push({ record, id, customer: importedCustomer(scope, row.patch, { ...identity, updated }, nowMs) });
          }
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          failure = failureOf(record, err, columns, id);
        }
        if (failure) {
          if (strict) {
            // The rows before it are written first; it is reported if none of them failed.
            span.after = positionOf(record);
            if ((await dispatch(span)) && (await drain(0))) {
              strictFailure = failure;
              stopAt = positionOf(record);
              settledAt = stopAt;
            }
            stopped = 'strict';
            span = newSpan(positionOf(record));
            break reading;
          }
          span.failures.push(failure);
          span.counts.failed++;
        }
        if (span.good.length >= batchSize || span.records >= batchSize * 4) {
          span.after = position;
          const ok = await dispatch(span);
          span = newSpan(position);
          if (!ok) {
            stopped = storeError ? null : 'strict';
            break reading;
          }
        }
      }
      options.onProgress?.({ bytes: bytesRead, totalBytes, startBytes: from.offset, rows: rowsRead, failed: failedSeen + span.counts.failed });
    }
    if (stopped === null && storeError === null) {
      span.after = position;
      if (await dispatch(span)) await drain(0);
      else if (!storeError) stopped = 'strict';
    } else {
      await drain(0);
    }
  } finally {
    if (typeof (records as AsyncGenerator).return === 'function') await records.return(undefined).catch(() => {});
    if (!source) bytes.destroy();
  }
  if (strictFailure) {
    report(strictFailure);
    stopped = 'strict';
  }

  // After many rows, the planner's statistics are out of date (PostgreSQL): lists would pick the wrong index.
  if (storeError === null && committed.imported >= ANALYZE_AFTER_ROWS) await store.analyze();

  const complete = stopped === null && storeError === null;
  if (checkpointPath) {
    if (complete) rmSync(checkpointPath, { force: true });
    else checkpoint(stopAt ?? settledAt);
  }
  if (storeError) throw storeError;

  const totals = { ...carried };
  addCounts(totals, committed);
  if (strictFailure) totals.failed++;
  const seconds = (performance.now() - started) / 1000;
  const settledThisRun = committed.imported + committed.failed + committed.skipped + committed.alreadyImported + (strictFailure ? 1 : 0);
  return {
    file,
    format,
    ...totals,
    rows: totals.imported + totals.failed + totals.skipped + totals.alreadyImported,
    rowsThisRun: settledThisRun,
    seconds,
    rowsPerSecond: seconds > 0 ? settledThisRun / seconds : 0,
    complete,
    stopped,
    resumedAt,
    checkpoint: complete || !checkpointPath ? null : checkpointPath,
  };
}

function csvColumns(path: string, header: string[], options: ImportOptions): CsvColumns {
  let columns: CsvColumns;
  try {
    columns = new CsvColumns(header);
  } catch (err) {
    throw new ImportSetupError(`${path}: line 1: ${(err as Error).message}`);
  }
  if (columns.ignored.length > 0) options.onNotice?.(`Ignoring CSV columns that are not customer data here: ${columns.ignored.join(', ')}`);
  return columns;
}

// ---------------------------------------------------------------------------------------------
// The command

export interface ImportCommandArgs {
  file: string;
  tenant: string;
  mode: 'test' | 'live';
  format?: ImportFormat;
  strict: boolean;
  resume: boolean;
  /** Also write every failure to this file, one JSON object a line. */
  errors?: string;
  checkpoint?: string;
  /** Rows per transaction (default: ImportOptions.batchSize's). */
  batchSize?: number;
  json: boolean;
  quiet: boolean;
}

/**
 * `clientele import`: failures and progress on stderr, the summary on stdout. Exit code: 0 when
 * every row was imported (or skipped, or found already imported), 1 when some failed or strict
 * stopped, 130 when interrupted (Ctrl-C: the batches in flight are committed, the checkpoint
 * written; a second Ctrl-C exits at once).
 */
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
      resume: args.resume,
      signal: controller.signal,
      onFailure: (f) => {
        progress?.finish();
        process.stderr.write(describeFailure(f) + '\n');
        errorsOut?.write(JSON.stringify(f) + '\n');
      },
      onNotice: (message) => {
        progress?.finish();
        process.stderr.write(`clientele: ${message}\n`);
      },
    };
    if (progress) options.onProgress = (p) => progress.update(p);
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
    if (args.json) {
      process.stdout.write(
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
        }) + '\n',
      );
    } else {
      const n = (x: number) => x.toLocaleString('en-US');
      const extras = [
        `${n(summary.failed)} failed`,
        ...(summary.skipped ? [`${n(summary.skipped)} deleted stubs skipped`] : []),
        ...(summary.alreadyImported ? [`${n(summary.alreadyImported)} already imported`] : []),
      ];
      process.stdout.write(
        `${summary.complete ? 'Imported' : 'Stopped:'} ${n(summary.imported)} of ${n(summary.rows)} rows into ${args.tenant} (${args.mode}) ` +
          `in ${summary.seconds.toFixed(1)} s (${n(Math.round(summary.rowsPerSecond))} rows/s); ${extras.join(', ')}.\n`,
      );
      if (summary.stopped === 'strict') process.stdout.write(`--strict stopped at the first bad row; fix it and run again with --resume.\n`);
      if (summary.stopped === 'interrupted') process.stdout.write(`Interrupted; run again with --resume to continue.\n`);
    }
    if (summary.stopped === 'interrupted') return 130;
    return summary.complete && summary.failed === 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (errorsOut) {
      errorsOut.end();
      await once(errorsOut, 'close');
    }
    await store.close();
  }
}
