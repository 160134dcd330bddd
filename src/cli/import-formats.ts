/**
 * Streaming readers for the files `clientele import` takes: NDJSON (one JSON object a line), CSV
 * (RFC 4180: a header line, commas, double quotes, quoted fields may hold line breaks) and JSON (an
 * array of objects, or Stripe's list object `{"object":"list","data":[…]}`). Each reads the file
 * as bytes, in chunks, and yields the records of a chunk at once, each with its line number and
 * its byte offsets, so that an import can report lines and resume at a byte offset. Memory holds
 * one chunk plus one record, whatever the size of the file.
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
  /** Byte offset just after the record and its line break: where the next one starts. */
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

const CHUNK = 1 << 20;
const NL = 0x0a;
const CR = 0x0d;

function hasBom(buf: Buffer, offset: number): boolean {
  return offset === 0 && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
}

/** The bytes of `path` from `offset`, in chunks; or a stream given instead (stdin). */
export function openBytes(source: string | Readable, offset = 0): Readable {
  return typeof source === 'string' ? createReadStream(source, { start: offset, highWaterMark: CHUNK }) : source;
}

/** NDJSON: every non-blank line is one record, parsed as JSON. */
export async function* readNdjson(input: Readable, from: ReadPosition = START): AsyncGenerator<SourceRecord[]> {
  let carry: Buffer | null = null;
  let base = from.offset; // offset of carry[0] (or of the next chunk when there is no carry)
  let line = from.line;
  let row = from.row;
  const take = (buf: Buffer, s: number, e: number, next: number): SourceRecord | null => {
    const start = base + s;
    const end = base + next;
    let stop = e;
    if (stop > s && buf[stop - 1] === CR) stop--;
    const text = buf.toString('utf8', s, stop);
    const thisLine = line++;
    if (text.trim() === '') return null;
    const record: SourceRecord = { row: row++, line: thisLine, start, end, endLine: line };
    try {
      record.value = JSON.parse(text);
    } catch (err) {
      record.error = `Invalid JSON: ${(err as Error).message}`;
    }
    return record;
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let pos = 0;
    if (hasBom(buf, base)) pos = 3;
    const out: SourceRecord[] = [];
    for (let nl = buf.indexOf(NL, pos); nl !== -1; nl = buf.indexOf(NL, pos)) {
      const record = take(buf, pos, nl, nl + 1);
      if (record) out.push(record);
      pos = nl + 1;
    }
    base += pos;
    carry = pos < buf.length ? Buffer.from(buf.subarray(pos)) : null;
    buf = Buffer.alloc(0);
    if (out.length > 0) yield out;
  }
  if (carry && carry.length > 0) {
    const record = take(carry, 0, carry.length, carry.length);
    if (record) yield [record];
  }
}

/**
 * CSV: yields the header as row 0, then one record per line (or more, when quoted fields hold
 * line breaks). Blank lines are skipped. `from` past the header: the header must be read first
 * (`readCsvHeader`), and the records come from `from` on.
 */
export async function* readCsv(input: Readable, from: ReadPosition = START): AsyncGenerator<SourceRecord[]> {
  let carry: Buffer | null = null;
  let base = from.offset;
  let line = from.line;
  let row = from.offset === 0 ? 0 : from.row;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let pos = hasBom(buf, base) ? 3 : 0;
    const out: SourceRecord[] = [];
    for (;;) {
      const parsed = parseCsvRecord(buf, pos, false);
      if (parsed === null) break;
      const startLine = line;
      line += parsed.lines;
      if (!parsed.blank) {
        const record: SourceRecord = { row: row++, line: startLine, start: base + pos, end: base + parsed.next, endLine: line };
        if (parsed.error) record.error = parsed.error;
        else record.value = parsed.cells;
        out.push(record);
      }
      pos = parsed.next;
    }
    base += pos;
    carry = pos < buf.length ? Buffer.from(buf.subarray(pos)) : null;
    if (out.length > 0) yield out;
  }
  if (carry && carry.length > 0) {
    const parsed = parseCsvRecord(carry, 0, true)!;
    if (!parsed.blank) {
      const record: SourceRecord = { row: row++, line, start: base, end: base + parsed.next, endLine: line + parsed.lines };
      if (parsed.error) record.error = parsed.error;
      else record.value = parsed.cells;
      yield [record];
    }
  }
}

