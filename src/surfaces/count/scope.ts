import type { FastifyRequest } from 'fastify';
import type { CustomerScope } from '../../domain/customers/model.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { customerIdFromCount } from './wire.ts';

/** The tenant and mode the request was authenticated for (the client's, or the key's). */
export function scopeOf(request: FastifyRequest): CustomerScope {
  const auth = request.auth;
  if (!auth) throw new Error('route reached without authentication');
  return { tenantId: auth.tenant.id, mode: auth.mode };
}

/** The canonical id behind a uuid; a uuid this server did not make is simply not found. */
export function customerIdParam(uuid: string): string {
  const canonical = customerIdFromCount(uuid);
  if (canonical === null) throw new NotFoundError('customer', uuid, ['uuid']);
  return canonical;
}

/** Count has no deleted stubs: a deleted customer is not found. */
export function notFound(id: string): NotFoundError {
  return new NotFoundError('customer', id, ['uuid']);
}
