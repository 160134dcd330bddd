import type { FastifyRequest } from 'fastify';
import { authenticateSecretKey, type AuthContext } from '../../http/auth.ts';
import type { App } from '../../http/types.ts';

/** Stripe's authentication: a secret key as `Authorization: Bearer sk_…`, or as HTTP Basic's user name. */
export function authenticateNative(app: App) {
  return (request: FastifyRequest): Promise<AuthContext> => authenticateSecretKey(app.credentials, request.headers.authorization);
}
