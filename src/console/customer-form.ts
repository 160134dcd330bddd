import { ValidationError } from '../domain/errors.ts';
import type { Customer, CustomerPatch } from '../domain/customers/model.ts';

/** The edit form's fields, by the name each input has (addresses as `address.city`). */
export const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'state', 'postal_code', 'country'] as const;
const TEXT_FIELDS = ['name', 'email', 'phone', 'description', 'company_name', 'website'] as const;

export type CustomerForm = Record<string, string>;

/** A customer as the form shows it. */
export function formOf(customer: Customer | null): CustomerForm {
  const form: CustomerForm = {};
  for (const field of TEXT_FIELDS) form[field] = customer?.[field] ?? '';
  for (const field of ADDRESS_FIELDS) form[`address.${field}`] = customer?.address?.[field] ?? '';
  form.metadata = customer ? Object.entries(customer.metadata).map(([k, v]) => `${k}=${v}`).join('\n') : '';
  form.version = customer ? String(customer.version) : '';
  return form;
}

/** What was posted, as text fields (anything else is dropped). */
export function postedForm(body: unknown): CustomerForm {
  const posted = (body ?? {}) as Record<string, unknown>;
  const form: CustomerForm = {};
  for (const name of [...TEXT_FIELDS, ...ADDRESS_FIELDS.map((f) => `address.${f}`), 'metadata', 'version']) {
    const value = posted[name];
    form[name] = typeof value === 'string' ? value : '';
  }
  return form;
}

const orNull = (text: string | undefined) => (text === undefined || text.trim() === '' ? null : text.trim());

/**
 * The patch the form asks for: every field it shows, blank ones removed. Metadata is one
 * `key=value` per line and replaces the customer's. Syntax the domain cannot see (a metadata line
 * without `=`) is refused here, as a ValidationError naming the field, like the domain's own.
 */
export function patchOf(form: CustomerForm): CustomerPatch {
  const patch: CustomerPatch = {};
  for (const field of TEXT_FIELDS) patch[field] = orNull(form[field]);
  const address = Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, orNull(form[`address.${f}`])])) as Record<(typeof ADDRESS_FIELDS)[number], string | null>;
  patch.address = Object.values(address).every((v) => v === null) ? null : address;
  const set: Record<string, string> = {};
  for (const [i, line] of (form.metadata ?? '').split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new ValidationError(['metadata'], `Line ${i + 1}: write each entry as key=value.`);
    set[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  patch.metadata = { clear: true, set };
  return patch;
}

/** The form field a domain error names: `['address', 'country']` → `address.country`. */
export function fieldOf(error: ValidationError): string {
  const [first, second] = error.path;
  if (first === 'address' && typeof second === 'string') return `address.${second}`;
  return typeof first === 'string' ? first : 'form';
}
