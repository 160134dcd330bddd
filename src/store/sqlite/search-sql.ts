import type { SearchClause, SearchQuery } from '../../domain/search-query.ts';

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
 *
 * `textIndex`: substring matches of the folded fields go through the trigram index
 * (customers_text, migration 0005) when they can: the fragment then names the few customers that
 * match instead of testing every one. Without it they test each row (instr), which is cheaper
 * when matches are many and the newest page fills quickly.
 */
export function compileSearch(query: SearchQuery, options: { textIndex?: boolean } = {}): CompiledSearch {
  const params: unknown[] = [];
  const state: ClauseState = { textIndex: options.textIndex === true, usesTextIndex: false, covered: true };
  const parts = query.clauses.map((clause) => compileClause(clause, params, state));
  return { sql: '(' + parts.join(query.combinator === 'AND' ? ' AND ' : ' OR ') + ')', params, usesTextIndex: state.usesTextIndex, covered: state.covered };
}

export interface CompiledSearch extends SqlFragment {
  /** Some clause goes through the trigram index. */
  usesTextIndex: boolean;
  /**
   * Every column the fragment reads is in the list order's index (customers_by_created: created,
   * id and the folded name, e-mail and phone), so it can be tested on index entries alone.
   */
  covered: boolean;
}

interface ClauseState {
  textIndex: boolean;
  usesTextIndex: boolean;
  covered: boolean;
}

/** Columns customers_by_created carries besides tenant_id and mode. */
const COVERED = new Set(['created', 'id', 'name_lower', 'email_lower', 'phone_lower']);

/** GLOB's own pattern characters. */
const GLOB_SPECIAL = /[*?[]/;

/**
 * Whether the trigram index can answer `contains(text)`: it needs three characters (code
 * points) to look up. Text with GLOB's pattern characters stays with instr (escaping them would
 * break the literal runs the index looks up).
 */
function indexable(text: string): boolean {
  return [...text].length >= 3 && !GLOB_SPECIAL.test(text);
}

function compileClause(clause: SearchClause, params: unknown[], state: ClauseState): string {
  let expr: string;
  if (clause.kind === 'number') {
    const column = NUMBER_COLUMNS[clause.field];
    if (!column) throw new Error(`unsupported number field ${clause.field}`);
    if (!COVERED.has(column)) state.covered = false;
    params.push(clause.value);
    expr = `${column} ${NUMBER_OPS[clause.op]} ?`;
  } else {
    let target: string;
    if (clause.value === null || !(clause.field in FOLDED_COLUMNS)) state.covered = false;
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
      const value = params[params.length - 1] as string;
      if (clause.op !== 'eq' && state.textIndex && !clause.negated && indexable(value)) {
        params[params.length - 1] = `*${value}*`;
        state.usesTextIndex = true;
        expr = `rowid IN (SELECT rowid FROM customers_text WHERE ${folded} GLOB ?)`;
      } else {
        expr = clause.op === 'eq' ? `${folded} = ?` : `instr(${folded}, ?) > 0`;
      }
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
