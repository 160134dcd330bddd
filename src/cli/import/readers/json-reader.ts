/**
 * JSON: an array of customers, or an object whose top-level `data` is one (Stripe's list object),
 * read by @streamparser/json. Its tokenizer gives each token's byte offset, from which each
 * element's offsets come; its token parser builds one element at a time (`$.*` or `$.data.*`,
 * emitted elements not kept), never the whole array. Lines are counted by LineCounter.
 *
 * Starting past the beginning (resuming, or after a malformed element): the parser is first given
 * the opening it would have read (`[` or `{"data":[`), then the file from there, past the
 * whitespace and comma before the next element. A malformed element (or stray text between two)
 * fails alone, with JSON.parse's reason: where it ends is found by balancing brackets and strings
 * (JsonValueEnd), and a new parser starts after it; a stray or trailing comma is passed over. A
 * syntax error outside the records array ends the reading, with its line; after a list object's
 * records, the rest of the object is not read.
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { isSpace, JsonRecords, OPEN_BRACE, OPEN_BRACKET, type JsonRoot } from './json-records.ts';
import { START, startsWithBom, type ReadPosition, type SourceRecord } from './source-records.ts';

export type { JsonRoot } from './json-records.ts';

/**
 * Yields the records of each chunk together. `root` is the file's (`jsonRootOf`): needed when
 * `from` is past the beginning, found from the first byte otherwise.
 */
export async function* readJson(input: Readable, from: ReadPosition = START, root?: JsonRoot): AsyncGenerator<SourceRecord[]> {
  if (from.offset > 0 && !root) throw new Error('readJson: resuming needs the root of the document');
  const reader = new JsonRecords(from, root);
  for await (const chunk of input as AsyncIterable<Buffer>) {
    reader.feed(chunk);
    if (reader.records.length > 0) yield reader.records.splice(0);
    if (reader.error) throw reader.error;
  }
  reader.finish();
  if (reader.records.length > 0) yield reader.records.splice(0);
  if (reader.error) throw reader.error;
}

/** Whether the JSON file at `path` is an array or a list object, from its first byte. */
export async function jsonRootOf(path: string): Promise<JsonRoot | null> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    const first = head.subarray(startsWithBom(head, 0) ? 3 : 0, bytesRead).find((byte) => !isSpace(byte));
    return first === OPEN_BRACKET ? 'array' : first === OPEN_BRACE ? 'list' : null;
  } finally {
    await file.close();
  }
}
