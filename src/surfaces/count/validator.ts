import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { allErrors, convertQuery, errorsByField, type Candidate as SharedCandidate, type TypeBoxError } from '../shared/strict-check.ts';
import { validationError, type ErrorItem } from './errors.ts';
import { joinField } from './wire.ts';

/**
 * The routes' schemas, checked the way a JSON API checks them. The app's shared validator coerces
 * scalars (right for Stripe's form bodies) and stops at the first error; Count takes JSON, so here
 * `5` is not a string and `null` is not `""`, and every bad field is listed. Query strings carry
 * text: an empty value counts as not given, and a plain integer is read as one where the schema
 * wants one; nothing else is converted (`limit=1.5`, `limit=0x10` are refused).
 */

type Location = 'body' | 'query' | 'params';

type Candidate = SharedCandidate<string | number>;

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

const ARTICLE: Readonly<Record<string, string>> = {
  string: 'a string',
  null: 'null',
  object: 'an object',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  array: 'an array',
};

function segments(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^(0|[1-9][0-9]{0,8})$/.test(p) ? Number(p) : p));
}

function describe(location: Location, prefix: readonly (string | number)[], path: readonly (string | number)[]): string {
  const field = joinField([...prefix, ...path]);
  if (field !== '') return field;
  return location === 'query' ? 'query' : location;
}

function messageFor(location: Location, field: string, c: Candidate, group: readonly Candidate[]): string {
  const { error } = c;
  const limit = String(error.params.limit ?? '');
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(c.path[c.path.length - 1] ?? '');
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
      const allowed = group.filter((g) => g.error.keyword === 'const').map((g) => JSON.stringify(g.error.params.allowedValue));
      return `${field} must be one of ${[...new Set(allowed)].join(', ')}.`;
    }
    case 'type': {
      if (field === 'body') return 'The request body must be a JSON object.';
      const types = [...new Set(group.filter((g) => g.error.keyword === 'type').map((g) => String(g.error.params.type)))];
      if (types.includes('integer') && location === 'query') return `${field} must be a whole number.`;
      return `${field} must be ${types.map((t) => ARTICLE[t] ?? t).join(' or ')}.`;
    }
    default:
      return `${field} is invalid.`;
  }
}

/** The most telling complaint about one field: an unknown name or a bound before "wrong type". */
function rank(c: Candidate): number {
  if (c.error.keyword === 'additionalProperties' || c.error.keyword === 'required') return 0;
  return c.error.keyword === 'type' || c.error.keyword === 'const' ? 2 : 1;
}

/** One entry per bad field, in the order found; fields prefixed by `prefix` (a bulk row's place). */
export function itemsFromErrors(location: Location, errors: readonly TypeBoxError[], prefix: readonly (string | number)[] = []): ErrorItem[] {
  const items: ErrorItem[] = [];
  for (const { best, group } of errorsByField(errors, segments, rank)) {
    const field = describe(location, prefix, best.path);
    items.push({ field, message: messageFor(location, field, best, group) });
  }
  return items;
}

/** A compiled schema for checking one value (a bulk row) outside Fastify's validation step. */
export function rowChecker(schema: TSchema) {
  const check = Compile(schema);
  return (value: unknown, prefix: readonly (string | number)[]): ErrorItem[] | null =>
    check.Check(value) ? null : itemsFromErrors('body', allErrors(check, value), prefix);
}

/** Fastify's validator compiler for the Count routes. */
export const countValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const location: Location = httpPart === 'querystring' ? 'query' : httpPart === 'params' ? 'params' : 'body';
  const check = Compile(schema);
  if (location === 'query') {
    return (data: unknown) => {
      const converted = convertQuery(schema, data ?? {});
      if (check.Check(converted)) return { value: converted };
      return { error: validationError(itemsFromErrors(location, allErrors(check, converted)), location) };
    };
  }
  return (data: unknown) => {
    if (check.Check(data)) return true;
    return { error: validationError(itemsFromErrors(location, allErrors(check, data)), location) };
  };
};
