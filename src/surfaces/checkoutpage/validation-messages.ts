import { issuesByField, type FieldSegment, type RequestPart, type SchemaIssue } from '../shared/errors/schema-issues.ts';
import { EDITABLE_FIELDS, READ_ONLY_FIELDS, type ErrorItem } from './schemas.ts';
import { typesInWords } from '../shared/errors/type-names.ts';

/**
 * A request that fails its schema, in CheckoutPage's terms: one entry per bad field, in the order
 * found, named in dot notation (`address.postalCode`) with the value as sent; an unknown field is
 * refused by name, a read-only one as read-only.
 */

export const EMPTY_BODY_MESSAGE = 'The request body is empty: send at least one field to update.';

/** An entry with `value` defaulting to null: JSON has no undefined. */
export function item(param: string, message: string, value?: unknown): ErrorItem {
  return { param, message, value: value === undefined ? null : value };
}

const READ_ONLY = new Set<string>(READ_ONLY_FIELDS);

function unknownMessage(part: RequestPart, path: readonly FieldSegment[]): string {
  const name = String(path[path.length - 1] ?? '');
  if (part === 'querystring') return `Unknown query parameter: ${name}.`;
  if (path.length === 1 && READ_ONLY.has(name)) return `${name} is read-only and cannot be changed.`;
  if (path.length === 1) return `Unknown field: ${name}. The editable fields are ${EDITABLE_FIELDS.join(', ')}.`;
  return `Unknown field: ${path.join('.')}.`;
}

/** `group` holds every complaint about the same field: a union's branches each name their type. */
function issueMessage(part: RequestPart, issue: SchemaIssue, group: readonly SchemaIssue[]): string {
  const { params } = issue;
  switch (issue.keyword) {
    case 'additionalProperties':
      return unknownMessage(part, issue.path);
    case 'maxLength':
      return `Must be at most ${String(params.limit)} characters.`;
    case 'minLength':
      return `Must be at least ${String(params.limit)} characters.`;
    case 'pattern':
      return 'Must not contain the NUL character (U+0000).';
    case 'minimum':
      return `Must be at least ${String(params.limit)}.`;
    case 'maximum':
      return `Must be at most ${String(params.limit)}.`;
    case 'type': {
      const types = [...new Set(group.filter((other) => other.keyword === 'type').map((other) => String(other.params.type)))];
      return `Must be ${typesInWords(types)}.`;
    }
    default:
      return `Invalid value (${issue.keyword}).`;
  }
}

/** The most telling complaint about one field: an unknown name, then a bound, then "wrong type". */
function rank(issue: SchemaIssue): number {
  if (issue.keyword === 'additionalProperties') return 0;
  return issue.keyword === 'type' ? 2 : 1;
}

/** The complaint about a request part as a whole (the body is not an object, or is empty). */
function wholePartItem(part: RequestPart, value: unknown): ErrorItem {
  if (part !== 'body') return item(part === 'querystring' ? 'query' : part, 'Invalid parameters.', value);
  const empty = value === null || value === undefined || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);
  return item('body', empty ? EMPTY_BODY_MESSAGE : 'The request body must be a JSON object of the fields to update.', value);
}

/** One entry per bad field, in the order found. */
export function schemaIssueItems(part: RequestPart, issues: readonly SchemaIssue[]): ErrorItem[] {
  return issuesByField(issues, rank).map(({ best, group }) =>
    best.path.length === 0 ? wholePartItem(part, best.value) : item(best.path.join('.'), issueMessage(part, best, group), best.value),
  );
}
