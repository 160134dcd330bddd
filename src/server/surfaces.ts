import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../http/types.ts';
import { assetSurface } from '../surfaces/asset/plugin.ts';
import { atlasSurface } from '../surfaces/atlas/plugin.ts';
import { checkoutPageSurface } from '../surfaces/checkoutpage/plugin.ts';
import { countSurface } from '../surfaces/count/plugin.ts';
import { nativeSurface } from '../surfaces/native/plugin.ts';
import { answerProblem, problemOf, surfaceErrorHandler, type BareKind } from '../surfaces/shared/errors/answer.ts';
import type { LegacySurface, Surface } from '../surfaces/shared/surface.ts';

/** A surface as the server mounts it, with what answers errors raised before its routes run. */
export interface MountedSurface {
  name: string;
  prefix: string;
  plugin: (app: App) => Promise<void>;
  /** Renders errors raised before routing (a malformed URL, say) in the surface's format. */
  onError: (err: unknown, request: FastifyRequest, reply: FastifyReply) => void;
  /** The surface's error body for a request Node refused before Fastify saw it (headers too large). */
  bareError: (status: number, message: string, kind: BareKind) => unknown;
}

const REGISTERED: readonly (Surface | LegacySurface)[] = [nativeSurface, assetSurface, checkoutPageSurface, atlasSurface, countSurface];

const catalogued = (s: Surface | LegacySurface): s is Surface => 'errors' in s;

/** The surfaces that answer errors through the shared catalogue (src/surfaces/shared/errors/). */
export const CATALOGUED_SURFACES: readonly Surface[] = REGISTERED.filter(catalogued);

/** Every API served over the store, each under its prefix. */
export const SURFACES: readonly MountedSurface[] = REGISTERED.map((s) =>
  catalogued(s)
    ? {
        name: s.name,
        prefix: s.prefix,
        plugin: s.plugin,
        onError: surfaceErrorHandler(s.errors),
        bareError: (_status: number, message: string, kind: BareKind) => answerProblem(s.errors, problemOf(kind, message), null).body,
      }
    : s,
);
