/**
 * NDJSON: every non-blank line is one record, parsed as JSON. Lines are found with Buffer.indexOf
 * and parsed with JSON.parse: no library does it faster, and a line that is not JSON fails alone.
 */
import type { Readable } from 'node:stream';
import { START, startsWithBom, type ReadPosition, type SourceRecord } from './source-records.ts';

const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Yields the records of each chunk together. */
export async function* readNdjson(input: Readable, from: ReadPosition = START): AsyncGenerator<SourceRecord[]> {
  let carried: Buffer | null = null; // the start of a line that the next chunk completes
  let carriedOffset = from.offset; // file offset of carried[0], or of the next chunk when nothing is carried
  let line = from.line;
  let row = from.row;

  const recordOf = (bytes: Buffer, lineStart: number, lineBreak: number, next: number): SourceRecord | null => {
    let textEnd = lineBreak;
    if (textEnd > lineStart && bytes[textEnd - 1] === CARRIAGE_RETURN) textEnd--;
    const text = bytes.toString('utf8', lineStart, textEnd);
    const thisLine = line++;
    if (text.trim() === '') return null;
    const record: SourceRecord = { row: row++, line: thisLine, start: carriedOffset + lineStart, end: carriedOffset + next, endLine: line };
    try {
      record.value = JSON.parse(text);
    } catch (err) {
      record.error = `Invalid JSON: ${(err as Error).message}`;
    }
    return record;
  };

  for await (const chunk of input as AsyncIterable<Buffer>) {
    const bytes: Buffer = carried ? Buffer.concat([carried, chunk]) : chunk;
    let lineStart = startsWithBom(bytes, carriedOffset) ? 3 : 0;
    const records: SourceRecord[] = [];
    for (let lineBreak = bytes.indexOf(LINE_FEED, lineStart); lineBreak !== -1; lineBreak = bytes.indexOf(LINE_FEED, lineStart)) {
      const record = recordOf(bytes, lineStart, lineBreak, lineBreak + 1);
      if (record) records.push(record);
      lineStart = lineBreak + 1;
    }
    carriedOffset += lineStart;
    carried = lineStart < bytes.length ? Buffer.from(bytes.subarray(lineStart)) : null;
    if (records.length > 0) yield records;
  }
  if (carried && carried.length > 0) {
    const record = recordOf(carried, 0, carried.length, carried.length);
    if (record) yield [record];
  }
}
