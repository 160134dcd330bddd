import { parseBracketForm, QUERY_ERROR } from './form-body.ts';
import { boundedJsonParser, jsonTextOrFail } from './json-body.ts';
import type { App } from './types.ts';

/**
 * The app-wide parsers: JSON bodies (Fastify's own parser, behind a nesting bound) and Stripe's
 * bracket forms. A query string the router could not parse leaves its error on the query, and is
 * refused here, once the request has reached its surface (so the refusal is in that surface's
 * format). A surface may replace the body parsers in its own context (Count reads raw bodies).
 */
export function registerRequestParsers(app: App): void {
  const parseJson = boundedJsonParser(app);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const text = jsonTextOrFail(body as Buffer, done);
    if (text !== undefined) parseJson(request, text, done);
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseBracketForm(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addHook('preValidation', async (request) => {
    const failed = (request.query as Record<symbol, unknown> | undefined)?.[QUERY_ERROR];
    if (failed) throw failed;
  });
}
