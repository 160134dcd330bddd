import type { FastifyRequest } from 'fastify';
import { authenticateSecretKey, type AuthContext } from '../../http/auth.ts';
import type { App } from '../../http/types.ts';

/**
 * Atlas's authentication (https://docs.atlaspay.cc/getting-started/authentication): a secret key,
 * `sk_test_…` or `sk_live_…`, as `Authorization: Bearer …`; the key names the tenant and the mode.
 */
export function authenticateAtlas(app: App) {
  return (request: FastifyRequest): Promise<AuthContext> => authenticateSecretKey(app.credentials, request.headers.authorization);
}
