import type { App } from '../../http/types.ts';
import { authenticateEveryRequest } from '../shared/authentication.ts';
import { surfaceErrorHandler, surfaceNotFoundHandler } from '../shared/errors/answer.ts';
import { requireJsonBody } from '../shared/json-bodies.ts';
import { strictValidatorCompiler } from '../shared/strict-validation.ts';
import type { Surface } from '../shared/surface.ts';
import { authenticateCheckoutPage } from './auth.ts';
import { checkoutPageErrors } from './errors.ts';
import { checkoutPageCustomersList } from './routes/checkoutpage_customers_list.ts';
import { checkoutPageCustomersRetrieve } from './routes/checkoutpage_customers_retrieve.ts';
import { checkoutPageCustomersUpdate } from './routes/checkoutpage_customers_update.ts';

/**
 * CheckoutPage's customer endpoints (https://api.checkoutpage.com/v1), mounted under its prefix
 * (see src/server/surfaces.ts): a client swaps its base URL for this prefix. CheckoutPage has no
 * create or delete for customers (they appear through checkouts). See ./README.md.
 */
async function checkoutPageApi(app: App): Promise<void> {
  app.setErrorHandler(surfaceErrorHandler(checkoutPageErrors));
  app.setNotFoundHandler(surfaceNotFoundHandler(checkoutPageErrors));
  // JSON as JSON: `5` is no string, every bad field is listed. In the query an empty value is as
  // if not given and only plain digits are an integer (`limit=1.5`, `0x10`, ` 5` are refused). A
  // missing body stays missing, so that it is refused as empty with the value null.
  app.setValidatorCompiler(strictValidatorCompiler({ emptyQueryValueIsAbsent: true, queryInteger: /^[+-]?\d{1,15}$/, absentBodyIsEmptyObject: false }));
  authenticateEveryRequest(app, 'checkoutpage', authenticateCheckoutPage(app));
  // CheckoutPage takes JSON bodies only: a form (parsed by the app's own parser) is refused by name.
  app.addHook('preValidation', requireJsonBody);
  checkoutPageCustomersList(app);
  checkoutPageCustomersRetrieve(app);
  checkoutPageCustomersUpdate(app);
}

export const checkoutPageSurface: Surface = { name: 'checkoutpage', prefix: '/checkoutpage/v1', plugin: checkoutPageApi, errors: checkoutPageErrors };
