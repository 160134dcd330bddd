import countries from 'i18n-iso-countries';

const ALPHA2 = new Set(Object.keys(countries.getAlpha2Codes()));

/** The ISO 3166-1 alpha-2 code for `text` (any case), or null when it names no country. */
export function normalizeCountry(text: string): string | null {
  const code = text.trim().toUpperCase();
  return ALPHA2.has(code) ? code : null;
}

// Practical address syntax: one @, no spaces, a dotted domain with a 2+ letter top level.
const EMAIL = /^[^\s@"(),:;<>[\\\]]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

// Characters that look like nothing or like another: invisible (zero-width space, soft hyphen,
// bidi marks, …) and controls. With compatibility forms (fullwidth letters, ligatures) and
// decomposed accents, they would let `kel\u200Bly@x.example` sit beside `kelly@x.example`.
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}]/u;

/**
 * Why an e-mail cannot be used as a unique key, or null when it can: every character is visible
 * and the address is in its NFKC form (precomposed, no compatibility characters).
 */
export function emailLookalikeProblem(email: string): string | null {
  const invisible = INVISIBLE.exec(email)?.[0];
  if (invisible !== undefined) return `it contains the invisible character ${codePoint(invisible)}`;
  if (email.normalize('NFKC') !== email) {
    const odd = [...email].find((ch) => ch.normalize('NFKC') !== ch) ?? /\p{M}/u.exec(email)?.[0] ?? email;
    return `it contains ${codePoint(odd)}, a compatibility or decomposed form; write it as ${JSON.stringify(email.normalize('NFKC'))}`;
  }
  return null;
}

const codePoint = (ch: string) => 'U+' + (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');

export function isValidEmail(email: string): boolean {
  if (!EMAIL.test(email)) return false;
  const local = email.slice(0, email.lastIndexOf('@'));
  return local.length <= 64 && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..');
}

/** A BCP 47 language tag, as `Intl` understands it. */
export function isValidLocale(locale: string): boolean {
  if (typeof locale !== 'string' || locale.length === 0 || locale.length > 35) return false;
  try {
    return Intl.getCanonicalLocales(locale).length === 1;
  } catch {
    return false;
  }
}
