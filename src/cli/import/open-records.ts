/**
 * The records of the input, from where the import starts: the reader for its format, and for CSV
 * the columns from its header (read from the start of the file, even when resuming; from a stream,
 * the header is its first record).
 */
import type { Readable } from 'node:stream';
import { ImportSetupError, type ImportOptions } from './import-types.ts';
import { readCsv, readCsvHeader } from './readers/csv-reader.ts';
import { jsonRootOf, readJson } from './readers/json-reader.ts';
import { readNdjson } from './readers/ndjson-reader.ts';
import { openBytes, START, type ImportFormat, type ReadPosition, type SourceRecord } from './readers/source-records.ts';
import { CsvColumns } from './rows/csv-columns.ts';

export interface OpenRecords {
  records: AsyncGenerator<SourceRecord[]>;
  /** CSV read from a file: its columns. Null for a stream, until its header is read (`csvColumns`). */
  columns: CsvColumns | null;
  close(): Promise<void>;
}

/** `path` as the user gave it, for messages; `file` resolved, or `source` (stdin) instead. */
export async function openRecords(format: ImportFormat, path: string, file: string, source: Readable | undefined, from: ReadPosition, options: ImportOptions): Promise<OpenRecords> {
  let columns: CsvColumns | null = null;
  let readFrom = from;
  if (format === 'csv' && !source) {
    let header;
    try {
      header = await readCsvHeader(openBytes(file));
    } catch (err) {
      throw new ImportSetupError(`${path}: ${(err as Error).message}`);
    }
    if (!header) throw new ImportSetupError(`${path} is empty: a CSV file starts with its header line.`);
    columns = csvColumns(path, header.cells, options);
    if (from.offset === 0) readFrom = header.next;
  }
  const bytes = source ?? openBytes(file, readFrom.offset);
  let records: AsyncGenerator<SourceRecord[]>;
  if (format === 'ndjson') records = readNdjson(bytes, from);
  else if (format === 'csv') records = readCsv(bytes, source ? START : readFrom);
  else {
    const root = from.offset > 0 ? await jsonRootOf(file) : undefined;
    if (root === null) throw new ImportSetupError(`${path} is not a JSON array or list object any more: it cannot be resumed.`);
    records = readJson(bytes, from, root);
  }
  return {
    records,
    columns,
    close: async () => {
      await records.return(undefined).catch(() => {});
      if (!source) bytes.destroy();
    },
  };
}

/** The columns a CSV header names; ImportSetupError for a header that cannot be read. */
export function csvColumns(path: string, header: string[], options: ImportOptions): CsvColumns {
  let columns: CsvColumns;
  try {
    columns = new CsvColumns(header);
  } catch (err) {
    throw new ImportSetupError(`${path}: line 1: ${(err as Error).message}`);
  }
  if (columns.ignored.length > 0) options.onNotice?.(`Ignoring CSV columns that are not customer data here: ${columns.ignored.join(', ')}`);
  return columns;
}
