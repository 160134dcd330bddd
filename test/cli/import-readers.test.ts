/**
 * The import's readers on their own: what each record says of its place in the file (row, line,
 * byte offsets) whatever the chunk boundaries, resuming at a record's offsets, and the rules the
 * readers add to their libraries (csv-parse, @streamparser/json): blank lines, mixed line endings,
 * a malformed quoted cell that fails alone, JSON syntax errors with their line. Also the progress
 * bar on a terminal (cli-progress) and the plain lines elsewhere.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { readCsv } from '../../src/cli/import/readers/csv-reader.ts';
import { readJson, type JsonRoot } from '../../src/cli/import/readers/json-reader.ts';
import { LineCounter } from '../../src/cli/import/readers/line-counter.ts';
import { readNdjson } from '../../src/cli/import/readers/ndjson-reader.ts';
import type { ReadPosition, SourceRecord } from '../../src/cli/import/readers/source-records.ts';
import { Progress } from '../../src/cli/progress.ts';

/** `text` in chunks of `size` bytes (1: every byte boundary is a chunk boundary). */
function chunked(text: string | Buffer, size = 1 << 20): Readable {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
  return Readable.from(parts);
}

async function all(records: AsyncGenerator<SourceRecord[]>): Promise<SourceRecord[]> {
  const read: SourceRecord[] = [];
  for await (const batch of records) read.push(...batch);
  return read;
}

const CHUNK_SIZES = [1 << 20, 1, 2, 3, 7];

/** The same records whatever the chunk boundaries. */
async function readAllWays(read: (input: Readable) => AsyncGenerator<SourceRecord[]>, text: string): Promise<SourceRecord[]> {
  const [first, ...others] = await Promise.all(CHUNK_SIZES.map((size) => all(read(chunked(text, size)))));
  for (const [index, records] of others.entries()) assert.deepEqual(records, first, `chunks of ${CHUNK_SIZES[index + 1]} bytes`);
  return first!;
}

const places = (records: SourceRecord[]) => records.map(({ row, line, start, end, endLine }) => [row, line, start, end, endLine]);

describe('CSV reader (csv-parse)', () => {
  it('gives each record its row, lines and byte offsets, with the header as row 0', async () => {
    const text = 'email,name\r\n"a@example.com","Zoë ""Z"""\r\n\r\n"b@example.com","two\nlines"\r\nc@example.com,';
    const records = await readAllWays((input) => readCsv(input), text);
    assert.deepEqual(records.map((r) => r.value), [['email', 'name'], ['a@example.com', 'Zoë "Z"'], ['b@example.com', 'two\nlines'], ['c@example.com', '']]);
    // The blank line 3 is no record; the quoted line break counts as a line.
    assert.deepEqual(places(records), [[0, 1, 0, 12, 2], [1, 2, 12, 42, 3], [2, 4, 44, 73, 6], [3, 6, 73, 87, 6]]);
  });

  it('reads \\n, \\r\\n and \\r line endings, mixed, and skips a byte order mark', async () => {
    const records = await readAllWays((input) => readCsv(input), '\ufeffa,b\n1,2\r\n3,4\r5,6\n');
    assert.deepEqual(records.map((r) => [r.line, r.value]), [[1, ['a', 'b']], [2, ['1', '2']], [3, ['3', '4']], [4, ['5', '6']]]);
    assert.equal(records[0]!.start, 3);
  });

  it('refuses a quoted cell followed by text, alone: the next line is read as usual', async () => {
    const records = await readAllWays((input) => readCsv(input), 'a,b\n"x"y,2\n"5" monitor",3\nx"y,4\n"""q""",5\n');
    assert.deepEqual(
      records.slice(1).map((r) => [r.line, r.error ?? r.value]),
      [
        [2, 'Invalid CSV: text after a closing quote (a quote inside a field must be doubled).'],
        [3, 'Invalid CSV: text after a closing quote (a quote inside a field must be doubled).'],
        [4, ['x"y', '4']],
        [5, ['"q"', '5']],
      ],
    );
  });

  it('reports a quote left open at the end of the file on the line where its record starts', async () => {
    const records = await readAllWays((input) => readCsv(input), 'a,b\n1,2\n"oops,3\n4,5\n');
    assert.deepEqual(records.slice(1).map((r) => [r.line, r.error ?? r.value]), [[2, ['1', '2']], [3, 'Unbalanced quotes: a quoted field is not closed before the end of the file.']]);
  });

  it('resumes at any record: the same records as reading the whole file', async () => {
    const text = 'email,name\n' + Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? `"e${i}@example.com","line\nbreak ${i}"` : `e${i}@example.com,n${i}`)).join('\r\n') + '\r\n';
    const whole = await all(readCsv(chunked(text)));
    for (const [index, record] of whole.entries()) {
      if (record.row === 0) continue;
      const from: ReadPosition = { row: record.row, line: record.line, offset: record.start };
      assert.deepEqual(await all(readCsv(chunked(Buffer.from(text).subarray(from.offset), 5), from)), whole.slice(index), `from row ${record.row}`);
    }
  });
});

