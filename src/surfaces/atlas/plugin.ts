import type { App } from '../../http/types.ts';
import { atlasErrorHandler } from './errors.ts';

/** Atlas's customer endpoints, mounted under its prefix (see src/surfaces/index.ts). */
export async function atlasApi(app: App): Promise<void> {
  app.setErrorHandler(atlasErrorHandler);
}
