import type { App } from '../../http/types.ts';
import { authenticateEveryRequest } from '../shared/authentication.ts';
import { surfaceErrorHandler, surfaceNotFoundHandler } from '../shared/errors/answer.ts';
import { strictValidatorCompiler } from '../shared/strict-validation.ts';
import type { Surface } from '../shared/surface.ts';
import { countAuthentication, PREFIX } from './auth.ts';
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

export const countSurface: Surface = { name: 'count', prefix: PREFIX, plugin: countApi, errors: countErrors };
