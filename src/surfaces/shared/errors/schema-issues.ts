/**
 * Schema complaints, whichever validator made them (ajv, Fastify's own, for the form-coercing
 * surfaces; TypeBox's compiler for the strict JSON ones), as one shape: each placed at the field
 * it concerns, so that every surface names fields the same way in its own notation.
 */

/** The part of the request a complaint is about, as Fastify names it. */
export type RequestPart = 'body' | 'querystring' | 'params' | 'headers';

export type FieldSegment = string | number;

export interface SchemaIssue {
  /** The field at fault: for a missing or unknown property, the property itself. */
  path: FieldSegment[];
  /** `required`, `additionalProperties`, `type`, `maxLength`, `const`, `anyOf`, … */
  keyword: string;
  params: Record<string, unknown>;
  /** The value found at `path` (undefined for a missing property). */
  value: unknown;
  /** The validator's own wording, for keywords no surface words itself. */
  message?: string;
}

/** What ajv and TypeBox report alike: a JSON pointer to the value, a keyword, its parameters. */
export interface RawSchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
  /** ajv's verbose mode: the value at instancePath. */
  data?: unknown;
}

/** A JSON pointer's segments (RFC 6901); array indexes as numbers. */
export function pointerSegments(pointer: string): FieldSegment[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^(0|[1-9][0-9]{0,8})$/.test(p) ? Number(p) : p));
}

/** The value at `path` in `data`, or undefined. */
export function valueAt(data: unknown, path: readonly FieldSegment[]): unknown {
  let node = data;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The names a `required` or `additionalProperties` complaint is about: ajv names one, TypeBox a list. */
function namesOf(error: RawSchemaError): string[] {
  const { params } = error;
  if (error.keyword === 'required') {
    return params.missingProperty !== undefined ? [String(params.missingProperty)] : ((params.requiredProperties as unknown[] | undefined) ?? []).map(String);
  }
  return params.additionalProperty !== undefined ? [String(params.additionalProperty)] : ((params.additionalProperties as unknown[] | undefined) ?? []).map(String);
}

/** Every complaint as issues, in the order reported; `data` is the value validated. */
export function schemaIssues(errors: readonly RawSchemaError[], data: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  for (const error of errors) {
    const path = pointerSegments(error.instancePath);
    const base = { params: error.params, ...(error.message !== undefined ? { message: error.message } : {}) };
    if (error.keyword === 'required' || error.keyword === 'additionalProperties') {
      for (const name of namesOf(error)) {
        const at = [...path, name];
        issues.push({ ...base, path: at, keyword: error.keyword, value: valueAt(data, at) });
      }
    } else if (error.keyword === 'boolean') {
      // TypeBox: a property matched `additionalProperties: false` (the only false schema in use).
      issues.push({ ...base, path, keyword: 'additionalProperties', value: valueAt(data, path) });
    } else {
      issues.push({ ...base, path, keyword: error.keyword, value: 'data' in error ? error.data : valueAt(data, path) });
    }
  }
  return issues;
}

/**
 * The issues grouped by field, one group per bad field in the order found, each with its most
 * telling complaint (`rank`: lowest first). Complaints about "anyOf" as such are dropped, and so
 * is a complaint above a deeper one: within a nullable object the branch meant is the one that
 * failed deeper.
 */
export function issuesByField(issues: readonly SchemaIssue[], rank: (issue: SchemaIssue) => number): { best: SchemaIssue; group: SchemaIssue[] }[] {
  const candidates = issues.filter((i) => i.keyword !== 'anyOf');
  const key = (p: readonly FieldSegment[]) => p.join('\u0000');
  const kept = candidates.filter((issue) => !candidates.some((deeper) => deeper.path.length > issue.path.length && key(deeper.path.slice(0, issue.path.length)) === key(issue.path)));
  const groups = new Map<string, SchemaIssue[]>();
  for (const issue of kept) groups.set(key(issue.path), [...(groups.get(key(issue.path)) ?? []), issue]);
  return [...groups.values()].map((group) => ({ best: [...group].sort((a, b) => rank(a) - rank(b))[0]!, group }));
}
