import type { FieldPath } from '../../domain/errors.ts';

/**
 * Count's notation for a field: `billingAddress.zipCode`, `contacts[0].email`,
 * `customers[3].email` (a bulk row's). Errors name fields this way, whether a schema or the
 * domain found them.
 */

const FIELD_NAMES: Readonly<Record<string, string>> = {
  name: 'customer',
  phone: 'mainPhone',
  address: 'billingAddress',
  id: 'uuid',
};
const ADDRESS_NAMES: Readonly<Record<string, string>> = { line1: 'street', line2: 'street', postal_code: 'zipCode' };
const CONTACT_NAMES: Readonly<Record<string, string>> = { first_name: 'firstName', last_name: 'lastName', is_primary: 'isPrimary' };

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** `['contacts', 0, 'email']` → `contacts[0].email`: numbers are indexes, the rest names. */
export function joinField(parts: readonly (string | number)[]): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

/**
 * A domain field path in Count's notation: `['address', 'postal_code']` → `billingAddress.zipCode`,
 * `['contacts', 0, 'email']` → `contacts[0].email`, `['shipping', 'address', 'city']` → `shippingAddress.city`.
 */
export function countField(path: FieldPath): string {
  const [head, ...rest] = path;
  if (head === undefined) return '';
  const parts: (string | number)[] = [];
  if (head === 'address') {
    parts.push('billingAddress', ...rest.map((part) => ADDRESS_NAMES[String(part)] ?? part));
  } else if (head === 'shipping') {
    // Count only has the shipping address; a shipping name or phone problem is the address's.
    parts.push('shippingAddress', ...(rest[0] === 'address' ? rest.slice(1).map((part) => ADDRESS_NAMES[String(part)] ?? part) : []));
  } else if (head === 'contacts') {
    parts.push('contacts', ...rest.map((part) => (typeof part === 'number' ? part : (CONTACT_NAMES[part] ?? camel(part)))));
  } else {
    parts.push(FIELD_NAMES[String(head)] ?? camel(String(head)), ...rest.map((part) => (typeof part === 'number' ? part : camel(part))));
  }
  return joinField(parts);
}