/** The header cells of a CSV file, and the position of its first record. */
export async function readCsvHeader(path: string): Promise<{ cells: string[]; next: ReadPosition } | null> {
  const input = openBytes(path);
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

interface ParsedCsvRecord {
  cells: string[];
  /** Offset after the record's line break. */
  next: number;
  /** Line breaks consumed (inside quotes and at the end). */
  lines: number;
  blank: boolean;
  error?: string;
}

const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * One CSV record starting at `pos`; null when the buffer ends before the record does (and more
 * may come). At the end of the input (`final`), what is there is the record.
 */
function parseCsvRecord(buf: Buffer, pos: number, final: boolean): ParsedCsvRecord | null {
  const cells: string[] = [];
  let lines = 0;
  let i = pos;
  for (;;) {
    // One field.
    if (i < buf.length && buf[i] === QUOTE) {
      let j = i + 1;
      let text = '';
      let segment = j;
      for (;;) {
        if (j >= buf.length) {
          if (!final) return null;
          return { cells, next: buf.length, lines, blank: false, error: 'Unbalanced quotes: a quoted field is not closed before the end of the file.' };
        }
        const b = buf[j];
        if (b === QUOTE) {
          if (j + 1 < buf.length && buf[j + 1] === QUOTE) {
            text += buf.toString('utf8', segment, j + 1);
            j += 2;
            segment = j;
            continue;
          }
          if (j + 1 >= buf.length && !final) return null; // a "" may straddle the chunk boundary
          text += buf.toString('utf8', segment, j);
          j++;
          break;
        }
        if (b === NL) lines++;
        j++;
      }
      cells.push(text);
      i = j;
      // After a closing quote: a comma, a line break or the end.
      if (i >= buf.length) {
        if (!final) return null;
        return { cells, next: i, lines, blank: false };
      }
      const b = buf[i];
      if (b === COMMA) {
        i++;
        continue;
      }
      const end = lineEnd(buf, i, final);
      if (end === null) return null;
      if (end.at === i) return { cells, next: end.next, lines: lines + end.lines, blank: false };
      // Text after the closing quote: keep reading to the end of the line, then refuse it.
      const rest = nextLineBreak(buf, i, final);
      if (rest === null) return null;
      return { cells, next: rest.next, lines: lines + rest.lines, blank: false, error: 'Invalid CSV: text after a closing quote (a quote inside a field must be doubled).' };
    }
    let j = i;
    while (j < buf.length && buf[j] !== COMMA && buf[j] !== NL && buf[j] !== CR) j++;
    if (j >= buf.length && !final) return null;
    cells.push(buf.toString('utf8', i, j));
    if (j < buf.length && buf[j] === COMMA) {
      i = j + 1;
      continue;
    }
    if (j >= buf.length) return { cells, next: j, lines, blank: cells.length === 1 && cells[0] === '' };
    const end = lineEnd(buf, j, final);
    if (end === null) return null;
    return { cells, next: end.next, lines: lines + end.lines, blank: cells.length === 1 && cells[0] === '' };
  }
}

/** At `i`: \n, \r\n or \r ends the line. */
function lineEnd(buf: Buffer, i: number, final: boolean): { at: number; next: number; lines: number } | null {
  if (buf[i] === NL) return { at: i, next: i + 1, lines: 1 };
  if (buf[i] === CR) {
    if (i + 1 >= buf.length && !final) return null;
    return { at: i, next: buf[i + 1] === NL ? i + 2 : i + 1, lines: 1 };
  }
  return { at: -1, next: i, lines: 0 };
}

function nextLineBreak(buf: Buffer, i: number, final: boolean): { next: number; lines: number } | null {
  const nl = buf.indexOf(NL, i);
  if (nl === -1) return final ? { next: buf.length, lines: 0 } : null;
  return { next: nl + 1, lines: 1 };
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

const BOM = [0xef, 0xbb, 0xbf];

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === NL || b === CR;
}

/**
 * JSON: an array of records, or an object whose top-level `data` is one (Stripe's list object).
 * The array is scanned byte by byte for its elements (strings and nesting tracked), and each
 * element is parsed on its own: the whole file is never held. Rows below `skipBelow` are counted
 * but not parsed (resuming).
 */
export async function* readJson(input: Readable, skipBelow = 1): AsyncGenerator<SourceRecord[]> {
  let carry: Buffer | null = null;
  let base = 0; // file offset of buf[0]
  let line = 1;
  let row = 1;
  let root: 'none' | 'array' | 'object' | 'done' = 'none';
  let depth = 0; // brackets and braces open, from the document's root
  let arrayDepth = -1; // the depth at which the records are (inside their array); -1: not in it
  let inString = false;
  let escaped = false;
  let element: 'nested' | 'string' | 'scalar' | null = null;
  let elementStart = 0; // offsets in buf
  let elementLine = 0;
  let keyStart = -1; // a key of the top-level object being read
  let lastKey: string | null = null;
  let pendingKey: string | null = null; // the key whose value comes next

  const emit = (buf: Buffer, s: number, e: number, out: SourceRecord[]) => {
    const record: SourceRecord = { row: row++, line: elementLine, start: base + s, end: base + e, endLine: line };
    if (record.row >= skipBelow) {
      try {
        record.value = JSON.parse(buf.toString('utf8', s, e));
      } catch (err) {
        record.error = `Invalid JSON: ${(err as Error).message}`;
      }
    }
    out.push(record);
    element = null;
  };

  for await (const chunk of input as AsyncIterable<Buffer>) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    let i = carry ? carry.length : 0;
    const out: SourceRecord[] = [];
    for (; i < buf.length; i++) {
      const b = buf[i]!;
      if (b === NL) line++;
      if (base + i < 3 && b === BOM[base + i]) continue;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) {
          inString = false;
          if (keyStart >= 0) {
            lastKey = buf.toString('utf8', keyStart, i);
            keyStart = -1;
          }
          if (element === 'string') emit(buf, elementStart, i + 1, out);
        }
        continue;
      }
      if (element === 'scalar') {
        if (b !== COMMA && b !== CLOSE_BRACKET && !isSpace(b)) continue;
        emit(buf, elementStart, i, out);
        // The byte that ended it is read again below, outside the element.
      } else if (element === 'nested') {
        if (b === QUOTE) inString = true;
        else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
        else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
          depth--;
          if (depth === arrayDepth) emit(buf, elementStart, i + 1, out);
        }
        continue;
      }
      if (isSpace(b)) continue;
      if (root === 'none') {
        if (b === OPEN_BRACKET) {
          root = 'array';
          depth = arrayDepth = 1;
        } else if (b === OPEN_BRACE) {
          root = 'object';
          depth = 1;
        } else throw new Error(`line ${line}: a JSON import file is an array of customers, or a list object with "data": it cannot start with '${String.fromCharCode(b)}'`);
        continue;
      }
      if (root === 'done') throw new Error(`line ${line}: unexpected text after the end of the JSON document`);
      if (depth === arrayDepth) {
        // Between records.
        if (b === COMMA) continue;
        if (b === CLOSE_BRACKET) {
          depth--;
          arrayDepth = -1;
          pendingKey = null;
          if (depth === 0) root = 'done';
          continue;
        }
        elementStart = i;
        elementLine = line;
        if (b === OPEN_BRACE || b === OPEN_BRACKET) {
          element = 'nested';
          depth++;
        } else if (b === QUOTE) {
          element = 'string';
          inString = true;
        } else element = 'scalar';
        continue;
      }
      // Inside the top-level object, outside its records: look for "data".
      if (b === QUOTE) {
        inString = true;
        if (depth === 1) keyStart = i + 1;
      } else if (b === COLON && depth === 1) pendingKey = lastKey;
      else if (b === COMMA && depth === 1) pendingKey = null;
      else if (b === OPEN_BRACKET && depth === 1 && pendingKey === 'data' && row === 1) {
        depth++;
        arrayDepth = depth;
      } else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) root = 'done';
      }
    }
    // Carry what a later chunk completes: the record, or the key, being read.
    let keep = buf.length;
    if (element !== null) keep = elementStart;
    else if (keyStart >= 0) keep = keyStart;
    carry = keep < buf.length ? Buffer.from(buf.subarray(keep)) : null;
    if (element !== null) elementStart -= keep;
    if (keyStart >= 0) keyStart -= keep;
    base += keep;
    if (out.length > 0) yield out;
  }
  if (element === 'scalar' && carry) {
    const out: SourceRecord[] = [];
    emit(carry, elementStart, carry.length, out);
    yield out;
    return;
  }
  if (root === 'none') return; // an empty file: no records
  if (root !== 'done') throw new Error(`line ${line}: the JSON document ends before its ${arrayDepth >= 0 || root === 'array' ? 'array' : 'object'} does`);
}
