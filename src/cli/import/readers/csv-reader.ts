/**
 * CSV (RFC 4180: a header line, commas, double quotes; a quoted cell may hold line breaks), split
 * into cells by csv-parse. Its `info.bytes` is where each record ends, so every record starts where
 * the one before it ended (blank lines are records of one empty cell to it, skipped here); lines are
 * counted by LineCounter. Line endings may be mixed (\n, \r\n, \r).
 *
 * One rule is ours: a quoted cell must end at its closing quote (`"x"y,` is refused, not read as
 * `"x"y`), and such a record fails alone. csv-parse refuses it too, but then cannot find where the
 * next record starts (it reads the rest of the file as one unclosed cell); so it reads with
 * `relax_quotes`, which keeps the record's boundaries, and a record with a cell that starts with a
 * quote is checked here.
 */
import type { Readable } from 'node:stream';
import { parse, type CsvError, type InfoRecord, type Parser } from 'csv-parse';
import { LineCounter } from './line-counter.ts';
import { START, startsWithBom, type ReadPosition, type SourceRecord } from './source-records.ts';

const QUOTE = 0x22;
const CARRIAGE_RETURN = 0x0d;
const UNBALANCED_QUOTES = 'Unbalanced quotes: a quoted field is not closed before the end of the file.';
const TEXT_AFTER_CLOSING_QUOTE = 'Invalid CSV: text after a closing quote (a quote inside a field must be doubled).';

/**
 * Yields the header as row 0, then one record per line (or more, when quoted cells hold line
 * breaks), the records of each chunk together. `from` past the header: the header must be read
 * first (`readCsvHeader`), and the records come from `from` on.
 */
export async function* readCsv(input: Readable, from: ReadPosition = START): AsyncGenerator<SourceRecord[]> {
  const lines = new LineCounter(from.offset, from.line);
  let row = from.offset === 0 ? 0 : from.row;
  let recordStart = from.offset;
  /** Records ended by a lone carriage return: each ends a line that LineCounter does not count. */
  let carriageReturnLines = 0;
  let records: SourceRecord[] = [];

  const take = (cells: string[] | null, end: number, error?: string): void => {
    if (recordStart === 0 && startsWithBom(Buffer.from([lines.byteAt(0) ?? 0, lines.byteAt(1) ?? 0, lines.byteAt(2) ?? 0]), 0)) recordStart = 3;
    const line = lines.lineAt(recordStart) + carriageReturnLines;
    const quoted = lines.byteAt(recordStart) === QUOTE;
    if (cells && cells.some((cell) => cell.charCodeAt(0) === QUOTE) && hasTextAfterClosingQuote(lines.text(recordStart, end))) {
      error = TEXT_AFTER_CLOSING_QUOTE;
    }
    // (The end of an unclosed quoted cell is the end of the file, not a line break.)
    if (cells && end > recordStart && lines.byteAt(end - 1) === CARRIAGE_RETURN) carriageReturnLines++;
    const endLine = lines.lineAt(end) + carriageReturnLines;
    const blank = error === undefined && !quoted && cells?.length === 1 && cells[0] === '';
    if (!blank) {
      const record: SourceRecord = { row: row++, line, start: recordStart, end, endLine };
      if (error !== undefined) record.error = error;
      else record.value = cells;
      records.push(record);
    }
    recordStart = end;
  };

  const parser = parse({
    bom: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true, // CsvColumns says which line has the wrong number of cells
    relax_quotes: true,
    skip_empty_lines: false,
    skip_records_with_error: true,
    on_record: (cells: string[], info: InfoRecord) => {
      take(cells, from.offset + info.bytes);
      return null; // taken: nothing to pass down the stream
    },
    on_skip: (err: CsvError | undefined) => {
      if (err?.code !== 'CSV_QUOTE_NOT_CLOSED') throw err;
      take(null, lines.end, UNBALANCED_QUOTES);
      return undefined;
    },
  });
  parser.on('error', () => {}); // reported through write and end
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      lines.push(chunk);
      await written(parser, chunk);
      if (records.length > 0) {
        yield records;
        records = [];
      }
    }
    await ended(parser);
    if (records.length > 0) yield records;
  } finally {
    parser.destroy();
  }
}

/** The header cells of a CSV file, and the position of its first record; null for an empty file. */
export async function readCsvHeader(input: Readable): Promise<{ cells: string[]; next: ReadPosition } | null> {
  try {
    for await (const records of readCsv(input)) {
      const header = records[0]!;
      if (header.error) throw new Error(`line ${header.line}: ${header.error}`);
      return { cells: header.value as string[], next: { row: 1, line: header.endLine, offset: header.end } };
    }
    return null;
  } finally {
    input.destroy();
  }
}

function written(parser: Parser, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => parser.write(chunk, (err) => (err ? reject(err) : resolve())));
}

function ended(parser: Parser): Promise<void> {
  return new Promise((resolve, reject) => {
    parser.once('error', reject);
    parser.end(() => resolve());
  });
}

/** Whether a quoted cell of the record's text is followed by more than a comma or a line break. */
function hasTextAfterClosingQuote(text: string): boolean {
  let at = 0;
  while (at < text.length) {
    if (text[at] === '"') {
      let closing = text.indexOf('"', at + 1);
      while (closing !== -1 && text[closing + 1] === '"') closing = text.indexOf('"', closing + 2);
      if (closing === -1) return false; // not closed: another error
      at = closing + 1;
      if (at < text.length && !',\r\n'.includes(text[at]!)) return true;
    } else {
      while (at < text.length && !',\r\n'.includes(text[at]!)) at++;
    }
    if (text[at] !== ',') return false; // the line break (or the end) after the last cell
    at++;
  }
  return false;
}
