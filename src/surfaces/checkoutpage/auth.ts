import type { FastifyRequest } from 'fastify';
import { AuthError, authenticateSecretKey, type AuthContext } from '../../http/auth.ts';
import type { App } from '../../http/types.ts';

/**
 * `Authorization: Bearer <API key>`, as CheckoutPage documents; the key is one of the tenant's
 * secret keys (sk_test_… sees test data only, sk_live_… live data only). Any other scheme, HTTP
 * Basic included (which the shared secret-key check would take), is refused like a missing key.
 */
export function authenticateCheckoutPage(app: App) {
  return async (request: FastifyRequest): Promise<AuthContext> => {
    const header = request.headers.authorization;
    if (header === undefined || !/^\s*bearer\s+\S/i.test(header)) throw new AuthError(header ? 'malformed' : 'missing', null);
    return authenticateSecretKey(app.credentials, header);
  };
}
