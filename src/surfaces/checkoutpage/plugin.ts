import type { App } from '../../http/types.ts';
import type { LegacySurface } from '../shared/surface.ts';
import { checkoutPageErrorHandler, checkoutPageNotFoundHandler, checkoutPageBareError } from './errors.ts';
import { authenticate } from './scope.ts';
import { checkoutPageValidatorCompiler, jsonOnly } from './validation.ts';
import { checkoutPageCustomersList } from './routes/checkoutpage_customers_list.ts';
import { checkoutPageCustomersRetrieve } from './routes/checkoutpage_customers_retrieve.ts';
import { checkoutPageCustomersUpdate } from './routes/checkoutpage_customers_update.ts';

/**
 * CheckoutPage's customer endpoints (https://api.checkoutpage.com/v1), mounted under its prefix
 * (see src/server/surfaces.ts): a client swaps its base URL for this prefix. CheckoutPage has no
 * create or delete for customers (they appear through checkouts). See ./README.md.
 */
async function checkoutPageApi(app: App): Promise<void> {
  app.setErrorHandler(checkoutPageErrorHandler);
  app.setNotFoundHandler(checkoutPageNotFoundHandler);
  app.setValidatorCompiler(checkoutPageValidatorCompiler);
  app.addHook('onRequest', authenticate(app));
  app.addHook('preValidation', app.rateLimits.hook('checkoutpage'));
  app.addHook('preValidation', jsonOnly);
  checkoutPageCustomersList(app);
  checkoutPageCustomersRetrieve(app);
  checkoutPageCustomersUpdate(app);
}

export const checkoutPageSurface: LegacySurface = { name: 'checkoutpage', prefix: '/checkoutpage/v1', plugin: checkoutPageApi, onError: checkoutPageErrorHandler, bareError: checkoutPageBareError };
