import type { FastifyRequest } from 'fastify';
import type { LimitedSurface } from '../../domain/tenants/rate-limit-policy.ts';
import type { AuthContext } from '../../http/auth.ts';
import type { App } from '../../http/types.ts';

/**
 * Every request of a surface is authenticated by `authenticate`, then counted against the
 * surface's rate limits: before its body is validated, and before its Idempotency-Key is claimed.
 * `onRequest` for credentials in headers (nothing of the body is read for a request that fails);
 * `preValidation` where the credentials cover the body (Count's signature).
 */
export function authenticateEveryRequest(
  app: App,
  surface: LimitedSurface,
  authenticate: (request: FastifyRequest) => Promise<AuthContext>,
  phase: 'onRequest' | 'preValidation' = 'onRequest',
): void {
  app.addHook(phase, async (request) => {
    request.auth = await authenticate(request);
  });
  app.addHook('preValidation', app.rateLimits.hook(surface));
}
