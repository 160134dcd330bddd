import type { App } from '../../http/types.ts';
import { authenticateEveryRequest } from '../shared/authentication.ts';
import { surfaceErrorHandler, surfaceNotFoundHandler } from '../shared/errors/answer.ts';
import { requireJsonBody } from '../shared/json-bodies.ts';
import { strictValidatorCompiler } from '../shared/strict-validation.ts';
import type { Surface } from '../shared/surface.ts';
import { authenticateAsset } from './auth.ts';
import { assetErrors } from './errors.ts';
import { oauthErrors } from './oauth-errors.ts';
import { assetAuthToken } from './routes/asset_auth_token.ts';
import { assetBusinessCustomersCreate } from './routes/asset_business_customers_create.ts';
import { assetBusinessCustomersList } from './routes/asset_business_customers_list.ts';
import { assetBusinessCustomersRetrieve } from './routes/asset_business_customers_retrieve.ts';
import { assetBusinessCustomersUpdate } from './routes/asset_business_customers_update.ts';

/**
 * The query texts read as integers: those JavaScript's Number() reads (`5`, `+5`, `05`, ` 5`,
 * `5.0`, `1e1`, `0x10`), as the app-wide validator's coercion read them before. A text that reads
 * as a fraction fails as a non-integer; `page_size=` stays text, and is refused.
 */
const NUMBER_TEXT = /^(?=[\s\S])\s*(?:[+-]?(?:Infinity|\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)|0x[\da-f]+|0o[0-7]+|0b[01]+)?\s*$/i;

/**
 * Asset's customer endpoints (https://docs.getasset.com, API v0), mounted under its prefix (see
 * src/server/surfaces.ts): a client swaps `https://api.sandbox.getasset.com/v0` for this prefix.
 * POST /auth/token issues access tokens; every other route needs one. See ./README.md.
 */
async function assetApi(app: App): Promise<void> {
  app.setErrorHandler(surfaceErrorHandler(assetErrors));
  app.setNotFoundHandler(surfaceNotFoundHandler(assetErrors));

  await app.register(async (tokenEndpoint: App) => {
    tokenEndpoint.setErrorHandler(surfaceErrorHandler(oauthErrors));
    assetAuthToken(tokenEndpoint);
  });

  await app.register(async (business: App) => {
    // The business is checked with the token, before anything of the body is read.
    authenticateEveryRequest(business, 'asset', authenticateAsset(business));
    // An empty query value is a value (`page_size=` is refused, `page_token=` is the first page).
    business.setValidatorCompiler(strictValidatorCompiler({ emptyQueryValueIsAbsent: false, queryInteger: NUMBER_TEXT }));
    business.addHook('preValidation', requireJsonBody);
    assetBusinessCustomersCreate(business);
    assetBusinessCustomersList(business);
    assetBusinessCustomersRetrieve(business);
    assetBusinessCustomersUpdate(business);
  });
}

export const assetSurface: Surface = { name: 'asset', prefix: '/asset/v0', plugin: assetApi, errors: assetErrors };
