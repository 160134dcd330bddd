import type { App } from '../../http/types.ts';
import type { SurfaceErrors } from './errors/answer.ts';

/** One API served over the store: the native one or a vendor's, mounted under its prefix. */
export interface Surface {
  /** Lower-case name: recorded in history, used in rate-limit names and tenant settings. */
  name: 'native' | 'asset' | 'checkoutpage' | 'atlas' | 'count';
  /** Where it is mounted; a vendor's client swaps its base URL for this one. */
  prefix: string;
  plugin: (app: App) => Promise<void>;
  /** How it answers every error, those raised before routing included. */
  errors: SurfaceErrors;
}
