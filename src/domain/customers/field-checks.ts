import { newId } from '../ids.ts';
import { ValidationError, type FieldPath } from '../errors.ts';
import { LIMITS } from './limits.ts';
import type { Address, Contact, ContactInput, Shipping } from './model.ts';
import { emailLookalikeProblem, isValidEmail, isValidLocale, normalizeCountry } from './field-formats.ts';

/** Each field's rules: every check names the field by its canonical path and returns the value to store. */

/**
 * No text anywhere in a customer may hold U+0000 or a lone UTF-16 surrogate (`"\ud800"` is valid
 * JSON but not text): PostgreSQL refuses both, SQLite would keep a surrogate in one column and
 * replace it in another, and both stores must accept exactly the same customers, unchanged.
 */
export function refuseNul(value: unknown, path: (string | number)[]): void {
  if (typeof value === 'string') {
    refuseBadText(value, path, 'Text');
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => refuseNul(item, [...path, i]));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      refuseBadText(key, path, 'Keys');
      refuseNul(item, [...path, key]);
    }
  }
}

/** With the `u` flag paired surrogates are one code point: only a lone one is in category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

export function refuseBadText(text: string, path: (string | number)[], what: 'Text' | 'Keys'): void {
  if (text.includes('\u0000')) throw new ValidationError(path, `${what} cannot contain the NUL character (U+0000).`);
  if (LONE_SURROGATE.test(text)) throw new ValidationError(path, `${what} cannot contain a lone UTF-16 surrogate (U+D800 to U+DFFF): send well-formed Unicode.`);
}

/** Length in characters (code points), as JSON Schema's maxLength counts: an emoji is one. */
export function charLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

export function tooLong(value: string, max: number): boolean {
  return value.length > max && charLength(value) > max;
}

export function checkText(path: FieldPath, value: string | null, max: number): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string') throw new ValidationError(path, `Invalid string: ${String(value)}`);
  if (tooLong(value, max)) {
    throw new ValidationError(path, `Invalid string: must be at most ${max} characters (got ${charLength(value)}).`);
  }
  return value;
}

export function checkEmail(path: FieldPath, value: string | null): string | null {
  const email = checkText(path, value === null ? null : value.trim(), LIMITS.email);
  if (email === null) return null;
  const lookalike = emailLookalikeProblem(email);
  if (lookalike !== null) throw new ValidationError(path, `Invalid email address: ${lookalike}.`, 'email_invalid');
  if (!isValidEmail(email)) throw new ValidationError(path, `Invalid email address: ${email}`, 'email_invalid');
  return email;
}

export function checkInteger(path: FieldPath, value: number, min = Number.MIN_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value)) throw new ValidationError(path, `Invalid integer: ${value}`);
  if (value < min) throw new ValidationError(path, `Must be at least ${min}.`);
  return value;
}

export function checkAddress(path: FieldPath, address: Address | null): Address | null {
  if (address === null) return null;
  const out: Address = {
    line1: checkText([...path, 'line1'], address.line1 ?? null, LIMITS.text),
    line2: checkText([...path, 'line2'], address.line2 ?? null, LIMITS.text),
    city: checkText([...path, 'city'], address.city ?? null, LIMITS.text),
    state: checkText([...path, 'state'], address.state ?? null, LIMITS.text),
    postal_code: checkText([...path, 'postal_code'], address.postal_code ?? null, LIMITS.text),
    country: null,
  };
  const country = checkText([...path, 'country'], address.country ?? null, LIMITS.text);
  if (country !== null) {
    const code = normalizeCountry(country);
    if (code === null) {
      throw new ValidationError(
        [...path, 'country'],
        `Country '${country}' is unknown. Use a two-letter ISO 3166-1 alpha-2 country code, such as 'US', 'EG', or 'GB'.`,
        'country_invalid',
      );
    }
    out.country = code;
  }
  return out;
}

export function checkShipping(shipping: Shipping | null): Shipping | null {
  if (shipping === null) return null;
  return {
    name: checkText(['shipping', 'name'], shipping.name ?? null, LIMITS.text),
    phone: checkText(['shipping', 'phone'], shipping.phone ?? null, LIMITS.text),
    address: checkAddress(['shipping', 'address'], shipping.address ?? null),
  };
}

export function requireText(path: FieldPath, value: string | null | undefined, max: number): string {
  const text = checkText(path, value ?? null, max);
  if (text === null) throw new ValidationError(path, 'This value is required and cannot be empty.', 'parameter_missing');
  return text;
}

export function checkLocales(locales: string[]): string[] {
  if (locales.length > LIMITS.preferredLocales) {
    throw new ValidationError(['preferred_locales'], `At most ${LIMITS.preferredLocales} preferred locales are allowed.`);
  }
  return locales.map((locale, i) => {
    if (!isValidLocale(locale)) throw new ValidationError(['preferred_locales', i], `Invalid locale: ${locale}`);
    return locale;
  });
}

/** Contacts are replaced as a list; a contact that keeps its `id` must be one the customer has. */
export function checkContacts(contacts: ContactInput[], current: Contact[]): Contact[] {
  if (contacts.length > LIMITS.contacts) throw new ValidationError(['contacts'], `At most ${LIMITS.contacts} contacts are allowed.`);
  if (contacts.filter((contact) => contact.is_primary).length > 1) {
    throw new ValidationError(['contacts'], 'At most one contact can be primary.');
  }
  const known = new Set(current.map((contact) => contact.id));
  return contacts.map((input, i) => {
    if (input.id !== undefined && !known.has(input.id)) {
      throw new ValidationError(['contacts', i, 'id'], `No such contact on this customer: '${input.id}'`, 'resource_missing');
    }
    const contact: Contact = {
      id: input.id ?? newId(),
      name: checkText(['contacts', i, 'name'], input.name ?? null, LIMITS.name),
      first_name: checkText(['contacts', i, 'first_name'], input.first_name ?? null, LIMITS.name),
      last_name: checkText(['contacts', i, 'last_name'], input.last_name ?? null, LIMITS.name),
      email: checkEmail(['contacts', i, 'email'], input.email ?? null),
      phone: checkText(['contacts', i, 'phone'], input.phone ?? null, LIMITS.phone),
      is_primary: input.is_primary === true,
    };
    if (contact.name === null && contact.first_name === null && contact.last_name === null && contact.email === null) {
      throw new ValidationError(['contacts', i], 'A contact needs a name or an email.', 'parameter_missing');
    }
    return contact;
  });
}
