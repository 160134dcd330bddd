/**
 * Parser for Stripe's search query language (https://docs.stripe.com/search#search-query-language),
 * as accepted by `GET /v1/customers/search?query=...`.
 *
 *   query   := clause ( (ws+ | ws+ AND ws+ | ws+ OR ws+) clause )*     -- at most 10 clauses, AND and OR not mixed
 *   clause  := '-'? field ws* op ws* value
 *   field   := [a-z_]+ | 'metadata' '[' quoted ']'
 *   op      := ':' | '~' | '=' | '>' | '<' | '>=' | '<='
 *   value   := quoted | integer | 'null'
 *   quoted  := '"' ... '"' | "'" ... "'"                             -- escapes: \" \' \\
 *
 * The parser is pure: it only produces the AST below. Case-insensitivity of `:` on strings, and
 * what `null` means, are for whoever evaluates the AST.
 */

export type SearchFieldType = 'string' | 'number';

export type SearchClause =
  | { kind: 'string'; field: string; metadataKey?: string; op: 'eq' | 'contains'; value: string | null; negated: boolean }
  | { kind: 'number'; field: string; op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte'; value: number; negated: boolean };

export interface SearchQuery {
  combinator: 'AND' | 'OR';
  clauses: SearchClause[];
}

export const MAX_SEARCH_CLAUSES = 10;
export const MIN_SUBSTRING_LENGTH = 3;

/** A query that does not parse. `position` is the 0-based index in the query string, when there is one. */
export class SearchQueryError extends Error {
  readonly position: number | undefined;
  constructor(message: string, position?: number) {
    super(message);
    this.name = 'SearchQueryError';
    this.position = position;
  }
}

const RESOURCE = 'customers';
const METADATA = 'metadata';

type Operator = ':' | '~' | '=' | '>' | '<' | '>=' | '<=';
const NUMBER_OPS: Readonly<Record<Exclude<Operator, '~'>, 'eq' | 'gt' | 'gte' | 'lt' | 'lte'>> = {
  ':': 'eq',
  '=': 'eq',
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
};

const WORD_CHAR = /[A-Za-z0-9_.]/;
const WHITESPACE = /\s/;
const INTEGER = /^-?[0-9]+$/;
/** Characters that may follow a field name; `and`/`or` followed by one of them is a field, not a keyword. */
const AFTER_FIELD = /[:~=<>![]/;

/** A value as written: quoted strings are unescaped; bare words are kept verbatim. */
interface RawValue {
  quoted: boolean;
  text: string;
  start: number;
}

/**
 * Parses `query` into clauses. `fields` lists the searchable fields and their types;
 * `metadata["key"]` is always accepted as a string field. Throws SearchQueryError.
 */
export function parseSearchQuery(query: string, fields: Readonly<Record<string, SearchFieldType>>): SearchQuery {
  return new Parser(query, fields).parse();
}

class Parser {
  private pos = 0;

  constructor(
    private readonly src: string,
    private readonly fields: Readonly<Record<string, SearchFieldType>>,
  ) {}

  parse(): SearchQuery {
    this.skipWhitespace();
    if (this.atEnd()) throw new SearchQueryError('The search query must not be empty.', 0);

    const clauseStarts = [this.pos];
    const clauses: SearchClause[] = [this.parseClause()];
    let combinator: { kind: 'AND' | 'OR'; word: string; at: number } | undefined;

    while (true) {
      const clauseEnd = this.pos;
      const sawWhitespace = this.skipWhitespace();
      if (this.atEnd()) break;
      if (!sawWhitespace) {
        throw new SearchQueryError(
          `Unexpected ${this.describeChar(this.pos)} at position ${this.pos}: clauses must be separated by whitespace, AND or OR.`,
          this.pos,
        );
      }

      const keyword = this.peekKeyword();
      let next: { kind: 'AND' | 'OR'; word: string; at: number };
      if (keyword) {
        next = { kind: keyword.kind, word: keyword.word, at: this.pos };
        this.pos += keyword.word.length;
        const spaced = this.skipWhitespace();
        if (this.atEnd()) {
          throw new SearchQueryError(
            `The search query ends with '${keyword.word}' at position ${next.at}: expected a clause after it.`,
            next.at,
          );
        }
        if (!spaced) {
          throw new SearchQueryError(
            `Expected whitespace after '${keyword.word}' at position ${next.at}, found ${this.describeChar(this.pos)}.`,
            this.pos,
          );
        }
      } else {
        // Clauses separated only by whitespace are combined with AND, as Stripe does.
        next = { kind: 'AND', word: '', at: clauseEnd };
      }

      if (combinator === undefined) {
        combinator = next;
      } else if (combinator.kind !== next.kind) {
        throw new SearchQueryError(mixedCombinatorsMessage(combinator, next), next.at);
      }
      clauseStarts.push(this.pos);
      clauses.push(this.parseClause());
    }

    if (clauses.length > MAX_SEARCH_CLAUSES) {
      const extra = clauseStarts[MAX_SEARCH_CLAUSES]!;
      throw new SearchQueryError(
        `The search query has ${clauses.length} clauses, but at most ${MAX_SEARCH_CLAUSES} are allowed (clause ${MAX_SEARCH_CLAUSES + 1} starts at position ${extra}).`,
        extra,
      );
    }
    return { combinator: combinator?.kind ?? 'AND', clauses };
  }

  // ---- clauses ----

  private parseClause(): SearchClause {
    const start = this.pos;
    const keyword = this.peekKeyword();
    if (keyword) {
      throw new SearchQueryError(
        `Unexpected '${keyword.word}' at position ${start}: expected a clause such as email:"jenny@example.com".`,
        start,
      );
    }

    let negated = false;
    if (this.peek() === '-') {
      negated = true;
      this.pos++;
      if (this.atEnd()) {
        throw new SearchQueryError(`Expected a field name after '-' at position ${start}, found the end of the query.`, this.pos);
      }
      if (WHITESPACE.test(this.peek())) {
        throw new SearchQueryError(
          `Unexpected whitespace after '-' at position ${start}: the negation sign must be directly followed by a field, as in -email:"jenny@example.com".`,
          this.pos,
        );
      }
    }

    const fieldStart = this.pos;
    const name = this.readWord();
    if (name === '') {
      throw new SearchQueryError(
        this.atEnd()
          ? `Expected a field name at position ${this.pos}, found the end of the query.`
          : `Unexpected ${this.describeChar(this.pos)} at position ${this.pos}: expected a field name.`,
        this.pos,
      );
    }

    if (name === METADATA) {
      const key = this.parseMetadataKey(fieldStart);
      return this.parseStringPredicate(`${METADATA}[${JSON.stringify(key)}]`, negated, (op, value) => ({
        kind: 'string',
        field: METADATA,
        metadataKey: key,
        op,
        value,
        negated,
      }));
    }

    const type = Object.hasOwn(this.fields, name) ? this.fields[name] : undefined;
    if (type !== 'string' && type !== 'number') {
      throw new SearchQueryError(
        `Field '${name}' is an unsupported search field for ${RESOURCE}. Supported fields: ${this.supportedFields()}.`,
        fieldStart,
      );
    }
    if (type === 'string') {
      return this.parseStringPredicate(name, negated, (op, value) => ({ kind: 'string', field: name, op, value, negated }));
    }
    return this.parseNumberPredicate(name, negated);
  }

  /** `[ "key" ]` after `metadata`; returns the unescaped key. */
  private parseMetadataKey(fieldStart: number): string {
    this.skipWhitespace();
    if (this.peek() !== '[') {
      throw new SearchQueryError(
        `Expected '[' after 'metadata' at position ${fieldStart}: metadata is searched by key, as in metadata["key"]:"value".`,
        this.pos,
      );
    }
    this.pos++;
    this.skipWhitespace();
    const quote = this.peek();
    if (quote !== '"' && quote !== "'") {
      throw new SearchQueryError(
        `The metadata key at position ${this.pos} must be quoted, as in metadata["key"].`,
        this.pos,
      );
    }
    const keyStart = this.pos;
    const key = this.readQuoted();
    if (key === '') {
      throw new SearchQueryError(`The metadata key at position ${keyStart} must not be empty.`, keyStart);
    }
    this.skipWhitespace();
    if (this.peek() !== ']') {
      throw new SearchQueryError(
        this.atEnd()
          ? `Expected ']' to close the metadata key opened at position ${fieldStart}, found the end of the query.`
          : `Expected ']' at position ${this.pos} to close the metadata key, found ${this.describeChar(this.pos)}.`,
        this.pos,
      );
    }
    this.pos++;
    return key;
  }

  private parseStringPredicate(
    label: string,
    negated: boolean,
    build: (op: 'eq' | 'contains', value: string | null) => SearchClause,
  ): SearchClause {
    const { op, at } = this.readOperator(label);
    if (op !== ':' && op !== '~') {
      throw new SearchQueryError(
        `The operator '${op}' at position ${at} cannot be used with the string field ${label}: string fields support ':' (exact match) and '~' (substring match).`,
        at,
      );
    }
    const raw = this.readValue(label, op, at);
    if (!raw.quoted) {
      if (isNull(raw.text)) {
        if (op === '~') {
          throw new SearchQueryError(
            `null at position ${raw.start} can only be used with ':' (as in ${label}:null), not with '~'.`,
            raw.start,
          );
        }
        return build('eq', null);
      }
      throw new SearchQueryError(
        `The value '${raw.text}' for ${label} at position ${raw.start} must be quoted, as in ${label}${op}"${raw.text}".`,
        raw.start,
      );
    }
    if (op === '~') {
      const length = [...raw.text].length;
      if (length < MIN_SUBSTRING_LENGTH) {
        throw new SearchQueryError(
          `The value '${raw.text}' at position ${raw.start} is too short for a substring match on ${label}: '~' needs at least ${MIN_SUBSTRING_LENGTH} characters, and it has ${length}.`,
          raw.start,
        );
      }
      return build('contains', raw.text);
    }
    return build('eq', raw.text);
  }

  private parseNumberPredicate(field: string, negated: boolean): SearchClause {
    const { op, at } = this.readOperator(field);
    if (op === '~') {
      throw new SearchQueryError(
        `The operator '~' at position ${at} cannot be used with the number field ${field}: number fields support ':', '=', '>', '<', '>=' and '<='.`,
        at,
      );
    }
    const raw = this.readValue(field, op, at);
    if (!raw.quoted && isNull(raw.text)) {
      throw new SearchQueryError(`The number field ${field} cannot be compared with null (position ${raw.start}).`, raw.start);
    }
    if (!INTEGER.test(raw.text)) {
      throw new SearchQueryError(
        `The value ${raw.quoted ? JSON.stringify(raw.text) : `'${raw.text}'`} for ${field} at position ${raw.start} must be an integer.`,
        raw.start,
      );
    }
    const value = Number(raw.text);
    if (!Number.isSafeInteger(value)) {
      throw new SearchQueryError(`The value '${raw.text}' for ${field} at position ${raw.start} is out of range.`, raw.start);
    }
    return { kind: 'number', field, op: NUMBER_OPS[op], value: value === 0 ? 0 : value, negated };
  }

  // ---- tokens ----

  private readOperator(label: string): { op: Operator; at: number } {
    this.skipWhitespace();
    const at = this.pos;
    const two = this.src.slice(at, at + 2);
    if (two === '>=' || two === '<=') {
      this.pos += 2;
      return { op: two, at };
    }
    const one = this.peek();
    if (one === ':' || one === '~' || one === '=' || one === '>' || one === '<') {
      this.pos++;
      return { op: one, at };
    }
    if (two === '!=') {
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

  private readValue(label: string, op: Operator, opAt: number): RawValue {
    this.skipWhitespace();
    const start = this.pos;
    if (this.atEnd()) {
      throw new SearchQueryError(`Expected a value after '${op}' at position ${opAt} (${label}), found the end of the query.`, start);
    }
    const c = this.peek();
    if (c === '"' || c === "'") {
      return { quoted: true, text: this.readQuoted(), start };
    }
    while (!this.atEnd() && !WHITESPACE.test(this.peek())) this.pos++;
    return { quoted: false, text: this.src.slice(start, this.pos), start };
  }

  /** A string in '…' or "…" starting at the current position; returns it unescaped. */
  private readQuoted(): string {
    const start = this.pos;
    const quote = this.src[start];
    this.pos++;
    let out = '';
    while (true) {
      if (this.atEnd()) {
        throw new SearchQueryError(`Unterminated string starting at position ${start}: missing the closing quote (${quote}).`, start);
      }
      const c = this.src[this.pos]!;
      if (c === quote) {
        this.pos++;
        return out;
      }
      if (c === '\\') {
        const escaped = this.src[this.pos + 1];
        if (escaped === '"' || escaped === "'" || escaped === '\\') {
          out += escaped;
          this.pos += 2;
          continue;
        }
        if (escaped === undefined) {
          throw new SearchQueryError(`Unterminated string starting at position ${start}: missing the closing quote (${quote}).`, start);
        }
        throw new SearchQueryError(
          `Invalid escape sequence '\\${String.fromCodePoint(this.src.codePointAt(this.pos + 1)!)}' at position ${this.pos}: only \\", \\' and \\\\ are allowed.`,
          this.pos,
        );
      }
      out += c;
      this.pos++;
    }
  }

  /** The keyword AND/OR (any case, as Stripe allows) at the current position, if there is one. */
  private peekKeyword(): { kind: 'AND' | 'OR'; word: string } | undefined {
    const match = /^(and|or)/i.exec(this.src.slice(this.pos, this.pos + 3));
    if (!match) return undefined;
    const word = match[1]!;
    const after = this.src[this.pos + word.length];
    if (after !== undefined && (WORD_CHAR.test(after) || AFTER_FIELD.test(after))) return undefined;
    return { kind: word.toUpperCase() as 'AND' | 'OR', word };
  }

  private readWord(): string {
    const start = this.pos;
    while (!this.atEnd() && WORD_CHAR.test(this.peek())) this.pos++;
    return this.src.slice(start, this.pos);
  }

  /** Skips whitespace; true when there was some. */
  private skipWhitespace(): boolean {
    const start = this.pos;
    while (!this.atEnd() && WHITESPACE.test(this.peek())) this.pos++;
    return this.pos > start;
  }

  private peek(): string {
    return this.src[this.pos] ?? '';
  }

  private atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  /** The offending token at `at`, quoted for a message: a whole word, or one character. */
  private describeChar(at: number): string {
    const cp = this.src.codePointAt(at);
    if (cp === undefined) return 'the end of the query';
    let end = at;
    while (end < this.src.length && WORD_CHAR.test(this.src[end]!)) end++;
    return `'${end > at ? this.src.slice(at, end) : String.fromCodePoint(cp)}'`;
  }

  private supportedFields(): string {
    const names = new Set(Object.keys(this.fields).filter((k) => this.fields[k] === 'string' || this.fields[k] === 'number'));
    names.add(METADATA);
    return [...names].sort().join(', ');
  }
}

function isNull(word: string): boolean {
  return word === 'null' || word === 'NULL';
}

function mixedCombinatorsMessage(
  first: { kind: 'AND' | 'OR'; word: string; at: number },
  second: { kind: 'AND' | 'OR'; word: string; at: number },
): string {
  const describe = (c: { word: string; at: number }) =>
    c.word ? `'${c.word}' at position ${c.at}` : `clauses separated only by whitespace at position ${c.at} (which means AND)`;
  return `A search query cannot mix AND and OR: found ${describe(second)} after ${describe(first)}. Use either AND or OR between all clauses.`;
}
