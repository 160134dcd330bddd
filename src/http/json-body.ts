import type { FastifyRequest } from 'fastify';
import type { App } from './types.ts';

/** Deeper than any customer of any surface nests (contacts[0].address.city is 4). */
export const MAX_JSON_DEPTH = 20;

/** A JSON body nested deeper than MAX_JSON_DEPTH: refused before parsing, as a 400. */
export class JsonTooDeepError extends Error {
  readonly statusCode = 400;
  readonly code = 'CLIENTELE_JSON_TOO_DEEP';
  constructor() {
    super(`The JSON body is nested too deeply: at most ${MAX_JSON_DEPTH} levels of objects and arrays.`);
    this.name = 'JsonTooDeepError';
  }
}

/**
 * A JSON body that is not UTF-8 (RFC 8259 §8.1): refused, rather than stored with U+FFFD in
 * place of what was sent. Fastify's code for an invalid JSON body, so every surface renders it so.
 */
export class JsonEncodingError extends Error {
  readonly statusCode = 400;
  readonly code = 'FST_ERR_CTP_INVALID_JSON_BODY';
  constructor() {
    super('The JSON body is not valid UTF-8.');
    this.name = 'JsonEncodingError';
  }
}

type Done = (err: Error | null, body?: unknown) => void;

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A JSON body's bytes as text; JsonEncodingError when they are not UTF-8. */
export function jsonText(body: Buffer): string {
  try {
    return STRICT_UTF8.decode(body);
  } catch {
    throw new JsonEncodingError();
  }
}

/** A JSON body's text for a content-type parser: undefined once `done` has been given the encoding error. */
export function jsonTextOrFail(body: Buffer, done: Done): string | undefined {
  try {
    return jsonText(body);
  } catch (err) {
    done(err as Error, undefined);
    return undefined;
  }
}

/** The deepest nesting of objects and arrays in `text`, stopping once past `limit`; one pass, no recursion. */
export function jsonDepthExceeds(text: string, limit: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b || code === 0x5b) {
      if (++depth > limit) return true;
    } else if (code === 0x7d || code === 0x5d) {
      depth--;
    }
  }
  return false;
}

/**
 * Fastify's own JSON parser (prototype-poisoning keys refused), behind a nesting limit: every
 * validator and error renderer after it walks the body recursively, and a deep enough body would
 * exhaust the stack.
 */
export function boundedJsonParser(app: App): (request: FastifyRequest, text: string, done: Done) => void {
  const parse = app.getDefaultJsonParser('error', 'error');
  return (request, text, done) => {
    if (jsonDepthExceeds(text)) return done(new JsonTooDeepError(), undefined);
    parse(request, text, done);
  };
}
