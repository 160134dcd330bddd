/** What `importFile` takes and gives back, and the counts it keeps. */
import type { ImportFormat } from './readers/source-records.ts';

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
  /** Record a `customer.created` event per imported customer, delivered to webhook endpoints (default false: a migration is not news). */
  events?: boolean;
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

export const zeroCounts = (): ImportCounts => ({ imported: 0, failed: 0, skipped: 0, alreadyImported: 0 });

export function addCounts(into: ImportCounts, from: ImportCounts): void {
  into.imported += from.imported;
  into.failed += from.failed;
  into.skipped += from.skipped;
  into.alreadyImported += from.alreadyImported;
}

/** Rows the counts account for. */
export function settledRows(counts: ImportCounts): number {
  return counts.imported + counts.failed + counts.skipped + counts.alreadyImported;
}
