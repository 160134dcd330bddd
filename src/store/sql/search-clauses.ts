import type { SearchClause, SearchQuery } from '../../domain/customers/search-query.ts';
import type { Dialect, SqlParams } from './dialect.ts';

/** Fields folded (the application's toLowerCase) into indexed columns of their own, on both backends. */
const FOLDED_COLUMNS: Readonly<Record<string, string>> = { email: 'email_lower', name: 'name_lower', phone: 'phone_lower' };
/** The other string fields a search may name: each backend folds them its own way (see TextMatching). */
export const OTHER_TEXT_FIELDS = ['description', 'external_id', 'company_name', 'billing_email', 'website', 'status', 'currency'] as const;
const OTHER_FIELDS: ReadonlySet<string> = new Set(OTHER_TEXT_FIELDS);
const NUMBER_COLUMNS: Readonly<Record<string, string>> = {
  created: 'created',
  updated: '(updated / 1000)',
};
const NUMBER_OPS = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

type StringOp = Extract<SearchClause, { kind: 'string' }>['op'];

/** How a backend matches what has no folded column of its own; `folded` is the value lower-cased. */
export interface TextMatching {
  /** `metadata["key"]`: absent (folded null), equal to or containing `folded`. */
  metadata(key: string, op: StringOp, folded: string | null, params: SqlParams): string;
  /** One of OTHER_TEXT_FIELDS, equal to or containing `folded`. */
  field(field: string, op: StringOp, folded: string, params: SqlParams): string;
  /** A folded column containing `folded`, where the backend indexes it its own way; else the dialect's `contains`. */
  foldedContains?(column: string, folded: string, params: SqlParams): string | undefined;
}

/** A positive clause on a folded (indexed) column: its column, operator and folded text; else null. */
export function foldedClause(clause: SearchClause): { column: string; op: StringOp; folded: string } | null {
  const column = FOLDED_COLUMNS[clause.field];
  if (clause.kind !== 'string' || clause.negated || !column || clause.value === null) return null;
  return { column, op: clause.op, folded: clause.value.toLowerCase() };
}

/** The positive substring clauses (`name~"…"`) on folded columns: what a backend's text index may serve. */
export function foldedSubstrings(query: SearchQuery): { column: string; folded: string }[] {
  return query.clauses.flatMap((clause) => {
    const folded = foldedClause(clause);
    return folded?.op === 'contains' ? [{ column: folded.column, folded: folded.folded }] : [];
  });
}

/**
 * Compiles a parsed search query into a WHERE condition, binding its values to `params`. Field
 * names reach SQL only from the fixed lists above, never from the request.
 */
export function compileSearch(query: SearchQuery, dialect: Dialect, text: TextMatching, params: SqlParams): string {
  const parts = query.clauses.map((clause) => {
    const expr = clauseExpression(clause, dialect, text, params);
    // A negated match also holds where the field is absent (NULL), as in Stripe. A positive one
    // needs no coalesce (NULL never matches) and must stay bare for the planner to use an index.
    return clause.negated ? `NOT coalesce(${expr}, false)` : expr;
  });
  return '(' + parts.join(query.combinator === 'AND' ? ' AND ' : ' OR ') + ')';
}

function clauseExpression(clause: SearchClause, dialect: Dialect, text: TextMatching, params: SqlParams): string {
  if (clause.kind === 'number') {
    const column = NUMBER_COLUMNS[clause.field];
    if (!column) throw new Error(`unsupported number field ${clause.field}`);
    return `${column} ${NUMBER_OPS[clause.op]} ${params.bind(clause.value)}`;
  }
  const folded = clause.value === null ? null : clause.value.toLowerCase();
  if (clause.field === 'metadata') return text.metadata(clause.metadataKey ?? '', clause.op, folded, params);
  const column = FOLDED_COLUMNS[clause.field];
  if (!column && !OTHER_FIELDS.has(clause.field)) throw new Error(`unsupported string field ${clause.field}`);
  if (folded === null) return `${clause.field} IS NULL`;
  if (!column) return text.field(clause.field, clause.op, folded, params);
  // The folded column holds the same folding, and is indexed.
  if (clause.op === 'eq') return `${column} = ${params.bind(folded)}`;
  return text.foldedContains?.(column, folded, params) ?? dialect.contains(column, folded, params);
}
