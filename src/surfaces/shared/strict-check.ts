import type { TSchema } from 'typebox';
import { Settings } from 'typebox/system';

/**
 * Pieces of the strict (non-coercing) validation some surfaces use for JSON bodies, where the
 * app-wide validator's scalar coercion (right for forms and query strings) would accept `5`
 * for a string.
 */
export interface TypeBoxError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/** TypeBox stops at 8 errors (a process-wide setting); a body can hold more bad fields than that. */
const MAX_ERRORS = 200;

/**
 * Every error, up to MAX_ERRORS. The setting is raised only for this synchronous call and then
 * restored, so no other code can observe it.
 */
export function allErrors(check: { Errors(value: unknown): unknown[] }, data: unknown): TypeBoxError[] {
  const previous = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: Math.max(previous, MAX_ERRORS) });
  try {
    return check.Errors(data) as TypeBoxError[];
  } finally {
    Settings.Set({ maxErrors: previous });
  }
}

const INTEGER = /^[+-]?\d{1,15}$/;

/**
 * Query values are text: an empty one counts as not given (`?search=&limit=`), and a plain
 * integer is read as one where the schema wants one; nothing else is converted.
 */
export function convertQuery(schema: TSchema, query: unknown): unknown {
  if (query === null || typeof query !== 'object') return query;
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
  const out: Record<string, unknown> = { ...(query as Record<string, unknown>) };
  for (const [name, value] of Object.entries(out)) {
    if (value === '' && Object.hasOwn(properties, name)) delete out[name];
    else if (properties[name]?.type === 'integer' && typeof value === 'string' && INTEGER.test(value)) out[name] = Number(value);
  }
  return out;
}
