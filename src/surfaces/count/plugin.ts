import type { App } from '../../http/types.ts';
import { countErrorHandler } from './errors.ts';

/** Count's customer endpoints, mounted under its prefix (see src/surfaces/index.ts). */
export async function countApi(app: App): Promise<void> {
  app.setErrorHandler(countErrorHandler);
}
