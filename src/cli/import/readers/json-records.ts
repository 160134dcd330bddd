/**
 * The reading behind readJson (json-reader.ts): @streamparser/json's tokenizer and token parser,
 * the tokens followed to know where each element starts and ends, and the recovery from a
 * malformed element.
 */
import { Tokenizer, TokenParser, TokenType, type ParsedElementInfo, type ParsedTokenInfo } from '@streamparser/json';
import { JsonValueEnd } from './json-value-end.ts';
import { LineCounter } from './line-counter.ts';
import type { ReadPosition, SourceRecord } from './source-records.ts';

/** A top-level array of records, or a list object whose `data` holds them. */
export type JsonRoot = 'array' | 'list';

const OPENING: Record<JsonRoot, Buffer> = { array: Buffer.from('['), list: Buffer.from('{"data":[') };
const PATHS: Record<JsonRoot, string> = { array: '$.*', list: '$.data.*' };
/** The depth of the records (inside their array). */
const RECORDS_DEPTH: Record<JsonRoot, number> = { array: 1, list: 2 };
const COMMA = 0x2c;
export const OPEN_BRACKET = 0x5b;
export const OPEN_BRACE = 0x7b;
const BOM = [0xef, 0xbb, 0xbf];

export const isSpace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
const ONE_BYTE_TOKENS = new Set([TokenType.COMMA, TokenType.LEFT_BRACKET, TokenType.RIGHT_BRACE, TokenType.RIGHT_BRACKET]);
/** By token type: whether the token starts a value. */
const STARTS_VALUE: boolean[] = [];
for (const type of [TokenType.LEFT_BRACE, TokenType.LEFT_BRACKET, TokenType.STRING, TokenType.NUMBER, TokenType.TRUE, TokenType.FALSE, TokenType.NULL]) STARTS_VALUE[type] = true;

interface Element {
  start: number;
  line: number;
  value?: unknown;
  /** Its value is parsed; its end is the next token (a comma or the closing bracket). */
  done: boolean;
}

export class JsonRecords {
  /** Read, not yet taken. */
  readonly records: SourceRecord[] = [];
  /** Why reading cannot go on (after the records before it). */
  error: Error | null = null;
  private readonly lines: LineCounter;
  private row: number;
  /** Whether the document has started (a file of whitespace has no records). */
  private documentSeen: boolean;
  /** Whether a comma may come before the next element (resuming, or after a malformed one). */
  private commaAllowed: boolean;
  private tokenizer: Tokenizer | null = null;
  /** Null before the document, and between a malformed element and the next. */
  private parser: TokenParser | null = null;
  private failure: Error | null = null;
  /** File offset of the token offset 0 (the opening given to a restarted parser is not in the file). */
  private tokenBase = 0;
  private lastTokenOffset: number;
  private lastTokenType: TokenType | null = null;
  /** Offset after the document's closing bracket or brace, once read. */
  private documentEnd = Infinity;
  private element: Element | null = null;
  /** A malformed element being passed over. */
  private skipping: { element: Element; end: JsonValueEnd } | null = null;
  /** The token the parser refused, and whether it came between two records. */
  private refused: { offset: number; type: TokenType; betweenRecords: boolean } | null = null;
  /** A list object's records array has closed: the rest of the object is not read. */
  private recordsClosed = false;
  // Where the records are, from the tokens: `depth` containers are open.
  private depth = 0;
  private inRecords = false;
  private recordsDepth = 0;
  private expectingKey = false; // in the top-level object, the next string is a key
  private lastKey: string | null = null;
  private dataSeen = false;

  constructor(
    from: ReadPosition,
    private root: JsonRoot | undefined,
  ) {
    this.lines = new LineCounter(from.offset, from.line);
    this.row = from.row;
    this.lastTokenOffset = from.offset;
    this.documentSeen = from.offset > 0;
    this.commaAllowed = from.offset > 0;
  }

  feed(chunk: Buffer): void {
    this.lines.push(chunk);
    this.consume(chunk, this.lines.end - chunk.length);
  }

