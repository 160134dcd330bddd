import type { Page } from '../../domain/store-port.ts';

/**
 * The page out of the `limit + 1` rows a page query reads: the extra row only says that more
 * follow. `backwards`: the rows were read in reverse (the page before a cursor), and are turned
 * back into the list's order.
 */
export function pageOf<Row, Item>(
  rows: readonly Row[],
  limit: number,
  toItem: (row: Row) => Item,
  options: { backwards?: boolean; total?: number | undefined } = {},
): Page<Item> {
  const data = rows.slice(0, limit).map((row) => toItem(row));
  if (options.backwards) data.reverse();
  const page: Page<Item> = { data, hasMore: rows.length > limit };
  if (options.total !== undefined) page.total = options.total;
  return page;
}

/** The total a `SELECT count(*) AS n` answers (a bigint, as text, from PostgreSQL). */
export function countOf(row: Record<string, unknown> | undefined): number {
  return Number(row?.n);
}
