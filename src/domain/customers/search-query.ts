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
 * The lexical level is in search-scanner.ts, the grammar in search-parser.ts.
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
