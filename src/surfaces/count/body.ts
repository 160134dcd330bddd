import type { FastifyRequest } from 'fastify';
import type { App } from '../../http/types.ts';
import { authenticate } from './auth.ts';
import { CountError } from './errors.ts';
import { boundedJsonParser, JsonTooDeepError, MAX_JSON_DEPTH } from '../../http/json-body.ts';

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
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

export function keepRawBodies(app: App): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    RAW.set(request, body as Buffer);
    done(null, undefined);
  });
}

/**
 * preValidation: authenticate (the signature needs the raw body), then parse the body as JSON.
 * A write with no body (or only whitespace) is a write of `{}`; GET and DELETE bodies are ignored.
 */
export function authenticateAndParse(app: App) {
  const parseJson = boundedJsonParser(app);
  return async (request: FastifyRequest): Promise<void> => {
    const raw = RAW.get(request) ?? EMPTY;
    request.auth = await authenticate(app, request, raw);
    if (!BODY_METHODS.has(request.method)) {
      request.body = undefined;
      return;
    }
    const text = raw.toString('utf8');
    if (text.trim() === '') {
      request.body = {};
      return;
    }
    const type = request.headers['content-type'];
    if (type === undefined || !JSON_TYPE.test(type)) {
      throw new CountError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.', {
        contentType: type === undefined ? null : type.slice(0, 100),
      });
    }
    request.body = await new Promise<unknown>((resolve, reject) => {
      parseJson(request, text, (err: Error | null, parsed?: unknown) => {
        if (err instanceof JsonTooDeepError) {
          reject(new CountError(400, 'INVALID_JSON', err.message, { maxDepth: MAX_JSON_DEPTH }));
        } else if (err) {
          reject(
            new CountError(400, 'INVALID_JSON', 'The request body is not valid JSON (or it names __proto__ or constructor.prototype, which are refused).'),
          );
        } else {
          resolve(parsed);
        }
      });
    });
  };
}
