import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { allErrors, convertQuery, errorsByField, type Candidate as SharedCandidate, type TypeBoxError } from '../shared/strict-check.ts';
import { CheckoutPageError, EMPTY_BODY_MESSAGE, item, type ErrorItem } from './errors.ts';
import { EDITABLE_FIELDS, READ_ONLY_FIELDS } from './schemas.ts';

/**
 * The routes' schemas, checked the way a JSON API checks them. The app's shared validator coerces
 * scalars (right for Stripe's form bodies) and stops at the first error; CheckoutPage takes JSON,
 * so here `5` is not a string, `null` is not `""`, and every bad field is listed, each with the
 * value sent. Query strings arrive as text: only a plain integer is read as one (`limit=1.5` is
 * refused, not truncated).
 */

type Part = 'body' | 'querystring' | 'params' | 'headers';

const READ_ONLY = new Set<string>(READ_ONLY_FIELDS);

function segments(instancePath: string): string[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(data: unknown, path: readonly string[]): unknown {
  let node = data;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const ARTICLE: Readonly<Record<string, string>> = {
  string: 'a string',
  null: 'null',
  object: 'an object',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  array: 'an array',
};

type Candidate = SharedCandidate<string>;

function unknownMessage(part: Part, path: readonly string[]): string {
  const name = path[path.length - 1] ?? '';
  if (part === 'querystring') return `Unknown query parameter: ${name}.`;
  if (path.length === 1 && READ_ONLY.has(name)) return `${name} is read-only and cannot be changed.`;
  if (path.length === 1) return `Unknown field: ${name}. The editable fields are ${EDITABLE_FIELDS.join(', ')}.`;
  return `Unknown field: ${path.join('.')}.`;
}

function messageFor(part: Part, c: Candidate, group: readonly Candidate[]): string {
  const { error } = c;
  switch (error.keyword) {
    case 'additionalProperties':
      return unknownMessage(part, c.path);
    case 'maxLength':
      return `Must be at most ${String(error.params.limit)} characters.`;
    case 'minLength':
      return `Must be at least ${String(error.params.limit)} characters.`;
    case 'pattern':
      return 'Must not contain the NUL character (U+0000).';
    case 'minimum':
      return `Must be at least ${String(error.params.limit)}.`;
    case 'maximum':
      return `Must be at most ${String(error.params.limit)}.`;
    case 'type': {
      const types = [...new Set(group.filter((g) => g.error.keyword === 'type').map((g) => String(g.error.params.type)))];
      return `Must be ${types.map((t) => ARTICLE[t] ?? t).join(' or ')}.`;
    }
    default:
      return `Invalid value (${error.keyword}).`;
  }
}

/** The most telling complaint about one path: a bound or an unknown name before "wrong type". */
function rank(c: Candidate): number {
  if (c.error.keyword === 'additionalProperties') return 0;
  return c.error.keyword === 'type' ? 2 : 1;
}

/** One entry per bad field, in the order found. */
export function itemsFromErrors(part: Part, data: unknown, errors: readonly TypeBoxError[]): ErrorItem[] {
  const items: ErrorItem[] = [];
  for (const { best, group } of errorsByField(errors, segments, rank)) {
    if (best.path.length === 0) {
      items.push(rootItem(part, data));
      continue;
    }
    items.push(item(best.path.join('.'), messageFor(part, best, group), valueAt(data, best.path)));
  }
  return items;
}

function rootItem(part: Part, data: unknown): ErrorItem {
  if (part !== 'body') return item(part === 'querystring' ? 'query' : part, 'Invalid parameters.', data);
  const empty = data === null || data === undefined || (typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length === 0);
  return empty ? item('body', EMPTY_BODY_MESSAGE, data) : item('body', 'The request body must be a JSON object of the fields to update.', data);
}

/** Fastify's validator compiler for the CheckoutPage routes. */
export const checkoutPageValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const part = (httpPart ?? 'body') as Part;
  const check = Compile(schema);
  if (part === 'querystring') {
    return (data: unknown) => {
      const converted = convertQuery(schema, data ?? {});
      if (check.Check(converted)) return { value: converted };
      return { error: new CheckoutPageError(400, itemsFromErrors(part, data, allErrors(check, converted))) };
    };
  }
  return (data: unknown) => {
    if (check.Check(data)) return true;
    return { error: new CheckoutPageError(400, itemsFromErrors(part, data, allErrors(check, data))) };
  };
};

/** CheckoutPage documents JSON request bodies; a form (or any other type) is refused by name. */
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

export async function jsonOnly(request: FastifyRequest): Promise<void> {
  const type = request.headers['content-type'];
  if (request.body === undefined || type === undefined || JSON_TYPE.test(type)) return;
  throw Object.assign(new Error(`Unsupported Content-Type: ${type.slice(0, 80)}`), {
    statusCode: 415,
    code: 'CHECKOUTPAGE_UNSUPPORTED_MEDIA_TYPE',
  });
}
