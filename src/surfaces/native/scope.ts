import type { FastifyRequest } from 'fastify';
import type { CustomerScope } from '../../domain/customers/model.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { customerIdFromWire } from '../../formats/ids.ts';

export function scopeOf(request: FastifyRequest): CustomerScope {
  const auth = request.auth;
  if (!auth) throw new Error('route reached without authentication');
  return { tenantId: auth.tenant.id, mode: auth.mode };
}

/** The canonical id behind a `cus_…` id; an id that cannot exist is simply not found. */
export function customerIdParam(id: string, param = 'id'): string {
  const canonical = customerIdFromWire(id);
  if (canonical === null) throw new NotFoundError('customer', id, [param]);
  return canonical;
}
