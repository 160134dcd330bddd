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

/** One schema complaint, placed at the field it concerns. */
export interface Candidate<P extends string | number = string | number> {
  path: P[];
  error: TypeBoxError;
}

/**
 * Groups TypeBox errors by the field they concern, one group per bad field in the order found,
 * each with its most telling complaint (`rank`: lowest first). Unknown and missing properties are
 * placed at the property itself; within a nullable object, the branch meant is the one that
 * failed deeper, so a "must be null" above a deeper complaint is dropped.
 */
export function errorsByField<P extends string | number>(
  errors: readonly TypeBoxError[],
  segments: (instancePath: string) => P[],
  rank: (c: Candidate<P>) => number,
): { best: Candidate<P>; group: Candidate<P>[] }[] {
  const candidates: Candidate<P>[] = [];
  for (const error of errors) {
    if (error.keyword === 'anyOf') continue;
    const path = segments(error.instancePath);
    if (error.keyword === 'boolean') {
      // `additionalProperties: false` matched this property (the only false schema in use).
      candidates.push({ path, error: { ...error, keyword: 'additionalProperties' } });
    } else if (error.keyword === 'additionalProperties' || error.keyword === 'required') {
      const names = error.params[error.keyword === 'required' ? 'requiredProperties' : 'additionalProperties'];
      for (const name of Array.isArray(names) ? names : []) candidates.push({ path: [...path, String(name) as P], error });
    } else {
      candidates.push({ path, error });
    }
  }
  const key = (p: readonly P[]) => p.join('\u0000');
  const kept = candidates.filter((c) => !candidates.some((d) => d.path.length > c.path.length && key(d.path.slice(0, c.path.length)) === key(c.path)));
  const groups = new Map<string, Candidate<P>[]>();
  for (const c of kept) groups.set(key(c.path), [...(groups.get(key(c.path)) ?? []), c]);
  return [...groups.values()].map((group) => ({ best: [...group].sort((a, b) => rank(a) - rank(b))[0]!, group }));
}
