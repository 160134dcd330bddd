import type { FastifyRequest } from 'fastify';
import type { Customer, CustomerScope } from '../../domain/customers/model.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { isCanonicalId } from '../../domain/ids.ts';
import { AuthError, authenticateSecretKey } from '../../http/auth.ts';
import type { App } from '../../http/types.ts';

/**
 * `Authorization: Bearer <API key>`, as CheckoutPage documents; the key is one of the tenant's
 * secret keys (sk_test_… sees test data only, sk_live_… live data only). Any other scheme,
 * HTTP Basic included, is refused like a missing key.
 */
export function authenticate(app: App) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (header === undefined || !/^\s*bearer\s+\S/i.test(header)) throw new AuthError(header ? 'malformed' : 'missing', null);
    request.auth = await authenticateSecretKey(app.credentials, header);
  };
}

export function scopeOf(request: FastifyRequest): CustomerScope {
  const auth = request.auth;
  if (!auth) throw new Error('route reached without authentication');
  return { tenantId: auth.tenant.id, mode: auth.mode };
}

/** The canonical id in the path; an id that cannot exist is simply not found. */
export function customerIdParam(id: string): string {
  if (!isCanonicalId(id)) throw new NotFoundError('customer', id, ['customerId']);
  return id;
}

/** A cursor of the list: a customer id, or NotFoundError naming the parameter (a 400). */
export function cursorParam(id: string, param: 'starting_after' | 'ending_before'): string {
  if (!isCanonicalId(id)) throw new NotFoundError('customer', id, [param]);
  return id;
}

/** A customer that is not deleted; deleted ones are not found, as they never appear in lists. */
export function live(customer: Customer): Customer {
  if (customer.deleted) throw new NotFoundError('customer', customer.id, ['customerId']);
  return customer;
}
