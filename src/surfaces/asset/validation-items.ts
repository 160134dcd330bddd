import { issuesByField, type RequestPart, type SchemaIssue } from '../shared/errors/schema-issues.ts';
import type { ValidationErrorItem } from './schemas.ts';

/**
 * Schema complaints as FastAPI's validation items: Pydantic v2's `type` and `msg`, `loc` from the
 * request part (`["body", "billing_address", "street_1"]`, `["query", "page_size"]`), and `ctx`
 * for a limit. One item per bad field, in the order found.
 */

/** FastAPI's name for each request part, the first element of `loc`. */
const PARTS: Readonly<Record<RequestPart, string>> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

export type Loc = ValidationErrorItem['loc'];

function plural(n: unknown, word: string): string {
  return `${String(n)} ${word}${n === 1 ? '' : 's'}`;
}

function typeItem(issue: SchemaIssue, loc: Loc): ValidationErrorItem {
  const expected = ([] as unknown[]).concat(issue.params.type).map(String);
  // The body itself missing (or JSON null) is FastAPI's "Field required" for the whole body.
  if (loc.length === 1 && loc[0] === 'body' && (issue.value === undefined || issue.value === null)) {
    return { type: 'missing', loc, msg: 'Field required' };
  }
  if (expected.includes('object')) {
    return { type: 'model_attributes_type', loc, msg: 'Input should be a valid dictionary or object to extract fields from' };
  }
  if (expected.includes('integer')) {
    return typeof issue.value === 'string'
      ? { type: 'int_parsing', loc, msg: 'Input should be a valid integer, unable to parse string as an integer' }
      : { type: 'int_type', loc, msg: 'Input should be a valid integer' };
  }
  if (expected.includes('string')) return { type: 'string_type', loc, msg: 'Input should be a valid string' };
  return { type: 'value_error', loc, msg: `Input should be of type ${expected.join(' or ')}` };
}

function item(issue: SchemaIssue, loc: Loc): ValidationErrorItem {
  const limit = issue.params.limit;
  switch (issue.keyword) {
    case 'required':
      return { type: 'missing', loc, msg: 'Field required' };
    case 'maxLength':
      return { type: 'string_too_long', loc, msg: `String should have at most ${plural(limit, 'character')}`, ctx: { max_length: limit } };
    case 'minLength':
      return { type: 'string_too_short', loc, msg: `String should have at least ${plural(limit, 'character')}`, ctx: { min_length: limit } };
    case 'minimum':
      return { type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${String(limit)}`, ctx: { ge: limit } };
    case 'maximum':
      return { type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${String(limit)}`, ctx: { le: limit } };
    case 'const':
    case 'enum':
      return { type: 'literal_error', loc, msg: 'Input should be one of the documented values' };
    case 'type':
      return typeItem(issue, loc);
    default:
      return { type: 'value_error', loc, msg: `Value error, ${issue.message ?? 'invalid value'}` };
  }
}

/** A value that is not a number at all says so before its range does (`page_size=150.5`: int_parsing). */
const rank = (issue: SchemaIssue) => (issue.keyword === 'type' ? 0 : 1);

/** FastAPI's items for the complaints about one part of a request. */
export function validationItems(part: RequestPart, issues: readonly SchemaIssue[]): ValidationErrorItem[] {
  const where = PARTS[part];
  // Asset's bodies and queries hold no arrays: every segment names a property (a key "0" too).
  const items = issuesByField(issues, rank).map(({ best }) => item(best, [where, ...best.path.map(String)]));
  return items.length > 0 ? items : [{ type: 'value_error', loc: [where], msg: 'Invalid input' }];
}
