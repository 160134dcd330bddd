import { ValidationError } from '../../domain/errors.ts';
import type { CustomerExpansions } from '../../formats/stripe-customer.ts';

/**
 * Customer properties Stripe lets you expand. Clientele holds no related objects (sources,
 * payment methods, test clocks live elsewhere), so an expanded property prints as its id or null.
 */
const EXPANDABLE = new Set(['default_source', 'invoice_settings.default_payment_method', 'test_clock', 'discount']);

/** Refuses expansions Clientele cannot honour, naming them, as Stripe does for unknown ones. */
export function checkExpand(expand: string[] | undefined, listPrefix: '' | 'data.', extra: readonly string[] = []): void {
  for (const path of expand ?? []) {
    if (extra.includes(path)) continue;
    const inner = listPrefix && path.startsWith(listPrefix) ? path.slice(listPrefix.length) : listPrefix ? null : path;
    if (inner === null || !EXPANDABLE.has(inner)) {
      throw new ValidationError(['expand'], `This property cannot be expanded (${path}).`);
    }
  }
}

/** Checks a customer route's `expand[]` (which may also name `tax_ids`) and says what to expand. */
export function customerExpansions(expand: string[] | undefined, listPrefix: '' | 'data.', extra: readonly string[] = []): CustomerExpansions {
  const taxIds = `${listPrefix}tax_ids`;
  checkExpand(expand, listPrefix, [...extra, taxIds]);
  return { taxIds: expand?.includes(taxIds) ?? false };
}

/** Routes whose objects have nothing Clientele can expand (a tax id's customer stays an id). */
export function refuseExpand(expand: string[] | undefined): void {
  const [first] = expand ?? [];
  if (first !== undefined) throw new ValidationError(['expand'], `This property cannot be expanded (${first}).`);
}
