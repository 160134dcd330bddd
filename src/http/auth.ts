import { accessTokenTenant, isClientActive } from '../domain/tenants/clients.ts';
import type { Mode } from '../domain/customers/model.ts';
import { hashSecret, isKeyActive, sameHash, secretKeyMode } from '../domain/tenants/secret-keys.ts';
import { type Tenant } from '../domain/tenants/tenant.ts';
import type { Store } from '../domain/store-port.ts';

export interface AuthContext {
  tenant: Tenant;
  mode: Mode;
  /** The id of the key or client used: safe to log and record; the secret never is. */
  keyId: string;
  /** What `keyId` names: a secret key, or client credentials (directly or through an access token). */
  keyKind: 'api_key' | 'client';
}

export type AuthFailure = 'missing' | 'malformed' | 'invalid' | 'expired';

export class AuthError extends Error {
  constructor(
    readonly reason: AuthFailure,
    /** The presented key with all but its last four characters masked, for the message. */
    readonly masked: string | null,
  ) {
    super(`authentication failed: ${reason}`);
    this.name = 'AuthError';
  }
}

/** The secret key from `Authorization: Bearer <key>` or HTTP Basic with the key as user name. */
export function secretFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!scheme || !value) return null;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? decoded : decoded.slice(0, colon);
  }
  return null;
}

export function maskKey(secret: string): string {
  const prefix = secret.match(/^(sk_(?:test|live)_)/)?.[1] ?? '';
  return prefix + '*'.repeat(Math.max(0, Math.min(secret.length - prefix.length - 4, 24))) + secret.slice(-4);
}

/** Resolves a secret key to its tenant and mode; throws AuthError otherwise. */
export async function authenticateSecretKey(store: Store, header: string | undefined): Promise<AuthContext> {
  if (header === undefined || header.trim() === '') throw new AuthError('missing', null);
  const secret = secretFromHeader(header);
  if (secret === null) throw new AuthError('malformed', null);
  const mode = secretKeyMode(secret);
  if (mode === null) throw new AuthError('invalid', maskKey(secret));
  const hash = hashSecret(secret);
  const found = await store.findApiKey(hash);
  // The lookup is by hash; compare again in constant time so that no code path compares secrets naively.
  if (!found || !sameHash(found.key.hash, hash) || found.key.mode !== mode) throw new AuthError('invalid', maskKey(secret));
  if (!isKeyActive(found.key)) throw new AuthError('expired', maskKey(secret));
  return { tenant: found.tenant, mode, keyId: found.key.id, keyKind: 'api_key' };
}

/**
 * Resolves an access token (issued by the OAuth client-credentials grant) to its tenant and
 * mode. The token names its tenant; it is looked up by hash within it. Tokens stop working when
 * they expire, and when the client that obtained them has been rolled and has expired.
 */
export async function authenticateAccessToken(store: Store, token: string): Promise<AuthContext> {
  const masked = token.slice(0, 3) + '*'.repeat(24) + token.slice(-4);
  const tenantId = accessTokenTenant(token);
  if (tenantId === null) throw new AuthError('invalid', masked);
  const hash = hashSecret(token);
  const record = await store.findAccessToken(tenantId, hash);
  if (!record || !sameHash(record.hash, hash)) throw new AuthError('invalid', masked);
  if (record.expires_at * 1000 <= Date.now()) throw new AuthError('expired', masked);
  const found = await store.findClient(record.client_id);
  if (!found || found.tenant.id !== tenantId) throw new AuthError('invalid', masked);
  if (!isClientActive(found.client)) throw new AuthError('expired', masked);
  return { tenant: found.tenant, mode: record.mode, keyId: record.client_id, keyKind: 'client' };
}
