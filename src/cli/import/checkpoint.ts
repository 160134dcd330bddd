/**
 * The checkpoint file beside the input (`<file>.clientele-import`): the position before which
 * every row is settled, the counts so far and the run's key, rewritten after committed batches (at
 * most once a second). Reading one back checks that it belongs to this file, tenant, mode and format
 * and that the part of the file already imported has not changed.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { CustomerScope } from '../../domain/customers/model.ts';
import { addCounts, ImportSetupError, zeroCounts, type ImportCounts } from './import-types.ts';
import { START, type ImportFormat, type ReadPosition } from './readers/source-records.ts';
import { newRunIdentity, runIdentity, type RunIdentity } from './run-identity.ts';

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

/** Where an import starts: the beginning of the file, or where the checkpoint it resumes says. */
export interface StartingPoint {
  from: ReadPosition;
  /** Counts of the runs before this one. */
  carried: ImportCounts;
  run: RunIdentity;
  resumedAt: { row: number; line: number } | null;
  /** Rows up to this one may have been written by the run being resumed. */
  mayExist: number;
}

export interface ImportTarget {
  /** The input file, resolved; `path` as the user gave it, for messages. */
  file: string;
  path: string;
  format: ImportFormat;
  scope: CustomerScope;
  totalBytes: number | null;
}

/** Reads and checks the checkpoint at `checkpointPath` (if any). Throws ImportSetupError when the import cannot start. */
export function startingPoint(checkpointPath: string | null, resume: boolean, target: ImportTarget, onNotice?: (message: string) => void): StartingPoint {
  const fresh: StartingPoint = { from: START, carried: zeroCounts(), run: newRunIdentity(), resumedAt: null, mayExist: 0 };
  if (!checkpointPath) return fresh;
  let checkpoint: CheckpointFile;
  try {
    checkpoint = readCheckpoint(checkpointPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (resume) throw new ImportSetupError(`No checkpoint at ${checkpointPath}: there is nothing to resume (an import that finishes removes its checkpoint).`);
    return fresh;
  }
  if (!resume) {
    throw new ImportSetupError(
      `${checkpointPath} records an unfinished import of this file (${checkpoint.counts.imported} rows imported, up to line ${checkpoint.next.line}): ` +
        'pass --resume to continue it, or delete it to import the file from the start.',
    );
  }
  if (checkpoint.tenant_id !== target.scope.tenantId || checkpoint.mode !== target.scope.mode) {
    throw new ImportSetupError(`${checkpointPath} is an import into another tenant or mode: resume it with the same --tenant and --mode, or delete it.`);
  }
  if (checkpoint.format !== target.format) throw new ImportSetupError(`${checkpointPath} read the file as ${checkpoint.format}; pass --format ${checkpoint.format}.`);
  if (target.totalBytes! < checkpoint.next.offset || sha256Head(target.file, checkpoint.head_bytes) !== checkpoint.head_sha256) {
    throw new ImportSetupError(`${target.path} has changed before line ${checkpoint.next.line}, where the import stopped: it cannot be resumed. Delete ${checkpointPath} to start over.`);
  }
  const from = checkpoint.next;
  const carried = { ...zeroCounts(), ...checkpoint.counts };
  onNotice?.(`Resuming at line ${from.line} (row ${from.row}): ${carried.imported} rows imported before.`);
  return {
    from,
    carried,
    run: runIdentity(checkpoint.run_key, checkpoint.started_ms),
    resumedAt: { row: from.row, line: from.line },
    mayExist: checkpoint.reserved_row ?? Number.MAX_SAFE_INTEGER,
  };
}

/** Writes the checkpoint of one run as it goes; removes it when the import is complete. */
export class Checkpoints {
  /** When the checkpoint was last written (performance.now()). */
  lastWrittenAt = 0;

  /** `reservedRow`: see CheckpointFile.reserved_row. */
  constructor(
    readonly path: string,
    private readonly target: ImportTarget,
    private readonly start: StartingPoint,
    public reservedRow: number,
  ) {}

  /** `next`: where a resumed run starts; `committed`: this run's counts. */
  write(next: ReadPosition, committed: ImportCounts): void {
    const counts = { ...this.start.carried };
    addCounts(counts, committed);
    const headBytes = Math.min(next.offset, HEAD_BYTES);
    writeCheckpoint(this.path, {
      clientele_import: 1,
      file: this.target.file,
      format: this.target.format,
      tenant_id: this.target.scope.tenantId,
      mode: this.target.scope.mode,
      run_key: this.start.run.key,
      started_ms: this.start.run.startedMs,
      next,
      reserved_row: this.reservedRow,
      head_bytes: headBytes,
      head_sha256: sha256Head(this.target.file, headBytes),
      counts,
      updated_ms: Date.now(),
    });
    this.lastWrittenAt = performance.now();
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}

/** Written whole to a temporary file, synced, then renamed over the old one: never half a checkpoint. */
function writeCheckpoint(path: string, checkpoint: CheckpointFile): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, JSON.stringify(checkpoint, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** Throws ENOENT when there is none, ImportSetupError when it is not a checkpoint. */
function readCheckpoint(path: string): CheckpointFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
    throw new ImportSetupError(`${path} is not a readable import checkpoint: ${(err as Error).message}`);
  }
  let parsed: CheckpointFile;
  try {
    parsed = JSON.parse(text) as CheckpointFile;
  } catch (err) {
    throw new ImportSetupError(`${path} is not a readable import checkpoint: ${(err as Error).message}`);
  }
  if (parsed?.clientele_import !== 1 || typeof parsed.run_key !== 'string' || typeof parsed.next?.offset !== 'number') {
    throw new ImportSetupError(`${path} is not an import checkpoint.`);
  }
  return parsed;
}

function sha256Head(path: string, bytes: number): string {
  const hash = createHash('sha256');
  if (bytes > 0) {
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(bytes);
      let read = 0;
      while (read < bytes) {
        const count = readSync(fd, head, read, bytes - read, read);
        if (count === 0) break;
        read += count;
      }
      hash.update(head.subarray(0, read));
    } finally {
      closeSync(fd);
    }
  }
  return hash.digest('hex');
}
