import { assetSurface } from '../surfaces/asset/plugin.ts';
import { atlasSurface } from '../surfaces/atlas/plugin.ts';
import { checkoutPageSurface } from '../surfaces/checkoutpage/plugin.ts';
import { countAuthorizationSurface, countSurface } from '../surfaces/count/plugin.ts';
import { nativeSurface } from '../surfaces/native/plugin.ts';
import type { Surface } from '../surfaces/shared/surface.ts';

/** Every API served over the store, each under its prefix, each answering errors through the catalogue. */
export const SURFACES: readonly Surface[] = [nativeSurface, assetSurface, checkoutPageSurface, atlasSurface, countSurface, countAuthorizationSurface];
