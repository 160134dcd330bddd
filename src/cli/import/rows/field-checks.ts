/**
 * Type checks of one field of an import row: text, whole numbers, booleans, one of a set, objects
 * with known keys, lists. Each throws ValidationError naming the field's path; the domain's rules
 * (e-mail syntax, lengths…) come later, when the customer is built.
 */
import { ValidationError, type FieldPath } from '../../../domain/errors.ts';

export type JsonObject = Record<string, unknown>;

export const fail = (path: FieldPath, message: string): never => {
  throw new ValidationError(path, message);
};

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as an error message shows it: `a list`, `an object`, or its JSON (shortened). */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'an object';
  const shown = JSON.stringify(value);
  return shown.length > 60 ? shown.slice(0, 57) + '…' : shown;
}

/** Text, or null for null and "" (which clear a field, as on the API); undefined when absent. */
export function text(path: FieldPath, value: unknown): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value !== 'string') fail(path, `Invalid string: expected text, got ${describe(value)}.`);
  return value as string;
}

/** A whole number, given as one or as its digits (CSV); undefined when absent, null or "". */
export function integer(path: FieldPath, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim())) return Number(value.trim());
  return fail(path, `Invalid integer: ${describe(value)}.`);
}

export function boolean(path: FieldPath, value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return fail(path, `Invalid boolean: ${describe(value)} (true or false).`);
}

export function oneOf<T extends string>(path: FieldPath, value: unknown, allowed: readonly T[]): T | null | undefined {
  const given = text(path, value);
  if (given === undefined || given === null) return given;
  if (!(allowed as readonly string[]).includes(given)) fail(path, `Invalid value: '${given}' (one of ${allowed.join(', ')}).`);
  return given as T;
}

/** An object whose keys are all among `keys`. */
export function object(path: FieldPath, value: unknown, keys: readonly string[]): JsonObject {
  if (!isObject(value)) return fail(path, `Invalid object: got ${describe(value)}.`);
  for (const key of Object.keys(value)) if (!keys.includes(key)) fail([...path, key], `Unknown field '${key}'.`);
  return value;
}

export function list(path: FieldPath, value: unknown): unknown[] {
  // Stripe prints some lists as list objects: {"object":"list","data":[…]}.
  if (isObject(value) && value.object === 'list' && Array.isArray(value.data)) return value.data;
  if (!Array.isArray(value)) return fail(path, `Invalid list: got ${describe(value)}.`);
  return value;
}

/** Two fields that name one (`business_name` and `company_name`): either, or both alike. */
export function either<T>(path: FieldPath, other: string, first: T | undefined, second: T | undefined): T | undefined {
  if (first !== undefined && second !== undefined && JSON.stringify(first) !== JSON.stringify(second)) {
    fail(path, `${String(path[0])} and ${other} name the same field and differ.`);
  }
  return first !== undefined ? first : second;
}

/** Unix seconds: a whole number, or a date and time in UTC (`2024-05-01 13:45`, ISO 8601). */
export function unixSeconds(path: FieldPath, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' || /^\d+$/.test(String(value).trim())) return integer(path, value);
  const parts = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i.exec(String(value).trim());
  if (!parts) return fail(path, `Invalid time: ${describe(value)} (unix seconds, or a UTC date and time such as 2024-05-01 13:45).`);
  const [, year, month, day, hour = '0', minute = '0', second = '0', zone] = parts;
  let ms = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  if (zone && !/^(Z|UTC)$/i.test(zone)) {
    const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    ms -= (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000;
  }
  if (!Number.isFinite(ms)) return fail(path, `Invalid time: ${describe(value)}.`);
  return Math.floor(ms / 1000);
}
