import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../http/types.ts';
import { assetApi } from '../surfaces/asset/plugin.ts';
import { assetBareError, assetErrorHandler } from '../surfaces/asset/errors.ts';
import { atlasApi } from '../surfaces/atlas/plugin.ts';
import { atlasBareError, atlasErrorHandler } from '../surfaces/atlas/errors.ts';
import { checkoutPageApi } from '../surfaces/checkoutpage/plugin.ts';
import { checkoutPageBareError, checkoutPageErrorHandler } from '../surfaces/checkoutpage/errors.ts';
import { countApi } from '../surfaces/count/plugin.ts';
import { countBareError, countErrorHandler } from '../surfaces/count/errors.ts';

export type BareError = (status: number, message: string) => unknown;

export type ErrorHandler = (err: unknown, request: FastifyRequest, reply: FastifyReply) => void;

export interface VendorSurface {
  /** Lower-case vendor name: recorded in history, used in settings and limit names. */
  name: string;
  /** Where the vendor's base URL is mounted; a client swaps its base URL for this one. */
  prefix: string;
  plugin: (app: App) => Promise<void>;
  /** Renders errors raised before routing (a malformed URL, say) in the vendor's format. */
  onError: ErrorHandler;
  /** The vendor's error body for a request Node refused before Fastify saw it (headers too large). */
  bareError: BareError;
}

/** The vendor surfaces, each serving its vendor's documented customer endpoints over the one store. */
export const VENDOR_SURFACES: readonly VendorSurface[] = [
  { name: 'asset', prefix: '/asset/v0', plugin: assetApi, onError: assetErrorHandler, bareError: assetBareError },
  { name: 'checkoutpage', prefix: '/checkoutpage/v1', plugin: checkoutPageApi, onError: checkoutPageErrorHandler, bareError: checkoutPageBareError },
  { name: 'atlas', prefix: '/atlas/functions/v1', plugin: atlasApi, onError: atlasErrorHandler, bareError: atlasBareError },
  { name: 'count', prefix: '/count/partners', plugin: countApi, onError: countErrorHandler, bareError: countBareError },
];
