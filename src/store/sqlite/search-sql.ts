import type { SearchQuery } from '../../domain/customers/search-query.ts';
import { SQLITE, type SqlParams } from '../sql/dialect.ts';
import { compileSearch, type TextMatching } from '../sql/search-clauses.ts';

/**
 * SQLite folds the fields without a folded column of their own as it reads them, through the
 * `unicode_lower` function the store registers (JavaScript's toLowerCase), and reads metadata
 * values out of the JSON text with json_each.
 */
const SQLITE_TEXT: TextMatching = {
  metadata(key, op, folded, params) {
    const value = `(SELECT value FROM json_each(metadata) WHERE key = ${params.bind(key)})`;
    return folded === null ? `${value} IS NULL` : foldedMatch(value, op, folded, params);
  },
  field: (field, op, folded, params) => foldedMatch(field, op, folded, params),
};

function foldedMatch(expr: string, op: 'eq' | 'contains', folded: string, params: SqlParams): string {
  return op === 'eq' ? `unicode_lower(${expr}) = ${params.bind(folded)}` : `instr(unicode_lower(${expr}), ${params.bind(folded)}) > 0`;
}

export function searchCondition(query: SearchQuery, params: SqlParams): string {
  return compileSearch(query, SQLITE, SQLITE_TEXT, params);
}
