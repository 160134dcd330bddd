import type { App } from '../../http/types.ts';
import { authenticateEveryRequest } from '../shared/authentication.ts';
import { surfaceErrorHandler, surfaceNotFoundHandler } from '../shared/errors/answer.ts';
import { acceptJsonObjectsOnly } from '../shared/json-bodies.ts';
import { strictValidatorCompiler } from '../shared/strict-validation.ts';
import type { Surface } from '../shared/surface.ts';
import { authenticateAtlas } from './auth.ts';
import { atlasErrors } from './errors.ts';
import { atlasCustomersCreate } from './routes/atlas_customers_create.ts';
import { atlasCustomersDelete } from './routes/atlas_customers_delete.ts';
import { atlasCustomersList } from './routes/atlas_customers_list.ts';
import { atlasCustomersRetrieve } from './routes/atlas_customers_retrieve.ts';
import { atlasCustomersUpdate } from './routes/atlas_customers_update.ts';

/**
 * Atlas validates as it always has: `?email=` is an empty filter, refused, not an absent one; any
 * run of digits is an integer, so an offset past 2^53 fails its bound rather than its type; a
 * write with no body is one with no fields.
 */
const VALIDATION = { emptyQueryValueIsAbsent: false, queryInteger: /^-?[0-9]+$/, absentBodyIsEmptyObject: true };

/** Atlas's customer endpoints (see ./README.md), over the same store and secret keys as the native API. */
async function atlasApi(app: App): Promise<void> {
  app.setErrorHandler(surfaceErrorHandler(atlasErrors));
  app.setNotFoundHandler(surfaceNotFoundHandler(atlasErrors));
  app.setValidatorCompiler(strictValidatorCompiler(VALIDATION));
  acceptJsonObjectsOnly(app);
  authenticateEveryRequest(app, 'atlas', authenticateAtlas(app));
  atlasCustomersCreate(app);
  atlasCustomersRetrieve(app);
  atlasCustomersUpdate(app);
  atlasCustomersDelete(app);
  atlasCustomersList(app);
}

export const atlasSurface: Surface = { name: 'atlas', prefix: '/atlas/functions/v1', plugin: atlasApi, errors: atlasErrors };
