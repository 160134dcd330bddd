import type { ListQuery, ListTextField } from '../../domain/store-port.ts';
import type { Dialect, SqlParams } from './dialect.ts';

const RANGE_OPS = [['gt', '>'], ['gte', '>='], ['lt', '<'], ['lte', '<=']] as const;

/** The column holding a field case-folded (JavaScript's toLowerCase, computed by the application). */
const folded = (field: ListTextField) => `${field}_lower`;

/** The filter conditions of a list query, beyond tenant, mode and not-deleted. */
export function listFilters(query: ListQuery, dialect: Dialect, params: SqlParams): string[] {
  const where: string[] = [];
  if (query.email !== undefined) {
    // Exact (case-sensitive, as Stripe's list filter), found through the folded e-mail's index:
    // the e-mail equals X only where its folding equals X's, so no index of its own is needed.
    where.push(`email_lower = ${params.bind(query.email.toLowerCase())}`, `email = ${params.bind(query.email)}`);
  }
  if (query.emailFolded !== undefined) where.push(`email_lower = ${params.bind(query.emailFolded.toLowerCase())}`);
  if (query.contains !== undefined && query.contains.fields.length > 0) {
    const text = query.contains.text.toLowerCase();
    where.push('(' + query.contains.fields.map((field) => dialect.contains(folded(field), text, params)).join(' OR ') + ')');
  }
  const range = query.created ?? {};
  for (const [op, sql] of RANGE_OPS) {
    if (range[op] !== undefined) where.push(`created ${sql} ${params.bind(range[op])}`);
  }
  return where;
}

/** ORDER BY for a list query; `reversed` flips it (a page before a cursor is read backwards). */
export function listOrder(query: ListQuery, reversed = false): string {
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
      return `${folded(by)} ${dir} NULLS LAST, id ${dir}`;
  }
}
