import type { FastifyRequest } from 'fastify';
import type { CustomerScope } from '../../domain/customers/model.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { AuthError, authenticateAccessToken } from '../../http/auth.ts';
import type { App } from '../../http/types.ts';
import { businessIdFromWire, customerIdFromWire } from './wire.ts';

/** The access token from `Authorization: Bearer <token>`; AuthError otherwise. */
export function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') throw new AuthError('missing', null);
  const parts = header.trim().split(/\s+/);
  if (parts.length !== 2 || parts[0]?.toLowerCase() !== 'bearer' || !parts[1]) throw new AuthError('malformed', null);
  return parts[1];
}

/**
 * The customer routes' gate, run on every request before its body is validated: a valid, unexpired
 * access token (401 otherwise), for the business the path names. A token used on another
 * business's path is answered 404, as if that business did not exist: the caller learns nothing
 * about businesses that are not its own.
 */
export function businessGate(app: App) {
  return async (request: FastifyRequest): Promise<void> => {
    const auth = await authenticateAccessToken(app.credentials, bearerToken(request.headers.authorization));
    const wireId = (request.params as { business_id?: string } | undefined)?.business_id ?? '';
    if (businessIdFromWire(wireId) !== auth.tenant.id) throw new NotFoundError('tenant', wireId, ['business_id']);
    request.auth = auth;
  };
}

/** The tenant and mode (the token's client's mode) every customer operation is scoped to. */
export function scopeOf(request: FastifyRequest): CustomerScope {
  const auth = request.auth;
  if (!auth) throw new Error('route reached without authentication');
  return { tenantId: auth.tenant.id, mode: auth.mode };
}

/** The canonical id behind a `cus_…` id; an id that cannot exist is simply not found. */
export function customerIdParam(text: string): string {
  const canonical = customerIdFromWire(text);
  if (canonical === null) throw new NotFoundError('customer', text, ['customer_id']);
  return canonical;
}
