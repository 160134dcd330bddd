/**
 * The lexical level of the search query language (see search-query.ts): a cursor over the query
 * text that reads whitespace, words, quoted strings, operators, values and the AND/OR keywords.
 */

import { SearchQueryError } from './search-query.ts';

export type Operator = ':' | '~' | '=' | '>' | '<' | '>=' | '<=';

export type Combinator = 'AND' | 'OR';

export interface Keyword {
  kind: Combinator;
  /** As written: Stripe accepts the keywords in any case. */
  word: string;
}

/** A value as written: quoted strings are unescaped; bare words are kept verbatim. */
export interface RawValue {
  quoted: boolean;
  text: string;
  start: number;
}

const WORD_CHAR = /[A-Za-z0-9_.]/;
const WHITESPACE = /\s/;
/** Characters that may follow a field name; `and`/`or` followed by one of them is a field, not a keyword. */
const AFTER_FIELD = /[:~=<>![]/;

export class SearchScanner {
  private offset = 0;

  constructor(private readonly text: string) {}

  /** The 0-based index of the next character to read. */
  get position(): number {
    return this.offset;
  }

  atEnd(): boolean {
    return this.offset >= this.text.length;
  }

  /** The next character, or '' at the end. */
  peek(): string {
    return this.text[this.offset] ?? '';
  }

  atWhitespace(): boolean {
    return WHITESPACE.test(this.peek());
  }

  advance(count = 1): void {
    this.offset += count;
  }

  /** Skips whitespace; true when there was some. */
  skipWhitespace(): boolean {
    const start = this.offset;
    while (!this.atEnd() && this.atWhitespace()) this.offset++;
    return this.offset > start;
  }

  readWord(): string {
    const start = this.offset;
    while (!this.atEnd() && WORD_CHAR.test(this.peek())) this.offset++;
    return this.text.slice(start, this.offset);
  }

  /** A string in '…' or "…" starting at the current position; returns it unescaped. */
  readQuoted(): string {
    const start = this.offset;
    const quote = this.text[start];
    this.offset++;
    let unescaped = '';
    while (true) {
      if (this.atEnd()) {
        throw new SearchQueryError(`Unterminated string starting at position ${start}: missing the closing quote (${quote}).`, start);
      }
      const char = this.text[this.offset]!;
      if (char === quote) {
        this.offset++;
        return unescaped;
      }
      if (char === '\\') {
        const escaped = this.text[this.offset + 1];
        if (escaped === '"' || escaped === "'" || escaped === '\\') {
          unescaped += escaped;
          this.offset += 2;
          continue;
        }
        if (escaped === undefined) {
          throw new SearchQueryError(`Unterminated string starting at position ${start}: missing the closing quote (${quote}).`, start);
        }
        throw new SearchQueryError(
          `Invalid escape sequence '\\${String.fromCodePoint(this.text.codePointAt(this.offset + 1)!)}' at position ${this.offset}: only \\", \\' and \\\\ are allowed.`,
          this.offset,
        );
      }
      unescaped += char;
      this.offset++;
    }
  }

  /** The operator after optional whitespace. `label` names the field in messages. */
  readOperator(label: string): { op: Operator; at: number } {
    this.skipWhitespace();
    const at = this.offset;
    const twoChars = this.text.slice(at, at + 2);
    if (twoChars === '>=' || twoChars === '<=') {
      this.offset += 2;
      return { op: twoChars, at };
    }
    const oneChar = this.peek();
    if (oneChar === ':' || oneChar === '~' || oneChar === '=' || oneChar === '>' || oneChar === '<') {
      this.offset++;
      return { op: oneChar, at };
    }
    if (twoChars === '!=') {
      throw new SearchQueryError(
        `The operator '!=' at position ${at} is not supported; negate a clause with a leading '-', as in -${label}:"value".`,
        at,
      );
    }
    throw new SearchQueryError(
      this.atEnd()
        ? `Expected an operator such as ':' after ${label}, found the end of the query.`
        : `Expected an operator such as ':' after ${label} at position ${at}, found ${this.describeChar(at)}.`,
      at,
    );
  }

  /** The value after optional whitespace: a quoted string, or everything up to the next whitespace. */
  readValue(label: string, op: Operator, opAt: number): RawValue {
    this.skipWhitespace();
    const start = this.offset;
    if (this.atEnd()) {
      throw new SearchQueryError(`Expected a value after '${op}' at position ${opAt} (${label}), found the end of the query.`, start);
    }
    const first = this.peek();
    if (first === '"' || first === "'") {
      return { quoted: true, text: this.readQuoted(), start };
    }
    while (!this.atEnd() && !this.atWhitespace()) this.offset++;
    return { quoted: false, text: this.text.slice(start, this.offset), start };
  }

  /** The keyword AND/OR (any case, as Stripe allows) at the current position, if there is one. */
  peekKeyword(): Keyword | undefined {
    const match = /^(and|or)/i.exec(this.text.slice(this.offset, this.offset + 3));
    if (!match) return undefined;
    const word = match[1]!;
    const after = this.text[this.offset + word.length];
    if (after !== undefined && (WORD_CHAR.test(after) || AFTER_FIELD.test(after))) return undefined;
    return { kind: word.toUpperCase() as Combinator, word };
  }

  /** The offending token at `at`, quoted for a message: a whole word, or one character. */
  describeChar(at: number): string {
    const codePoint = this.text.codePointAt(at);
    if (codePoint === undefined) return 'the end of the query';
    let end = at;
    while (end < this.text.length && WORD_CHAR.test(this.text[end]!)) end++;
    return `'${end > at ? this.text.slice(at, end) : String.fromCodePoint(codePoint)}'`;
  }
}
