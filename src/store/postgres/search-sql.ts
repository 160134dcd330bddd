import type { SearchClause, SearchQuery } from '../../domain/customers/search-query.ts';

/**
 * Columns behind each string search field. The case-folded copies (`*_lower`, computed by the
 * application) are indexed; the other fields are matched within the tenant's rows.
 */
const FOLDED_COLUMNS: Readonly<Record<string, string>> = {
  email: 'email_lower',
  name: 'name_lower',
  phone: 'phone_lower',
};
/**
 * The other string fields: their case-folded values live in the `fields_lower` jsonb column,
 * folded by the application like everything else (PostgreSQL's lower() disagrees with
 * JavaScript's on letters such as 'İ' and a final 'Σ', and depends on the database's locale).
 */
export const FOLDED_FIELDS = ['description', 'external_id', 'company_name', 'billing_email', 'website', 'status', 'currency'] as const;
const STRING_FIELDS: ReadonlySet<string> = new Set(FOLDED_FIELDS);
const NUMBER_COLUMNS: Readonly<Record<string, string>> = {
  created: 'created',
  updated: '(updated / 1000)',
};
const NUMBER_OPS = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** Collects bound values and hands out their `$n` placeholders. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return '$' + this.values.length;
  }
}

/** Escapes LIKE's wildcards (the default escape character is the backslash). */
export function likeContaining(value: string): string {
  return '%' + value.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}

/**
 * Compiles a parsed search query into a WHERE fragment whose indexed shapes stay sargable:
 * exact e-mail/name/phone use btree indexes, substrings use the trigram index, metadata uses the
 * jsonb GIN index through containment.
 */
export function compileSearch(query: SearchQuery, params: Params): string {
  const parts = query.clauses.map((clause) => compileClause(clause, params));
  return '(' + parts.join(query.combinator === 'AND' ? ' AND ' : ' OR ') + ')';
}

function compileClause(clause: SearchClause, params: Params): string {
  const expr = clauseExpression(clause, params);
  // A negated match also holds where the field is absent (NULL), as in Stripe. A positive one
  // needs no coalesce (NULL never matches) and must stay bare for the planner to use an index.
  return clause.negated ? `NOT coalesce(${expr}, false)` : expr;
}

function clauseExpression(clause: SearchClause, params: Params): string {
  if (clause.kind === 'number') {
    const column = NUMBER_COLUMNS[clause.field];
    if (!column) throw new Error(`unsupported number field ${clause.field}`);
    return `${column} ${NUMBER_OPS[clause.op]} ${params.add(clause.value)}`;
  }
  if (clause.field === 'metadata') {
    const key = clause.metadataKey ?? '';
    if (clause.value === null) return `(metadata_lower ->> ${params.add(key)}) IS NULL`;
    const folded = clause.value.toLowerCase();
    if (clause.op === 'eq') return `metadata_lower @> ${params.add(JSON.stringify({ [key]: folded }))}::jsonb`;
    return `strpos(metadata_lower ->> ${params.add(key)}, ${params.add(folded)}) > 0`;
  }
  const folded = FOLDED_COLUMNS[clause.field];
  if (!folded && !STRING_FIELDS.has(clause.field)) throw new Error(`unsupported string field ${clause.field}`);
  // Field names come from the fixed lists above, never from the request.
  if (clause.value === null) return `${clause.field} IS NULL`;
  const value = clause.value.toLowerCase();
  if (folded) {
    return clause.op === 'eq' ? `${folded} = ${params.add(value)}` : `${folded} LIKE ${params.add(likeContaining(value))}`;
  }
  const target = `(fields_lower ->> '${clause.field}')`;
  return clause.op === 'eq' ? `${target} = ${params.add(value)}` : `strpos(${target}, ${params.add(value)}) > 0`;
}
