/**
 * What the import readers (NDJSON, CSV, JSON) have in common: the records they yield, with the
 * line each starts on and its byte offsets (an import reports lines and resumes at a byte
 * offset), and where a reader starts.
 */
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import type { Readable } from 'node:stream';

export type ImportFormat = 'ndjson' | 'csv' | 'json';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['ndjson', 'csv', 'json'];

/** One record of the file: a JSON value (NDJSON, JSON) or the cells of a CSV line. */
export interface SourceRecord {
  /** 1-based number of the record among the file's records (blank lines and the CSV header are not records). */
  row: number;
  /** 1-based line on which the record starts. */
  line: number;
  /** Byte offset of the record's first byte. */
  start: number;
  /** Byte offset after the record: where reading the next one may start. */
  end: number;
  /** The line `end` is on. */
  endLine: number;
  /** The parsed value: a JSON value, or the CSV cells. Undefined when `error` says why not. */
  value?: unknown;
  /** Why the record could not be read (bad JSON, unbalanced quotes…). */
  error?: string;
}

/** Where a reader starts: at the beginning, or after a checkpoint. */
export interface ReadPosition {
  /** The number the next record gets. */
  row: number;
  /** The line the next record starts on. */
  line: number;
  /** Its byte offset. */
  offset: number;
}

export const START: ReadPosition = { row: 1, line: 1, offset: 0 };

/** Bytes read from the file at a time. */
export const READ_CHUNK_BYTES = 1 << 20;

/** The format a file name implies: .ndjson/.jsonl, .csv, .json; null when it implies none. */
export function formatOfPath(path: string): ImportFormat | null {
  switch (extname(path).toLowerCase()) {
    case '.ndjson':
    case '.jsonl':
      return 'ndjson';
    case '.csv':
      return 'csv';
    case '.json':
      return 'json';
    default:
      return null;
  }
}

/** The bytes of `path` from `offset`, in chunks; or a stream given instead (stdin). */
export function openBytes(source: string | Readable, offset = 0): Readable {
  return typeof source === 'string' ? createReadStream(source, { start: offset, highWaterMark: READ_CHUNK_BYTES }) : source;
}

/** Whether `chunk`, read from `offset`, starts with the UTF-8 byte order mark. */
export function startsWithBom(chunk: Buffer, offset: number): boolean {
  return offset === 0 && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
}
