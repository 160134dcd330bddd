import countries from 'i18n-iso-countries';

const ALPHA2 = new Set(Object.keys(countries.getAlpha2Codes()));

/** The ISO 3166-1 alpha-2 code for `text` (any case), or null when it names no country. */
export function normalizeCountry(text: string): string | null {
  const code = text.trim().toUpperCase();
  return ALPHA2.has(code) ? code : null;
}

// Practical address syntax: one @, no spaces, a dotted domain with a 2+ letter top level.
const EMAIL = /^[^\s@"(),:;<>[\\\]]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

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
