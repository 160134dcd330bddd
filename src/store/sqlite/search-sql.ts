import type { SearchQuery } from '../../domain/customers/search-query.ts';
import { SQLITE, type SqlParams } from '../sql/dialect.ts';
import { compileSearch, foldedClause, foldedSubstrings, type TextMatching } from '../sql/search-clauses.ts';
import type { ReadQuery } from './readers/read-job.ts';

/** The trigram index (customers_text) serves substrings of this many characters or more. */
const TRIGRAM = 3;
/**
 * A substring the index finds in fewer customers than this (counted across tenants, and no
 * further) is looked up there; a commoner one is tested row by row along the list order, which
 * meets a page of matches early. At 1M customers the index's cost (fetch and sort every match,
 * about 4 µs each) and the walk's (about 11 / share-of-matches rows) cross near a thousand; the
 * limit is lower because a search the index serves runs on the HTTP thread, which it must not
 * hold for more than about a millisecond. Between the two, the walk runs on a reader thread.
 */
const RARE_BELOW = 250;

/** What the index says of a search's substrings: those worth looking up there, as `column\0text`. */
export type RareSubstrings = ReadonlySet<string>;

const keyOf = (column: string, folded: string) => `${column}\0${folded}`;

/** The statements that count (up to RARE_BELOW) the index's matches of each substring of `query`. */
export function substringProbes(query: SearchQuery): { keys: string[]; queries: ReadQuery[] } {
  const probes = foldedSubstrings(query).filter((s) => [...s.folded].length >= TRIGRAM);
  return {
    keys: probes.map((p) => keyOf(p.column, p.folded)),
    queries: probes.map((p) => ({
      text: `SELECT count(*) AS n FROM (SELECT 1 FROM customers_text WHERE customers_text MATCH ? LIMIT ${RARE_BELOW})`,
      values: [ftsPhrase(p.column, p.folded)],
      raw: false,
    })),
  };
}

/** The substrings whose probe (substringProbes, in order) counted fewer than RARE_BELOW matches. */
export function rareSubstrings(keys: readonly string[], counts: readonly number[]): RareSubstrings {
  return new Set(keys.filter((_, i) => counts[i]! < RARE_BELOW));
}

/**
 * Whether an index bounds the search's cost: each clause of an OR, or one clause of an AND, is an
 * exact match on an indexed column or a rare substring. Such a search runs where it is asked
 * (a reader thread's hop would cost more than it); any other may read a whole tenant.
 */
export function indexBounded(query: SearchQuery, rare: RareSubstrings): boolean {
  const served = query.clauses.map((clause) => {
    const folded = foldedClause(clause);
    return folded !== null && (folded.op === 'eq' || rare.has(keyOf(folded.column, folded.folded)));
  });
  return query.combinator === 'OR' ? served.every(Boolean) : served.some(Boolean);
}

/**
 * SQLite folds the fields without a folded column of their own as it reads them, through the
 * `unicode_lower` function the store registers (JavaScript's toLowerCase), and reads metadata
 * values out of the JSON text with json_each.
 */
function sqliteText(rare: RareSubstrings): TextMatching {
  return {
    metadata(key, op, folded, params) {
      const value = `(SELECT value FROM json_each(metadata) WHERE key = ${params.bind(key)})`;
      return folded === null ? `${value} IS NULL` : foldedMatch(value, op, folded, params);
    },
    field: (field, op, folded, params) => foldedMatch(field, op, folded, params),
    foldedContains: (column, folded, params) =>
      rare.has(keyOf(column, folded)) ? `seq IN (SELECT rowid FROM customers_text WHERE customers_text MATCH ${params.bind(ftsPhrase(column, folded))})` : undefined,
  };
}

function foldedMatch(expr: string, op: 'eq' | 'contains', folded: string, params: SqlParams): string {
  return op === 'eq' ? `unicode_lower(${expr}) = ${params.bind(folded)}` : `instr(unicode_lower(${expr}), ${params.bind(folded)}) > 0`;
}

/** An FTS5 query for `text` as a substring of `column`: a quoted string, its quotes doubled, matches literally. */
function ftsPhrase(column: string, text: string): string {
  return `${column} : "${text.replaceAll('"', '""')}"`;
}

export function searchCondition(query: SearchQuery, params: SqlParams, rare: RareSubstrings = new Set()): string {
  return compileSearch(query, SQLITE, sqliteText(rare), params);
}
