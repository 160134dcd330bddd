/**
 * The grammar of the search query language (see search-query.ts): combinators, clauses, metadata
 * keys and the string and number predicates, read through a SearchScanner.
 */

import { MAX_SEARCH_CLAUSES, MIN_SUBSTRING_LENGTH, SearchQueryError } from './search-query.ts';
import type { SearchClause, SearchFieldType, SearchQuery } from './search-query.ts';
import { SearchScanner } from './search-scanner.ts';
import type { Combinator, Operator } from './search-scanner.ts';

const RESOURCE = 'customers';
const METADATA = 'metadata';

const NUMBER_OPS: Readonly<Record<Exclude<Operator, '~'>, 'eq' | 'gt' | 'gte' | 'lt' | 'lte'>> = {
  ':': 'eq',
  '=': 'eq',
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
};

const INTEGER = /^-?[0-9]+$/;

/** What joins two clauses: a keyword as written, or whitespace alone (`word` is then ''). */
interface Separator {
  kind: Combinator;
  word: string;
  at: number;
}

export class SearchParser {
  private readonly scanner: SearchScanner;

  constructor(
    query: string,
    private readonly fields: Readonly<Record<string, SearchFieldType>>,
  ) {
    this.scanner = new SearchScanner(query);
  }

  parse(): SearchQuery {
    const scanner = this.scanner;
    scanner.skipWhitespace();
    if (scanner.atEnd()) throw new SearchQueryError('The search query must not be empty.', 0);

    const clauseStarts = [scanner.position];
    const clauses: SearchClause[] = [this.parseClause()];
    let combinator: Separator | undefined;

    while (true) {
      const clauseEnd = scanner.position;
      const sawWhitespace = scanner.skipWhitespace();
      if (scanner.atEnd()) break;
      if (!sawWhitespace) {
        throw new SearchQueryError(
          `Unexpected ${scanner.describeChar(scanner.position)} at position ${scanner.position}: clauses must be separated by whitespace, AND or OR.`,
          scanner.position,
        );
      }

      const keyword = scanner.peekKeyword();
      let next: Separator;
      if (keyword) {
        next = { kind: keyword.kind, word: keyword.word, at: scanner.position };
        scanner.advance(keyword.word.length);
        const spaced = scanner.skipWhitespace();
        if (scanner.atEnd()) {
          throw new SearchQueryError(
            `The search query ends with '${keyword.word}' at position ${next.at}: expected a clause after it.`,
            next.at,
          );
        }
        if (!spaced) {
          throw new SearchQueryError(
            `Expected whitespace after '${keyword.word}' at position ${next.at}, found ${scanner.describeChar(scanner.position)}.`,
            scanner.position,
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
      clauseStarts.push(scanner.position);
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

  private parseClause(): SearchClause {
    const scanner = this.scanner;
    const start = scanner.position;
    const keyword = scanner.peekKeyword();
    if (keyword) {
      throw new SearchQueryError(
        `Unexpected '${keyword.word}' at position ${start}: expected a clause such as email:"jenny@example.com".`,
        start,
      );
    }

    let negated = false;
    if (scanner.peek() === '-') {
      negated = true;
      scanner.advance();
      if (scanner.atEnd()) {
        throw new SearchQueryError(`Expected a field name after '-' at position ${start}, found the end of the query.`, scanner.position);
      }
      if (scanner.atWhitespace()) {
        throw new SearchQueryError(
          `Unexpected whitespace after '-' at position ${start}: the negation sign must be directly followed by a field, as in -email:"jenny@example.com".`,
          scanner.position,
        );
      }
    }

    const fieldStart = scanner.position;
    const name = scanner.readWord();
    if (name === '') {
      throw new SearchQueryError(
        scanner.atEnd()
          ? `Expected a field name at position ${scanner.position}, found the end of the query.`
          : `Unexpected ${scanner.describeChar(scanner.position)} at position ${scanner.position}: expected a field name.`,
        scanner.position,
      );
    }

    if (name === METADATA) {
      const key = this.parseMetadataKey(fieldStart);
      return this.parseStringPredicate(`${METADATA}[${JSON.stringify(key)}]`, (op, value) => ({
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
      return this.parseStringPredicate(name, (op, value) => ({ kind: 'string', field: name, op, value, negated }));
    }
    return this.parseNumberPredicate(name, negated);
  }

  /** `[ "key" ]` after `metadata`; returns the unescaped key. */
  private parseMetadataKey(fieldStart: number): string {
    const scanner = this.scanner;
    scanner.skipWhitespace();
    if (scanner.peek() !== '[') {
      throw new SearchQueryError(
        `Expected '[' after 'metadata' at position ${fieldStart}: metadata is searched by key, as in metadata["key"]:"value".`,
        scanner.position,
      );
    }
    scanner.advance();
    scanner.skipWhitespace();
    const quote = scanner.peek();
    if (quote !== '"' && quote !== "'") {
      throw new SearchQueryError(
        `The metadata key at position ${scanner.position} must be quoted, as in metadata["key"].`,
        scanner.position,
      );
    }
    const keyStart = scanner.position;
    const key = scanner.readQuoted();
    if (key === '') {
      throw new SearchQueryError(`The metadata key at position ${keyStart} must not be empty.`, keyStart);
    }
    scanner.skipWhitespace();
    if (scanner.peek() !== ']') {
      throw new SearchQueryError(
        scanner.atEnd()
          ? `Expected ']' to close the metadata key opened at position ${fieldStart}, found the end of the query.`
          : `Expected ']' at position ${scanner.position} to close the metadata key, found ${scanner.describeChar(scanner.position)}.`,
        scanner.position,
      );
    }
    scanner.advance();
    return key;
  }

  private parseStringPredicate(
    label: string,
    build: (op: 'eq' | 'contains', value: string | null) => SearchClause,
  ): SearchClause {
    const { op, at } = this.scanner.readOperator(label);
    if (op !== ':' && op !== '~') {
      throw new SearchQueryError(
        `The operator '${op}' at position ${at} cannot be used with the string field ${label}: string fields support ':' (exact match) and '~' (substring match).`,
        at,
      );
    }
    const raw = this.scanner.readValue(label, op, at);
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
    const { op, at } = this.scanner.readOperator(field);
    if (op === '~') {
      throw new SearchQueryError(
        `The operator '~' at position ${at} cannot be used with the number field ${field}: number fields support ':', '=', '>', '<', '>=' and '<='.`,
        at,
      );
    }
    const raw = this.scanner.readValue(field, op, at);
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

  private supportedFields(): string {
    const names = new Set(
      Object.keys(this.fields).filter((name) => this.fields[name] === 'string' || this.fields[name] === 'number'),
    );
    names.add(METADATA);
    return [...names].sort().join(', ');
  }
}

function isNull(word: string): boolean {
  return word === 'null' || word === 'NULL';
}

function mixedCombinatorsMessage(first: Separator, second: Separator): string {
  const describe = (separator: Separator) =>
    separator.word
      ? `'${separator.word}' at position ${separator.at}`
      : `clauses separated only by whitespace at position ${separator.at} (which means AND)`;
  return `A search query cannot mix AND and OR: found ${describe(second)} after ${describe(first)}. Use either AND or OR between all clauses.`;
}

/**
 * Parses `query` into clauses. `fields` lists the searchable fields and their types;
 * `metadata["key"]` is always accepted as a string field. Throws SearchQueryError.
 */
export function parseSearchQuery(query: string, fields: Readonly<Record<string, SearchFieldType>>): SearchQuery {
  return new SearchParser(query, fields).parse();
}
