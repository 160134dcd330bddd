import type { SearchClause, SearchQuery } from '../../domain/customers/search-query.ts';

/** Column (or expression) behind each search field. Only names listed here reach SQL. */
const STRING_COLUMNS: Readonly<Record<string, string>> = {
  email: 'email',
  name: 'name',
  phone: 'phone',
  description: 'description',
  external_id: 'external_id',
  company_name: 'company_name',
  billing_email: 'billing_email',
  website: 'website',
  status: 'status',
  currency: 'currency',
};
/** Fields stored folded (the application's toLowerCase) in a column of their own. */
const FOLDED_COLUMNS: Readonly<Record<string, string>> = { email: 'email_lower', name: 'name_lower', phone: 'phone_lower' };
const NUMBER_COLUMNS: Readonly<Record<string, string>> = {
  created: 'created',
  updated: '(updated / 1000)',
};
const NUMBER_OPS = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/**
 * Compiles a parsed search query into a WHERE fragment. String matches are Unicode
 * case-insensitive through the `unicode_lower` function the store registers.
 */
export function compileSearch(query: SearchQuery): SqlFragment {
  const params: unknown[] = [];
  const parts = query.clauses.map((clause) => compileClause(clause, params));
  return { sql: '(' + parts.join(query.combinator === 'AND' ? ' AND ' : ' OR ') + ')', params };
}

function compileClause(clause: SearchClause, params: unknown[]): string {
  let expr: string;
  if (clause.kind === 'number') {
    const column = NUMBER_COLUMNS[clause.field];
    if (!column) throw new Error(`unsupported number field ${clause.field}`);
    params.push(clause.value);
    expr = `${column} ${NUMBER_OPS[clause.op]} ?`;
  } else {
    let target: string;
    if (clause.field === 'metadata') {
      params.push(clause.metadataKey);
      target = '(SELECT value FROM json_each(metadata) WHERE key = ?)';
    } else {
      const column = STRING_COLUMNS[clause.field];
      if (!column) throw new Error(`unsupported string field ${clause.field}`);
      target = column;
    }
    if (clause.value === null) {
      expr = `${target} IS NULL`;
    } else if (clause.field in FOLDED_COLUMNS) {
      // The folded column holds the same folding (and for e-mail and name is indexed).
      params.push(clause.value.toLowerCase());
      const folded = FOLDED_COLUMNS[clause.field]!;
      expr = clause.op === 'eq' ? `${folded} = ?` : `instr(${folded}, ?) > 0`;
    } else if (clause.op === 'eq') {
      params.push(clause.value.toLowerCase());
      expr = `unicode_lower(${target}) = ?`;
    } else {
      params.push(clause.value.toLowerCase());
      expr = `instr(unicode_lower(${target}), ?) > 0`;
    }
  }
  // A negated match also holds where the field is absent (NULL), as in Stripe. A positive one
  // needs no coalesce (NULL never matches) and must stay bare for the planner to use an index.
  return clause.negated ? `NOT coalesce(${expr}, 0)` : expr;
}
