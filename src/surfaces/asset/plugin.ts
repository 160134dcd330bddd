import type { App } from '../../http/types.ts';
import type { LegacySurface } from '../shared/surface.ts';
import { assetErrorHandler, assetNotFoundHandler, assetBareError } from './errors.ts';
import { jsonOnly } from './guards.ts';
import { businessGate } from './scope.ts';
import { assetAuthToken } from './routes/asset_auth_token.ts';
import { assetBusinessCustomersCreate } from './routes/asset_business_customers_create.ts';
import { assetBusinessCustomersList } from './routes/asset_business_customers_list.ts';
import { assetBusinessCustomersRetrieve } from './routes/asset_business_customers_retrieve.ts';
import { assetBusinessCustomersUpdate } from './routes/asset_business_customers_update.ts';

/**
 * Asset's customer endpoints (https://docs.getasset.com, API v0), mounted under its prefix (see
 * src/server/surfaces.ts): a client swaps `https://api.sandbox.getasset.com/v0` for this prefix.
 * POST /auth/token issues access tokens; every other route needs one. See ./README.md.
 */
async function assetApi(app: App): Promise<void> {
  app.setErrorHandler(assetErrorHandler);
  app.setNotFoundHandler(assetNotFoundHandler);

  assetAuthToken(app);

  await app.register(async (api: App) => {
    api.addHook('onRequest', businessGate(api));
    api.addHook('preValidation', api.rateLimits.hook('asset'));
    api.addHook('preValidation', jsonOnly);
    assetBusinessCustomersCreate(api);
    assetBusinessCustomersList(api);
    assetBusinessCustomersRetrieve(api);
    assetBusinessCustomersUpdate(api);
  });
}

export const assetSurface: LegacySurface = { name: 'asset', prefix: '/asset/v0', plugin: assetApi, onError: assetErrorHandler, bareError: assetBareError };
