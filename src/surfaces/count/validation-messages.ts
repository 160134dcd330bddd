import { issuesByField, type RequestPart, type SchemaIssue } from '../shared/errors/schema-issues.ts';
import { joinField } from './field-names.ts';
import type { CountError } from './schemas.ts';
import { typesInWords } from '../shared/errors/type-names.ts';

/** Schema complaints in Count's words: one `{field, message}` per bad field, in the order found. */

export type ErrorItem = NonNullable<CountError['errors']>[number];

/** Where the bad fields are, as `details.location` names it. */
export type Location = 'body' | 'query' | 'params' | 'headers';

export const LOCATIONS: Readonly<Record<RequestPart, Location>> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/** Fields Count's clients may reach for under another API's name. */
const HINTS: Readonly<Record<string, string>> = {
  name: 'Count calls it "customer".',
  phone: 'Count calls it "mainPhone".',
  address: 'Count calls it "billingAddress".',
  shipping: 'Count calls it "shippingAddress".',
  id: 'The customer is named by its uuid, in the path.',
  line1: 'Count calls it "street".',
  postalCode: 'Count calls it "zipCode".',
  postal_code: 'Count calls it "zipCode".',
  zip: 'Count calls it "zipCode".',
  primary: 'Count calls it "isPrimary".',
  first_name: 'Count calls it "firstName".',
  last_name: 'Count calls it "lastName".',
};

/** The field an issue names; the request part itself (`body`, `query`) for the whole. */
function fieldOf(location: Location, issue: SchemaIssue): string {
  return joinField(issue.path) || location;
}

function messageFor(location: Location, field: string, issue: SchemaIssue, group: readonly SchemaIssue[]): string {
  const limit = String(issue.params.limit ?? '');
  switch (issue.keyword) {
    case 'additionalProperties': {
      const name = String(issue.path[issue.path.length - 1] ?? '');
      if (location === 'query') return `Unknown query parameter: ${name}.`;
      const hint = HINTS[name];
      return `Unknown field: ${field}.${hint ? ' ' + hint : ''}`;
    }
    case 'required':
      return `${field} is required.`;
    case 'maxLength':
      return `${field} must be at most ${limit} characters.`;
    case 'minLength':
      return limit === '1' ? `${field} must not be empty.` : `${field} must be at least ${limit} characters.`;
    case 'pattern':
      return `${field} must not be blank.`;
    case 'minimum':
      return `${field} must be at least ${limit}.`;
    case 'maximum':
      return `${field} must be at most ${limit}.`;
    case 'minItems':
      return `${field} must hold at least ${limit} item${limit === '1' ? '' : 's'}.`;
    case 'maxItems':
      return `${field} must hold at most ${limit} items.`;
    case 'const': {
      const allowed = group.filter((other) => other.keyword === 'const').map((other) => JSON.stringify(other.params.allowedValue));
      return `${field} must be one of ${[...new Set(allowed)].join(', ')}.`;
    }
    case 'type': {
      if (field === 'body') return 'The request body must be a JSON object.';
      const types = [...new Set(group.filter((other) => other.keyword === 'type').map((other) => String(other.params.type)))];
      if (types.includes('integer') && location === 'query') return `${field} must be a whole number.`;
      return `${field} must be ${typesInWords(types)}.`;
    }
    default:
      return `${field} is invalid.`;
  }
}

/** The most telling complaint about one field: an unknown name or a bound before "wrong type". */
function rank(issue: SchemaIssue): number {
  if (issue.keyword === 'additionalProperties' || issue.keyword === 'required') return 0;
  return issue.keyword === 'type' || issue.keyword === 'const' ? 2 : 1;
}

/** One entry per bad field, in the order found. */
export function issueItems(issues: readonly SchemaIssue[], location: Location): ErrorItem[] {
  return issuesByField(issues, rank).map(({ best, group }) => {
    const field = fieldOf(location, best);
    return { field, message: messageFor(location, field, best, group) };
  });
}
