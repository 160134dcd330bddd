import type { FastifyRequest } from 'fastify';
import type { CustomerScope } from '../../domain/customers/model.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { customerIdFromAtlas } from './wire.ts';

/** The tenant and mode of the secret key the request was authenticated with. */
export function scopeOf(request: FastifyRequest): CustomerScope {
  const auth = request.auth;
  if (!auth) throw new Error('route reached without authentication');
  return { tenantId: auth.tenant.id, mode: auth.mode };
}

/** The canonical id behind a `customer_id`; an id that cannot exist is simply not found. */
export function customerIdParam(id: string): string {
  const canonical = customerIdFromAtlas(id);
  if (canonical === null) throw new NotFoundError('customer', id, ['customer_id']);
  return canonical;
}

/** Atlas has no deleted stubs: a deleted customer is not found. */
export function notFound(id: string): NotFoundError {
  return new NotFoundError('customer', id, ['customer_id']);
}
