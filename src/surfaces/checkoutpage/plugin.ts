import type { App } from '../../http/types.ts';
import { checkoutPageErrorHandler } from './errors.ts';

/** CheckoutPage's customer endpoints, mounted under its prefix (see src/surfaces/index.ts). */
export async function checkoutPageApi(app: App): Promise<void> {
  app.setErrorHandler(checkoutPageErrorHandler);
}