describe('JSON reader (@streamparser/json)', () => {
  const customers = [{ name: 'Zoë "Q"', nested: { list: [1, { brace: '}' }] } }, { email: 'x@example.com', text: 'a\\b\n[' }, 'not an object', 12.5, [1, 2]];

  it('reads a pretty-printed array and a list object alike, elements with their lines', async () => {
    const array = JSON.stringify(customers, null, 2);
    const list = JSON.stringify({ object: 'list', url: '/v1/customers', other: [7, 8], data: customers, has_more: false }, null, 2);
    const fromArray = await readAllWays((input) => readJson(input), array);
    const fromList = await readAllWays((input) => readJson(input), list);
    assert.deepEqual(fromArray.map((r) => r.value), customers);
    assert.deepEqual(fromList.map((r) => r.value), customers);
    assert.deepEqual(fromArray.map((r) => r.line), [2, 13, 17, 18, 19]);
    const bytes = Buffer.from(array);
    for (const record of fromArray) assert.equal(bytes.toString('utf8', record.start, record.start + 1), JSON.stringify(record.value).slice(0, 1), `row ${record.row} starts at its first byte`);
  });

  it('resumes at any element (its start, or after it) with the parser given the opening it missed', async () => {
    for (const [root, text] of [
      ['array', JSON.stringify(customers, null, 2)],
      ['list', JSON.stringify({ object: 'list', data: customers, has_more: false })],
    ] as [JsonRoot, string][]) {
      const bytes = Buffer.from('\ufeff' + text);
      const whole = await all(readJson(chunked(bytes)));
      for (const [index, record] of whole.entries()) {
        for (const [from, expected] of [
          [{ row: record.row, line: record.line, offset: record.start }, whole.slice(index)],
          [{ row: record.row + 1, line: record.endLine, offset: record.end }, whole.slice(index + 1)],
        ] as [ReadPosition, SourceRecord[]][]) {
          assert.deepEqual(await all(readJson(chunked(bytes.subarray(from.offset), 3), from, root)), expected, `${root} from ${JSON.stringify(from)}`);
        }
      }
    }
  });

  it('a malformed element fails alone, with the reason JSON.parse gives; a stray or trailing comma is passed over', async () => {
    const text = '[{"a":1},\n{not json},\n{"b":2,},,\n{"c":3}\n{"d":4},\n]';
    const records = await readAllWays((input) => readJson(input), text);
    const reason = (bad: string) => {
      try {
        JSON.parse(bad);
      } catch (err) {
        return `Invalid JSON: ${(err as Error).message}`;
      }
    };
    assert.deepEqual(
      records.map((r) => [r.row, r.line, r.error ?? r.value]),
      [[1, 1, { a: 1 }], [2, 2, reason('{not json}')], [3, 3, reason('{"b":2,}')], [4, 4, { c: 3 }], [5, 5, { d: 4 }]],
    );
  });

  it('stops at a syntax error outside the records, with its line', async () => {
    await assert.rejects(all(readJson(chunked('{"object":"list",\n"url" "/v1/customers","data":[{"a":1}]}'))), /^Error: line 2: Invalid JSON: Unexpected STRING \("\/v1\/customers"\)$/);
    await assert.rejects(all(readJson(chunked('[1,2]\n x'))), /^Error: line 2: unexpected text after the end of the JSON document$/);
    await assert.rejects(all(readJson(chunked('[{"a":1},\n{"b":'))), /^Error: line 2: the JSON document ends before its array does$/);
    await assert.rejects(all(readJson(chunked('\n\n  x[1]'))), /^Error: line 3: a JSON import file is an array of customers/);
    assert.deepEqual(await all(readJson(chunked(' \n'))), [], 'an empty file has no records');
  });
});

