import type { ListQuery, ListTextField } from '../domain/store-port.ts';

/** What differs between the SQL backends when building a list query. */
export interface ListDialect {
  /** Binds a value and returns its placeholder; placeholders are used in the order they are bound. */
  bind(value: unknown): string;
  /** The case-folded expression for a field (the same folding as JavaScript's toLowerCase). */
  folded(field: ListTextField): string;
  /** True where `field` contains `foldedText` (already lower-cased). */
  contains(field: ListTextField, foldedText: string): string;
}

const RANGE_OPS = [['gt', '>'], ['gte', '>='], ['lt', '<'], ['lte', '<=']] as const;

/** The filter conditions of a list query, beyond tenant, mode and not-deleted. */
export function listFilters(query: ListQuery, d: ListDialect): string[] {
  const where: string[] = [];
  if (query.email !== undefined) {
    // Exact (case-sensitive, as Stripe's list filter), found through the folded e-mail's index:
    // the e-mail equals X only where its folding equals X's, so no index of its own is needed.
    where.push(`email_lower = ${d.bind(query.email.toLowerCase())}`, `email = ${d.bind(query.email)}`);
  }
  if (query.emailFolded !== undefined) where.push(`email_lower = ${d.bind(query.emailFolded.toLowerCase())}`);
  if (query.contains !== undefined && query.contains.fields.length > 0) {
    const text = query.contains.text.toLowerCase();
    where.push('(' + query.contains.fields.map((f) => d.contains(f, text)).join(' OR ') + ')');
  }
  const range = query.created ?? {};
  for (const [op, sql] of RANGE_OPS) {
    if (range[op] !== undefined) where.push(`created ${sql} ${d.bind(range[op])}`);
  }
  return where;
}

/** ORDER BY for a list query; `reversed` flips it (a page before a cursor is read backwards). */
export function listOrder(query: ListQuery, d: ListDialect, reversed = false): string {
  const by = query.order?.by ?? 'created';
  let direction = query.order?.direction ?? 'desc';
  if (reversed) direction = direction === 'asc' ? 'desc' : 'asc';
  const dir = direction.toUpperCase();
  switch (by) {
    case 'created':
    case 'updated':
      return `${by} ${dir}, id ${dir}`;
    case 'name':
    case 'email':
      return `${d.folded(by)} ${dir} NULLS LAST, id ${dir}`;
  }
}
