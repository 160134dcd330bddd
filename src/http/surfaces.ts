import type { FastifyReply, FastifyRequest } from 'fastify';
import { VENDOR_SURFACES, type ErrorHandler } from '../surfaces/index.ts';
import { nativeErrorHandler } from './native/errors.ts';

/** Each surface's URL prefix and the handler that renders errors in that surface's format. */
const SURFACES: readonly { name: string; prefix: string; onError: ErrorHandler }[] = [
  { name: 'native', prefix: '/v1/', onError: nativeErrorHandler },
  ...VENDOR_SURFACES.map((s) => ({ name: s.name, prefix: s.prefix + '/', onError: s.onError })),
];

/** The surface a request came through, by its URL: `native`, `asset`, …; `other` outside them. */
export function surfaceOf(request: FastifyRequest): string {
  const url = request.raw.url ?? '';
  return SURFACES.find((s) => url.startsWith(s.prefix))?.name ?? 'other';
}

/** For errors Fastify raises before routing (a malformed URL, say), in the format of the surface the URL names. */
export function frameworkErrorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const url = request.raw.url ?? '';
  const surface = SURFACES.find((s) => url.startsWith(s.prefix));
  if (surface) {
    surface.onError(err, request, reply);
    return;
  }
  const status = (err as { statusCode?: number }).statusCode ?? 400;
  void reply.code(status).send({ error: 'Bad Request', message: (err as Error).message, statusCode: status });
}
