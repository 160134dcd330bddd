import type { App } from '../../http/types.ts';
import { authenticateEveryRequest } from '../shared/authentication.ts';
import { surfaceErrorHandler, surfaceNotFoundHandler } from '../shared/errors/answer.ts';
import { strictValidatorCompiler } from '../shared/strict-validation.ts';
import type { Surface } from '../shared/surface.ts';
import type { FastifyRequest } from 'fastify';
import { countAuthentication, partnerSignature, PREFIX } from './auth.ts';
import { countAuth2AuthorizeInitiate } from './routes/count_auth2_authorize_initiate.ts';
import { countPartnersGrantAccessToken } from './routes/count_partners_grant_access_token.ts';
import { countPartnersRefreshUserAccessToken } from './routes/count_partners_refresh_user_access_token.ts';
import type { PartnerCaller } from './routes/partner-caller.ts';
import { countErrors } from './errors.ts';
import { keepRawBodies, parseJsonBody } from './raw-bodies.ts';
import { countCustomersBulkCreate } from './routes/count_customers_bulk_create.ts';
import { countCustomersBulkUpdate } from './routes/count_customers_bulk_update.ts';
import { countCustomersCreate } from './routes/count_customers_create.ts';
import { countCustomersDelete } from './routes/count_customers_delete.ts';
import { countCustomersFindByEmail } from './routes/count_customers_find_by_email.ts';
import { countCustomersList } from './routes/count_customers_list.ts';
import { countCustomersRetrieve } from './routes/count_customers_retrieve.ts';
import { countCustomersUpdate } from './routes/count_customers_update.ts';
import { countWebhooks } from './routes/count_webhooks.ts';

/**
 * Count's customer endpoints (https://developers.getcount.com, base `…/partners`), mounted under
 * its prefix: a client swaps its base URL for `…/count/partners` and keeps its signing code.
 * Requests are signed over the raw body (auth.ts, raw-bodies.ts); the wire mapping is in wire.ts,
 * the error format in errors.ts, every choice in README.md.
 */
async function countApi(app: App): Promise<void> {
  app.setErrorHandler(surfaceErrorHandler(countErrors));
  app.setNotFoundHandler(surfaceNotFoundHandler(countErrors));
  // A query value that is empty counts as not given, plain integers are read as integers: the defaults.
  app.setValidatorCompiler(strictValidatorCompiler());
  keepRawBodies(app);
  // The signature covers the body's bytes: authentication reads them raw, and the JSON is parsed
  // as soon as they are verified, before the rate limit counts the request (a body that is not
  // JSON is refused uncounted, as it always was).
  const credentials = countAuthentication(app);
  const parseBody = parseJsonBody(app);
  app.addHook('onRequest', credentials.headers);
  authenticateEveryRequest(
    app,
    'count',
    async (request) => {
      request.auth = await credentials.body(request);
      await parseBody(request);
      return request.auth;
    },
    'preValidation',
  );
  countCustomersList(app);
  countCustomersCreate(app);
  countCustomersFindByEmail(app);
  countCustomersBulkCreate(app);
  countCustomersBulkUpdate(app);
  countCustomersRetrieve(app);
  countCustomersUpdate(app);
  countCustomersDelete(app);
  countWebhooks(app);
}

/** The token endpoints (Count's Authorization pages), beside the data endpoints: a partner application's signature, no Bearer. */
async function countTokenEndpoints(app: App): Promise<void> {
  keepRawBodies(app);
  const signature = partnerSignature(app);
  const parseBody = parseJsonBody(app);
  const callers = new WeakMap<FastifyRequest, PartnerCaller>();
  const callerOf = (request: FastifyRequest): PartnerCaller => {
    const caller = callers.get(request);
    if (!caller) throw new Error('a token request reached its handler unauthenticated');
    return caller;
  };
  app.addHook('onRequest', signature.headers);
  app.addHook('preValidation', async (request) => {
    callers.set(request, signature.body(request));
    await parseBody(request);
  });
  countPartnersGrantAccessToken(app, callerOf);
  countPartnersRefreshUserAccessToken(app, callerOf);
}

/**
 * Count's authorization endpoints: the start, `…/auth2/authorize-initiate` (no credentials: the
 * consent page asks for them), and the token endpoints under `…/partners`, each plugin with its
 * own hooks (the data endpoints' two layers are not theirs).
 */
async function countAuthorizationApi(app: App): Promise<void> {
  app.setErrorHandler(surfaceErrorHandler(countErrors));
  app.setValidatorCompiler(strictValidatorCompiler());
  await app.register(async (start: App) => countAuth2AuthorizeInitiate(start), { prefix: '/auth2' });
  await app.register(countTokenEndpoints, { prefix: '/partners' });
}

export const countSurface: Surface = { name: 'count', prefix: PREFIX, plugin: countApi, errors: countErrors };
export const countAuthorizationSurface: Surface = { name: 'count', prefix: '/count', plugin: countAuthorizationApi, errors: countErrors };
