import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { App } from '../../http/types.ts';
import { boundedJsonParser } from '../../http/json-body.ts';

/**
 * Atlas speaks JSON, so its bodies are validated strictly: a JSON value of the wrong type is
 * refused, never coerced (the app-wide validator coerces, for the native form bodies). Query
 * strings carry text only: a digit string is read as an integer where the schema wants one,
 * and nothing else is converted (`limit=1.5`, `limit=0x10`, `limit= 5` are refused).
 * Failures are reported as TypeBox's error list; errors.ts renders them.
 */
export const atlasValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const validator = Compile(schema);
  return (value: unknown) => {
    let input = value;
    // No body at all: the same as `{}` (the JSON parser below refuses a body that is not an object).
    if (httpPart === 'body' && (input === null || input === undefined)) input = {};
    if (httpPart === 'querystring') input = convertQuery(schema, input);
    if (validator.Check(input)) return { value: input };
    return { error: validator.Errors(input) as unknown as Error };
  };
};

const DIGITS = /^-?[0-9]+$/;

function convertQuery(schema: TSchema, value: unknown): unknown {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties;
  if (!properties || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, v] of Object.entries(out)) {
    if (properties[key]?.type === 'integer' && typeof v === 'string' && DIGITS.test(v)) out[key] = Number(v);
  }
  return out;
}

/** Thrown by the JSON parser for a body that is valid JSON but not an object. */
export class BodyNotObjectError extends Error {
  readonly statusCode = 400;
  readonly code = 'ATLAS_BODY_NOT_OBJECT';
  constructor() {
    super('The request body must be a JSON object.');
    this.name = 'BodyNotObjectError';
  }
}

/**
 * Atlas's bodies: JSON objects only. Form and text bodies are refused with 415. An empty body
 * (what many clients send with `Content-Type: application/json` on a DELETE) is no body at
 * all. Fastify's own parser does the parsing, so prototype-poisoning keys stay refused.
 */
export function useJsonBodies(app: App): void {
  const parseJson = boundedJsonParser(app);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseJson(request, text, (err: Error | null, parsed?: unknown) => {
      if (err) return done(err, undefined);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return done(new BodyNotObjectError(), undefined);
      done(null, parsed);
    });
  });
}
