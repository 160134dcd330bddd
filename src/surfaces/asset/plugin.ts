import type { App } from '../../http/types.ts';
import { assetErrorHandler } from './errors.ts';

/** Asset's customer endpoints, mounted under its prefix (see src/surfaces/index.ts). */
export async function assetApi(app: App): Promise<void> {
  app.setErrorHandler(assetErrorHandler);
}
