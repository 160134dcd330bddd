import type { FastifyRequest } from 'fastify';
import { boundedJsonParser, jsonText, JsonTooDeepError } from '../../http/json-body.ts';
import type { App } from '../../http/types.ts';
import { isJsonType } from '../shared/json-bodies.ts';
import { InvalidJsonError, NotJsonBodyError } from './errors.ts';

/**
 * The signature covers the raw body bytes, so bodies are read raw: the surface's one content-type
 * parser (for every type: the types are checked after authentication, so that an unsigned request
 * learns nothing but 401) keeps the bytes, and the JSON is parsed only once the request is
 * authenticated. These parsers are the surface's own (Fastify encapsulation): no other prefix is
 * affected.
 */

const RAW = new WeakMap<FastifyRequest, Buffer>();
const EMPTY = Buffer.alloc(0);
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function keepRawBodies(app: App): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    RAW.set(request, body as Buffer);
    done(null, undefined);
  });
}

/** The body's bytes as sent (empty when there were none). */
export function rawBodyOf(request: FastifyRequest): Buffer {
  return RAW.get(request) ?? EMPTY;
}

/**
 * The raw body as JSON, for a request already authenticated. A write with no body (or only
 * whitespace) is a write of `{}`; GET and DELETE bodies are ignored.
 */
export function parseJsonBody(app: App) {
  const parseJson = boundedJsonParser(app);
  return async (request: FastifyRequest): Promise<void> => {
    if (!BODY_METHODS.has(request.method)) {
      request.body = undefined;
      return;
    }
    let text: string;
    try {
      text = jsonText(rawBodyOf(request));
    } catch {
      throw new InvalidJsonError();
    }
    if (text.trim() === '') {
      request.body = {};
      return;
    }
    const type = request.headers['content-type'];
    if (!isJsonType(type)) throw new NotJsonBodyError(type);
    request.body = await new Promise<unknown>((resolve, reject) => {
      parseJson(request, text, (err: Error | null, parsed?: unknown) => {
        if (err) reject(err instanceof JsonTooDeepError ? err : new InvalidJsonError());
        else resolve(parsed);
      });
    });
  };
}
