import type { SearchQuery } from '../../domain/customers/search-query.ts';
import { POSTGRES, type SqlParams } from '../sql/dialect.ts';
import { compileSearch, type TextMatching } from '../sql/search-clauses.ts';

/**
 * PostgreSQL matches case-folded copies the application wrote (PostgreSQL's lower() disagrees
 * with JavaScript's on letters such as 'İ' and a final 'Σ', and depends on the database's
 * locale): the other text fields in the `fields_lower` jsonb column, matched within the tenant's
 * rows; metadata in `metadata_lower`, whose GIN index serves equality through containment.
 */
const POSTGRES_TEXT: TextMatching = {
  metadata(key, op, folded, params) {
    if (folded === null) return `(metadata_lower ->> ${params.bind(key)}) IS NULL`;
    if (op === 'eq') return `metadata_lower @> ${params.bind(JSON.stringify({ [key]: folded }))}::jsonb`;
    return `strpos(metadata_lower ->> ${params.bind(key)}, ${params.bind(folded)}) > 0`;
  },
  field(field, op, folded, params) {
    const value = `(fields_lower ->> '${field}')`;
    return op === 'eq' ? `${value} = ${params.bind(folded)}` : `strpos(${value}, ${params.bind(folded)}) > 0`;
  },
};

export function searchCondition(query: SearchQuery, params: SqlParams): string {
  return compileSearch(query, POSTGRES, POSTGRES_TEXT, params);
}
