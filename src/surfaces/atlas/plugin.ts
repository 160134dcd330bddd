import type { App } from '../../http/types.ts';
import type { LegacySurface } from '../shared/surface.ts';
import { authenticateSecretKey } from '../../http/auth.ts';
import { atlasErrorHandler, atlasNotFoundHandler, atlasBareError } from './errors.ts';
import { atlasValidatorCompiler, useJsonBodies } from './validator.ts';
import { atlasCustomersCreate } from './routes/atlas_customers_create.ts';
import { atlasCustomersDelete } from './routes/atlas_customers_delete.ts';
import { atlasCustomersList } from './routes/atlas_customers_list.ts';
import { atlasCustomersRetrieve } from './routes/atlas_customers_retrieve.ts';
import { atlasCustomersUpdate } from './routes/atlas_customers_update.ts';

/**
 * Atlas's customer endpoints (https://api.atlas.co/functions/v1), mounted under its prefix
 * (see src/server/surfaces.ts), over the same store and the same secret keys as the native API.
 * The mapping choices are documented at the top of wire.ts; the error format in errors.ts.
 */
async function atlasApi(app: App): Promise<void> {
  app.setErrorHandler(atlasErrorHandler);
  app.setNotFoundHandler(atlasNotFoundHandler);
  app.setValidatorCompiler(atlasValidatorCompiler);
  useJsonBodies(app);
  app.addHook('onRequest', async (request) => {
    request.auth = await authenticateSecretKey(app.credentials, request.headers.authorization);
  });
  app.addHook('preValidation', app.rateLimits.hook('atlas'));
  atlasCustomersCreate(app);
  atlasCustomersRetrieve(app);
  atlasCustomersUpdate(app);
  atlasCustomersDelete(app);
  atlasCustomersList(app);
}

export const atlasSurface: LegacySurface = { name: 'atlas', prefix: '/atlas/functions/v1', plugin: atlasApi, onError: atlasErrorHandler, bareError: atlasBareError };
