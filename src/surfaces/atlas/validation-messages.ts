import type { FieldSegment, RequestPart, SchemaIssue } from '../shared/errors/schema-issues.ts';
import { typesInWords } from '../shared/errors/type-names.ts';

/**
 * One message for a request that fails its schema, naming the field in Atlas's dotted notation:
 * the deepest unknown field first, then the first missing one, then the most specific complaint
 * about a value.
 */
export interface AtlasValidationMessage {
  message: string;
  /** A required field is absent (Atlas's `missing_required_param`). */
  missing?: true;
  /** The field at fault; absent when the body as a whole is (not an object). */
  param?: string;
}

/** Fields other APIs name that Atlas names differently, or does not let a client write. */
const HINTS: Readonly<Record<string, string>> = {
  shipping: 'Atlas takes shipping_address.',
  invoice_settings: 'Atlas takes default_payment_method at the top level.',
  tax_id_data: 'Atlas takes tax_ids: [{type, value}].',
  id: 'The id is in the path.',
};

/** Friendlier wording for the query parameters' bounds. */
const QUERY_RULES: Readonly<Record<string, string>> = {
  limit: 'limit must be an integer from 1 to 100.',
  offset: 'offset must be an integer of at least 0.',
};

const deepestFirst = (a: SchemaIssue, b: SchemaIssue) => b.path.length - a.path.length;

const samePath = (a: readonly FieldSegment[], b: readonly FieldSegment[]) => a.length === b.length && a.every((segment, i) => segment === b[i]);

/** Whether `path` is `prefix` or lies under it. */
const within = (path: readonly FieldSegment[], prefix: readonly FieldSegment[]) => path.length >= prefix.length && samePath(path.slice(0, prefix.length), prefix);

/** "Must be a string or null": every type the schema allows where `issue` failed. */
function expectedTypes(issues: readonly SchemaIssue[], issue: SchemaIssue): string {
  const types = new Set<string>();
  for (const other of issues) {
    if (other.keyword === 'type' && samePath(other.path, issue.path)) for (const type of [other.params.type].flat()) types.add(String(type));
  }
  return typesInWords([...types]);
}

function valueMessage(issue: SchemaIssue, issues: readonly SchemaIssue[], param: string, inQuery: boolean): string {
  const rule = inQuery ? QUERY_RULES[param] : undefined;
  const limit = issue.params.limit;
  switch (issue.keyword) {
    case 'type':
      if (rule) return rule;
      return `${param} must be ${expectedTypes(issues, issue)}.${param === 'email' && !inQuery ? ' It is required, so it cannot be cleared.' : ''}`;
    case 'maxLength':
      return `${param} must be at most ${limit} characters.`;
    case 'minLength':
      return `${param} must not be empty.`;
    case 'pattern':
      return `${param} must not be blank.`;
    case 'minimum':
    case 'maximum':
      return rule ?? `${param} must be ${issue.keyword === 'minimum' ? 'at least' : 'at most'} ${limit}.`;
    case 'maxProperties':
      return `${param} can have at most ${limit} keys.`;
    default:
      return `Invalid value for ${param}: ${issue.message ?? 'invalid'}.`;
  }
}

export function schemaIssueMessage(issues: readonly SchemaIssue[], part: RequestPart): AtlasValidationMessage {
  const inQuery = part === 'querystring';
  const unknown = issues.filter((issue) => issue.keyword === 'additionalProperties').sort(deepestFirst)[0];
  if (unknown) {
    const param = unknown.path.join('.');
    const hint = unknown.path.length === 1 ? HINTS[param] : undefined;
    return { message: `Unknown ${inQuery ? 'query parameter' : 'field'}: ${param}.${hint ? ' ' + hint : ''}`, param };
  }
  const missing = issues.find((issue) => issue.keyword === 'required');
  if (missing) {
    const param = missing.path.join('.');
    return { message: `Missing required field: ${param}.`, missing: true, param };
  }
  // Inside a union every branch reports. The most specific complaint is the deepest one that
  // is not merely "must be null" for the nullable branch the value was never meant for.
  const candidates = issues.filter((issue) => issue.keyword !== 'anyOf');
  const meant = candidates.filter(
    (issue) => !(issue.keyword === 'type' && issue.params.type === 'null' && candidates.some((other) => other !== issue && within(other.path, issue.path))),
  );
  const issue = meant.sort((a, b) => deepestFirst(a, b) || Number(a.keyword === 'type') - Number(b.keyword === 'type'))[0];
  if (!issue) return { message: 'Invalid request.' };
  if (issue.path.length === 0) return { message: 'The request body must be a JSON object.' };
  const param = issue.path.join('.');
  return { message: valueMessage(issue, issues, param, inQuery), param };
}
