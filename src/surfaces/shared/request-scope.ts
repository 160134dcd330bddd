import type { FastifyRequest } from 'fastify';
import type { CustomerScope } from '../../domain/customers/model.ts';
import { NotFoundError } from '../../domain/errors.ts';

/** The tenant and mode the request was authenticated for: every customer operation is scoped to them. */
export function scopeOf(request: FastifyRequest): CustomerScope {
  const auth = request.auth;
  if (!auth) throw new Error('route reached without authentication');
  return { tenantId: auth.tenant.id, mode: auth.mode };
}

/**
 * The canonical id behind a surface's rendering of it (`cus_…`, `txi_…`, a UUID, 24 hex); an id
 * that cannot exist is simply not found, naming the request field that carried it.
 */
export function wireIdParam(resource: NotFoundError['resource'], parse: (text: string) => string | null, text: string, field: string): string {
  const canonical = parse(text);
  if (canonical === null) throw new NotFoundError(resource, text, [field]);
  return canonical;
}

/** The canonical customer id behind a surface's rendering of it. */
export function customerIdParam(parse: (text: string) => string | null, text: string, field: string): string {
  return wireIdParam('customer', parse, text, field);
}