  finish(): void {
    if (this.error || this.recordsClosed) return;
    if (this.skipping || (this.documentSeen && !this.parser?.isEnded)) {
      this.fail(`the JSON document ends before its ${this.inRecords || this.root === 'array' ? 'array' : 'object'} does`, this.lines.end);
    }
  }

  /** `bytes` start at file offset `offset`. */
  private consume(bytes: Buffer, offset: number): void {
    if (this.error || this.recordsClosed || bytes.length === 0) return;
    if (this.skipping) {
      const end = this.skipping.end.scan(bytes, offset);
      if (end !== -1) this.endMalformed(end);
      return;
    }
    if (!this.parser) {
      // Before the document, or the next element: whitespace, a byte order mark, a comma.
      let at = 0;
      for (; at < bytes.length; at++) {
        if (isSpace(bytes[at]) || (offset + at < 3 && bytes[at] === BOM[offset + at])) continue;
        if (bytes[at] === COMMA && this.commaAllowed) {
          this.commaAllowed = false;
          continue;
        }
        break;
      }
      if (at === bytes.length) return;
      offset += at;
      bytes = bytes.subarray(at);
      if (this.root) this.start(this.root, offset, OPENING[this.root]);
      else if (bytes[0] === OPEN_BRACKET) this.start('array', offset, null);
      else if (bytes[0] === OPEN_BRACE) this.start('list', offset, null);
      else {
        this.fail(`a JSON import file is an array of customers, or a list object with "data": it cannot start with '${String.fromCharCode(bytes[0]!)}'`, offset);
        return;
      }
    }
    const parser = this.parser!;
    if (!parser.isEnded) this.tokenizer!.write(bytes);
    if (this.recordsClosed) return;
    if (parser.isEnded) {
      // Only whitespace may follow the document.
      const extra = bytes.findIndex((byte, at) => offset + at >= this.documentEnd && !isSpace(byte));
      if (extra !== -1) this.fail('unexpected text after the end of the JSON document', offset + extra);
    } else if (this.failure) this.recover(this.failure);
  }

  /**
   * After a syntax error in the records: a malformed element is passed over (from its start, or
   * from the refused token between two records) and reported; a stray comma or a trailing one
   * before the closing bracket is passed over. Elsewhere the reading stops.
   */
  private recover(failure: Error): void {
    const refused = this.refused;
    let malformed = this.element && !this.element.done ? this.element : null;
    let restartAt: number | null = null;
    if (!malformed && refused?.betweenRecords) {
      if (refused.type === TokenType.COMMA || refused.type === TokenType.RIGHT_BRACKET) restartAt = refused.offset;
      else malformed = this.elementAt(refused.offset);
    } else if (!malformed && !refused && this.inRecords && this.depth === this.recordsDepth && ONE_BYTE_TOKENS.has(this.lastTokenType!)) {
      // A byte that starts no token, between two records (after a bracket, a brace or a comma).
      const after = this.lastTokenOffset + 1;
      const start = after + this.lines.bytes(after, this.lines.end).findIndex((byte) => !isSpace(byte));
      if (this.element?.done) this.endElement(start);
      malformed = this.elementAt(start);
    }
    if (!malformed && restartAt === null) {
      this.fail(`Invalid JSON: ${syntaxError(failure)}`);
      return;
    }
    this.parser = this.tokenizer = null;
    if (malformed) {
      this.skipping = { element: malformed, end: new JsonValueEnd() };
      restartAt = malformed.start;
    } else this.commaAllowed = refused!.type === TokenType.COMMA;
    this.consume(this.lines.bytes(restartAt!, this.lines.end), restartAt!);
  }