describe('NDJSON reader', () => {
  it('one record a non-blank line; a line that is not JSON fails alone', async () => {
    const records = await readAllWays((input) => readNdjson(input), '\ufeff{"a":1}\r\n\n{nope\n  \n[2]');
    assert.deepEqual(records.map((r) => [r.row, r.line, r.error ? 'error' : r.value]), [[1, 1, { a: 1 }], [2, 3, 'error'], [3, 5, [2]]]);
    assert.deepEqual(places(records).map(([, , start, end]) => [start, end]), [[3, 12], [13, 19], [22, 25]]);
  });
});

describe('LineCounter', () => {
  it('counts line feeds up to each offset asked about, across chunks, letting chunks go', () => {
    const counter = new LineCounter(100, 7);
    counter.push(Buffer.from('ab\ncd'));
    counter.push(Buffer.from('\n\nef'));
    assert.equal(counter.lineAt(100), 7);
    assert.equal(counter.lineAt(103), 8);
    assert.equal(counter.text(103, 107), 'cd\n\n');
    assert.equal(counter.lineAt(107), 10);
    assert.equal(counter.byteAt(108), 'f'.charCodeAt(0));
    assert.equal(counter.end, 109);
    assert.throws(() => counter.lineAt(200), RangeError);
  });
});

describe('Progress', () => {
  const sink = (isTTY: boolean) => {
    let text = '';
    const out = Object.assign(
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          text += chunk.toString('utf8');
          done();
        },
      }),
      { isTTY, columns: 200 },
    );
    return { out, text: () => text };
  };

  it('on a terminal: a bar drawn in place, cleared when finished', () => {
    const terminal = sink(true);
    const progress = new Progress(terminal.out, 'importing x.ndjson');
    progress.update({ bytes: 500, totalBytes: 1000, rows: 50, failed: 2 });
    progress.finish();
    const drawn = terminal.text().replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '');
    assert.match(drawn, /importing x\.ndjson \[█{12}░{12}\] 50% {2}50 of ~100 rows {2}[\d,]+ rows\/s {2}ETA \d+:\d\d {2}2 failed/);
    assert.match(terminal.text(), /\x1b\[2K$|\x1b\[0K$|\x1b\[K$/, 'the line is cleared');
  });

  it('elsewhere: a plain line at each tenth of the file, no control codes', () => {
    const log = sink(false);
    const progress = new Progress(log.out, 'importing x.ndjson');
    for (let bytes = 100; bytes <= 1000; bytes += 50) progress.update({ bytes, totalBytes: 1000, rows: bytes / 10, failed: 0 });
    progress.finish();
    const lines = log.text().trimEnd().split('\n');
    assert.equal(lines.length, 10);
    for (const line of lines) assert.match(line, /^importing x\.ndjson: \d+%, [\d,]+ of ~[\d,]+ rows, [\d,]+ rows\/s, ETA \d+:\d\d$/);
  });
});
