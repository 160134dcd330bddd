import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Settings } from 'typebox/system';
import { SchemaValidationError } from './errors/problem.ts';
import { schemaIssues, type RawSchemaError, type RequestPart, type SchemaIssue } from './errors/schema-issues.ts';

/**
 * Validation the way a JSON API validates: the app-wide validator coerces scalars (right for
 * Stripe's form bodies and query strings) and stops at the first error; a JSON surface checks
 * with TypeBox instead, so that `5` is not a string and `null` is not `""`, and reports every bad
 * field (SchemaValidationError, with one SchemaIssue per complaint). Query strings carry text: a
 * plain integer is read as one where the schema wants one, and nothing else is converted
 * (`limit=1.5`, `limit=0x10` are refused).
 */
export interface StrictValidationOptions {
  /** A query value that is empty (`?search=&limit=`) counts as not given. Default true. */
  emptyQueryValueIsAbsent?: boolean;
  /** Which query texts are integers. Default: an optional sign and 1 to 15 digits. */
  queryInteger?: RegExp;
  /** A body that is absent (or JSON null) is validated as `{}`. Default false. */
  absentBodyIsEmptyObject?: boolean;
}

/** TypeBox stops at 8 errors (a process-wide setting); a body can hold more bad fields than that. */
const MAX_ERRORS = 200;

/** Every error, up to MAX_ERRORS; the setting is raised only for this synchronous call. */
function allErrors(check: { Errors(value: unknown): unknown[] }, data: unknown): RawSchemaError[] {
  const previous = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: Math.max(previous, MAX_ERRORS) });
  try {
    return check.Errors(data) as RawSchemaError[];
  } finally {
    Settings.Set({ maxErrors: previous });
  }
}

function convertQuery(schema: TSchema, query: unknown, options: Required<Omit<StrictValidationOptions, 'absentBodyIsEmptyObject'>>): unknown {
  if (query === null || typeof query !== 'object' || Array.isArray(query)) return query;
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
  const out: Record<string, unknown> = { ...(query as Record<string, unknown>) };
  for (const [name, value] of Object.entries(out)) {
    if (value === '' && options.emptyQueryValueIsAbsent && Object.hasOwn(properties, name)) delete out[name];
    else if (properties[name]?.type === 'integer' && typeof value === 'string' && options.queryInteger.test(value)) out[name] = Number(value);
  }
  return out;
}

/** A checker for one value outside Fastify's validation step (a bulk request's rows): its issues, or null when valid. */
export function issuesChecker(schema: TSchema): (value: unknown) => SchemaIssue[] | null {
  const check = Compile(schema);
  return (value) => (check.Check(value) ? null : schemaIssues(allErrors(check, value), value));
}

/** Fastify's validator compiler for a strict JSON surface. */
export function strictValidatorCompiler(options: StrictValidationOptions = {}): FastifySchemaCompiler<TSchema> {
  const query = { emptyQueryValueIsAbsent: options.emptyQueryValueIsAbsent ?? true, queryInteger: options.queryInteger ?? /^[+-]?\d{1,15}$/ };
  return ({ schema, httpPart }) => {
    const part = (httpPart ?? 'body') as RequestPart;
    const check = Compile(schema);
    return (data: unknown) => {
      let input = data;
      if (part === 'querystring') input = convertQuery(schema, data ?? {}, query);
      else if (part === 'body' && options.absentBodyIsEmptyObject && (data === null || data === undefined)) input = {};
      if (check.Check(input)) return { value: input };
      // Values are quoted back as sent: a query's text, not what it was converted to.
      return { error: new SchemaValidationError(part, schemaIssues(allErrors(check, input), part === 'querystring' ? data : input)) };
    };
  };
}
