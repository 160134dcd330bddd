import type { FieldPath } from '../domain/errors.ts';

/** A domain field path in Stripe's bracket notation, as the native API and the CLI name fields: `address[country]`. */
export function pathToParam(path: FieldPath): string {
  const [head, ...rest] = path;
  return String(head ?? '') + rest.map((p) => `[${p}]`).join('');
}
