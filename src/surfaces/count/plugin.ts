import type { App } from '../../http/types.ts';
import type { LegacySurface } from '../shared/surface.ts';
import { countErrorHandler, countNotFoundHandler, countBareError } from './errors.ts';
import { authenticateAndParse, keepRawBodies } from './body.ts';
import { countValidatorCompiler } from './validator.ts';
import { countCustomersBulkCreate } from './routes/count_customers_bulk_create.ts';
import { countCustomersBulkUpdate } from './routes/count_customers_bulk_update.ts';
import { countCustomersCreate } from './routes/count_customers_create.ts';
import { countCustomersDelete } from './routes/count_customers_delete.ts';
import { countCustomersFindByEmail } from './routes/count_customers_find_by_email.ts';
import { countCustomersList } from './routes/count_customers_list.ts';
import { countCustomersRetrieve } from './routes/count_customers_retrieve.ts';
import { countCustomersUpdate } from './routes/count_customers_update.ts';

/**
 * Count's customer endpoints (https://developers.getcount.com, base `…/partners`), mounted under
 * its prefix (see src/server/surfaces.ts): a client swaps its base URL for `…/count/partners` and
 * keeps its signing code. Requests are signed with the tenant's client credentials (auth.ts); the
 * wire mapping is in wire.ts, the error format in errors.ts, every choice in README.md.
 */
async function countApi(app: App): Promise<void> {
  app.setErrorHandler(countErrorHandler);
  app.setNotFoundHandler(countNotFoundHandler);
  app.setValidatorCompiler(countValidatorCompiler);
  keepRawBodies(app);
  app.addHook('preValidation', authenticateAndParse(app));
  app.addHook('preValidation', app.rateLimits.hook('count'));
  countCustomersList(app);
  countCustomersCreate(app);
  countCustomersFindByEmail(app);
  countCustomersBulkCreate(app);
  countCustomersBulkUpdate(app);
  countCustomersRetrieve(app);
  countCustomersUpdate(app);
  countCustomersDelete(app);
}

export const countSurface: LegacySurface = { name: 'count', prefix: '/count/partners', plugin: countApi, onError: countErrorHandler, bareError: countBareError };
