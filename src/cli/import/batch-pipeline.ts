/**
 * The batches of an import on their way to the store: dispatched (a few in flight at once), then
 * settled in file order (outcomes counted, failures reported in row order), the checkpoint moved
 * along. A row found taken when resuming is checked against what the run being resumed may have
 * written; `strict` stops at the first row that fails.
 */
import type { CustomerScope } from '../../domain/customers/model.ts';
import type { WriteContext } from '../../domain/customers/write-context.ts';
import { ConflictError } from '../../domain/errors.ts';
import type { InsertOutcome, Store } from '../../domain/store-port.ts';
import type { Checkpoints } from './checkpoint.ts';
import { failureOf } from './failures.ts';
import { addCounts, zeroCounts, type ImportCounts, type RowFailure } from './import-types.ts';
import type { ReadPosition, SourceRecord } from './readers/source-records.ts';
import type { PendingCustomer } from './row-customer.ts';
import type { CsvColumns } from './rows/csv-columns.ts';

/** How far ahead of the rows sent to the store the checkpoint's `reserved_row` is moved, at once. */
const RESERVE_ROWS = 20_000;
const CHECKPOINT_EVERY_MS = 1000;

/** Rows read together and written in one transaction, with the failures found while reading them. */
export interface Batch {
  /** Where its first record starts. */
  first: ReadPosition;
  /** Where reading goes on after its last record. */
  after: ReadPosition;
  pending: PendingCustomer[];
  failures: RowFailure[];
  counts: ImportCounts;
  records: number;
  result?: Promise<InsertOutcome[]>;
}

export const newBatch = (first: ReadPosition): Batch => ({ first, after: first, pending: [], failures: [], counts: zeroCounts(), records: 0 });
export const positionOf = (record: SourceRecord): ReadPosition => ({ row: record.row, line: record.line, offset: record.start });

export interface PipelineSettings {
  store: Store;
  scope: CustomerScope;
  strict: boolean;
  batchSize: number;
  concurrency: number;
  /** `actor` of the history entries; each one's request id is `requestPrefix` and the row's line. */
  actor: string;
  requestPrefix: string;
  /** Record a `customer.created` event per customer (and so notify webhook endpoints); off by default: a migration is not news. */
  events: boolean;
  /** Rows up to this one may have been written by the run being resumed. */
  mayExist: number;
  checkpoints: Checkpoints | null;
  report: (failure: RowFailure) => void;
}

export class BatchPipeline {
  /** This run's settled rows. */
  readonly committed = zeroCounts();
  /** Every row before it is settled. */
  settledAt: ReadPosition;
  /** Where strict stopped: the failing row, which a resumed run reads again. */
  stopAt: ReadPosition | null = null;
  strictFailure: RowFailure | null = null;
  storeError: unknown = null;
  /** CSV: the file's columns, to name them in failures. */
  columns: CsvColumns | null = null;
  private readonly inFlight: Batch[] = [];

  constructor(
    private readonly settings: PipelineSettings,
    from: ReadPosition,
  ) {
    this.settledAt = from;
  }

  /** Sends `batch` to the store and settles the oldest batches past the concurrency. False when strict or the store stopped it. */
  async dispatch(batch: Batch): Promise<boolean> {
    const { checkpoints, batchSize, concurrency } = this.settings;
    const lastRow = batch.pending[batch.pending.length - 1]?.record.row ?? 0;
    if (checkpoints && lastRow > checkpoints.reservedRow) {
      // Before any row past the reservation is written, the checkpoint says it may be.
      checkpoints.reservedRow = lastRow + Math.max(RESERVE_ROWS, batchSize * concurrency * 4);
      checkpoints.write(this.settledAt, this.committed);
    }
    batch.result = batch.pending.length === 0 ? Promise.resolve([]) : this.insert(batch.pending);
    batch.result.catch(() => {}); // handled in settle
    this.inFlight.push(batch);
    const ok = await this.drain(concurrency - 1);
    // SQLite writes synchronously: let signals (Ctrl-C) and output through between batches.
    await new Promise((resolve) => setImmediate(resolve));
    return ok;
  }

  /** Waits for the oldest batches until at most `keep` are in flight. False when strict or the store stopped it. */
  async drain(keep: number): Promise<boolean> {
    while (this.inFlight.length > keep) {
      const batch = this.inFlight.shift()!;
      let ok: boolean;
      try {
        ok = await this.settle(batch);
      } catch (err) {
        this.storeError ??= err;
        this.settledAt = batch.first;
        ok = false;
      }
      if (!ok) {
        // The others still finish (their rows are committed or not; a resume sorts it out).
        await Promise.allSettled(this.inFlight.map((inFlight) => inFlight.result));
        this.inFlight.length = 0;
        return false;
      }
    }
    const { checkpoints } = this.settings;
    if (checkpoints && performance.now() - checkpoints.lastWrittenAt >= CHECKPOINT_EVERY_MS) checkpoints.write(this.settledAt, this.committed);
    return true;
  }

  /**
   * Strict, at the first failing row (`failure`, of `record`): the rows before it are written
   * first, and it is reported if none of them failed.
   */
  async stopBefore(batch: Batch, record: SourceRecord, failure: RowFailure): Promise<void> {
    batch.after = positionOf(record);
    if ((await this.dispatch(batch)) && (await this.drain(0))) {
      this.strictFailure = failure;
      this.stopAt = positionOf(record);
      this.settledAt = this.stopAt;
    }
  }

  private insert(pending: PendingCustomer[]): Promise<InsertOutcome[]> {
    const { store, actor, requestPrefix, strict, events } = this.settings;
    return store.insertCustomers(
      pending.map((row) => row.customer),
      pending.map((row): WriteContext => ({ actor, surface: 'cli', requestId: requestPrefix + row.record.line, atMs: Date.now(), ...(events ? {} : { withoutEvent: true }) })),
      { stopAtFirstFailure: strict },
    );
  }

  /** Applies a batch's outcomes, in row order. Returns false when strict stops here. */
  private async settle(batch: Batch): Promise<boolean> {
    const { store, scope, strict, mayExist, report } = this.settings;
    let outcomes = await batch.result!;
    let queue = batch.pending;
    const failures = [...batch.failures];
    const counts = { ...batch.counts };
    let stoppedHere: ReadPosition | null = null;
    for (let index = 0; index < queue.length; index++) {
      const outcome = outcomes[index]!;
      const row = queue[index]!;
      if (outcome.status === 'inserted') counts.imported++;
      else if (outcome.status === 'not_attempted') {
        // After a row found already imported (strict, resuming): the rest goes again.
        queue = queue.slice(index);
        outcomes = await this.insert(queue);
        index = -1;
      } else if (row.record.row <= mayExist && outcome.error instanceof ConflictError && (await store.getCustomer(scope, row.customer.id)) !== null) {
        counts.alreadyImported++;
      } else {
        const failure = failureOf(row.record, outcome.error, this.columns, row.id);
        if (strict) {
          this.strictFailure = failure;
          stoppedHere = positionOf(row.record);
          break;
        }
        failures.push(failure);
        counts.failed++;
      }
    }
    failures.sort((left, right) => left.row - right.row);
    for (const failure of failures) if (!stoppedHere || failure.row < stoppedHere.row) report(failure);
    addCounts(this.committed, counts);
    if (stoppedHere) {
      this.stopAt = stoppedHere;
      this.settledAt = stoppedHere;
      return false;
    }
    this.settledAt = batch.after;
    return true;
  }
}