  /** A parser for the document, or (with `opening`) for the rest of it from `offset`. */
  private start(root: JsonRoot, offset: number, opening: Buffer | null): void {
    this.root = root;
    this.documentSeen = true;
    this.inRecords = root === 'array';
    this.recordsDepth = RECORDS_DEPTH[root];
    this.depth = 0;
    this.expectingKey = false;
    this.lastKey = null;
    this.dataSeen = false;
    this.element = null;
    this.failure = null;
    this.refused = null;
    const parser = new TokenParser({ paths: [PATHS[root]], keepStack: false });
    parser.onValue = (element) => this.onElement(element);
    parser.onError = (err) => (this.failure ??= err);
    parser.onEnd = () => (this.documentEnd = this.lastTokenOffset + 1);
    const tokenizer = new Tokenizer();
    tokenizer.onToken = (token) => this.onToken(token);
    tokenizer.onError = (err) => (this.failure ??= err);
    tokenizer.onEnd = () => {};
    this.parser = parser;
    this.tokenizer = tokenizer;
    this.tokenBase = offset - (opening?.length ?? 0);
    if (opening) tokenizer.write(opening);
  }

  private elementAt(offset: number): Element {
    return { start: offset, line: this.lines.lineAt(offset), done: false };
  }

  private onToken(token: ParsedTokenInfo): void {
    if (this.failure || this.recordsClosed) return;
    const offset = this.tokenBase + token.offset;
    this.lastTokenOffset = offset;
    this.lastTokenType = token.token;
    const betweenRecords = this.inRecords && this.depth === this.recordsDepth;
    if (betweenRecords) {
      if (this.element?.done) this.endElement(offset); // the comma or bracket after it
      if (STARTS_VALUE[token.token]) this.element = { start: offset, line: this.lines.lineAt(offset), done: false };
    }
    if (this.root === 'list' && this.depth === 1) {
      // In the top-level object: keys and values; the records are the first `data` that is an array.
      if (token.token === TokenType.STRING && this.expectingKey) {
        this.lastKey = token.value as string;
        this.expectingKey = false;
      } else if (token.token === TokenType.COMMA) this.expectingKey = true;
      else if (token.token === TokenType.LEFT_BRACKET && this.lastKey === 'data' && !this.dataSeen) this.inRecords = this.dataSeen = true;
    }
    if (token.token === TokenType.LEFT_BRACE || token.token === TokenType.LEFT_BRACKET) {
      this.depth++;
      if (this.depth === 1 && this.root === 'list') this.expectingKey = true;
    } else if (token.token === TokenType.RIGHT_BRACE || token.token === TokenType.RIGHT_BRACKET) {
      this.depth--;
      if (this.inRecords && this.depth < this.recordsDepth) this.inRecords = false;
    }
    this.parser!.write(token);
    if (this.failure) this.refused = { offset, type: token.token, betweenRecords };
    else if (betweenRecords && token.token === TokenType.RIGHT_BRACKET && this.root === 'list') this.recordsClosed = true;
  }

  private onElement({ value, key }: ParsedElementInfo): void {
    if (typeof key !== 'number' || !this.element) return; // `data` that is not an array
    this.element.value = value;
    this.element.done = true;
  }

  private endElement(end: number): void {
    const { start, line, value } = this.element!;
    this.records.push({ row: this.row++, line, start, end, endLine: this.lines.lineAt(end), value });
    this.element = null;
  }

  /** The malformed element ends at `end`: its record (with JSON.parse's reason), then a new parser for the rest. */
  private endMalformed(end: number): void {
    const { start, line } = this.skipping!.element;
    const text = this.lines.text(start, end);
    const record: SourceRecord = { row: this.row++, line, start, end, endLine: this.lines.lineAt(end) };
    try {
      record.value = JSON.parse(text);
    } catch (err) {
      record.error = `Invalid JSON: ${(err as Error).message}`;
    }
    this.records.push(record);
    this.skipping = null;
    this.commaAllowed = true;
    this.consume(this.lines.bytes(end, this.lines.end), end);
  }

  /** Stops reading with `message`, on the line of `offset`, else of the element being read, else of the last token. */
  private fail(message: string, offset?: number): void {
    const element = this.element;
    const line = offset !== undefined ? this.lines.lineAt(offset) : element && !element.done ? element.line : this.lines.lineAt(this.lastTokenOffset);
    this.error = new Error(`line ${line}: ${message}`);
  }
}

/** The parser's message without its internals: `Unexpected "o"`, not `… at chunk position "12" … in state NULL1`. */
function syntaxError(err: Error): string {
  return err.message.replace(/ at chunk position .*$/, '').replace(/ in state \w+$/, '');
}
