import type { FastifyRequest } from 'fastify';
import { NotFoundError } from '../../domain/errors.ts';
import { AuthError, authenticateAccessToken, type AuthContext } from '../../http/auth.ts';
import type { App } from '../../http/types.ts';
import { businessIdFromWire } from './wire.ts';

/** The access token from `Authorization: Bearer <token>`; AuthError otherwise. */
function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') throw new AuthError('missing', null);
  const parts = header.trim().split(/\s+/);
  if (parts.length !== 2 || parts[0]?.toLowerCase() !== 'bearer' || !parts[1]) throw new AuthError('malformed', null);
  return parts[1];
}

/**
 * Asset's authentication for the business routes: a valid, unexpired access token from POST
 * /auth/token (401 otherwise), for the business the path names. A token used on another
 * business's path is answered 404, as if that business did not exist: the caller learns nothing
 * about businesses that are not its own. A token issued without business_id is good for every
 * business of its client's Asset account (the tenants whose `asset_account` setting names the same
 * account); one issued with it, for that business only. The token's mode is its client's.
 */
export function authenticateAsset(app: App) {
  return async (request: FastifyRequest): Promise<AuthContext> => {
    const auth = await authenticateAccessToken(app.credentials, bearerToken(request.headers.authorization));
    const wireId = (request.params as { business_id?: string } | undefined)?.business_id ?? '';
    const businessId = businessIdFromWire(wireId);
    const acting = businessId === null ? null : await app.credentials.actingFor(auth, businessId);
    if (!acting) throw new NotFoundError('tenant', wireId, ['business_id']);
    return acting;
  };
}
