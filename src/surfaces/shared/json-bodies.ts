import type { FastifyRequest } from 'fastify';
import { boundedJsonParser, jsonTextOrFail } from '../../http/json-body.ts';
import type { App } from '../../http/types.ts';
import { SurfaceError } from './errors/problem.ts';

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

export function isJsonType(contentType: string | undefined): boolean {
  return contentType !== undefined && JSON_TYPE.test(contentType);
}

/**
 * preValidation: a body in any Content-Type but JSON is refused (415), naming the type sent, for
 * routes whose vendor documents JSON bodies only. The detail is the Content-Type as sent.
 */
export async function requireJsonBody(request: FastifyRequest): Promise<void> {
  const type = request.headers['content-type'];
  if (request.body === undefined || type === undefined || isJsonType(type)) return;
  throw new SurfaceError('media_type_unsupported', `Unsupported Content-Type: ${type.slice(0, 80)}`, { contentType: type });
}

/** A JSON body that is valid JSON but not an object. */
export class BodyNotObjectError extends SurfaceError<null> {
  constructor() {
    super('body_unparseable', 'The request body must be a JSON object.', null);
  }
}

/**
 * The surface takes JSON objects only: other Content-Types are refused (415) by Fastify, an empty
 * body (what many clients send with `Content-Type: application/json` on a DELETE) is no body at
 * all, and a body that is JSON but not an object is refused. Fastify's own parser does the parsing,
 * so prototype-poisoning keys stay refused.
 */
export function acceptJsonObjectsOnly(app: App): void {
  const parseJson = boundedJsonParser(app);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const text = jsonTextOrFail(body as Buffer, done);
    if (text === undefined) return;
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
