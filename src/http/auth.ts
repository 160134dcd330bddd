import type { CredentialService, Principal } from '../domain/tenants/credential-service.ts';

/** Who the request acts for, set by its surface's authentication. */
export type AuthContext = Principal;

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

// A key is one token of visible ASCII; base64 is checked before it is decoded (Buffer skips bad characters).
const KEY = /^[\x21-\x7e]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The secret key from `Authorization: Bearer <key>` or HTTP Basic with the key as user name
 * (`base64(key:)`, as `curl -u key:` sends it). Anything else is malformed (null): a scheme and
 * exactly one credential, valid base64 whose decoding has its colon, a key of visible characters.
 */
export function secretFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^([A-Za-z]+) +(\S+)$/.exec(header.trim());
  if (!match) return null;
  const [, scheme, value] = match as unknown as [string, string, string];
  if (scheme.toLowerCase() === 'bearer') return KEY.test(value) ? value : null;
  if (scheme.toLowerCase() !== 'basic' || !BASE64.test(value)) return null;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? '' : decoded.slice(0, colon);
  return KEY.test(user) ? user : null;
}

export function maskKey(secret: string): string {
  const prefix = secret.match(/^(sk_(?:test|live)_)/)?.[1] ?? '';
  return prefix + '*'.repeat(Math.max(0, Math.min(secret.length - prefix.length - 4, 24))) + secret.slice(-4);
}

/** Resolves a secret key to its tenant and mode; throws AuthError otherwise. */
export async function authenticateSecretKey(credentials: CredentialService, header: string | undefined): Promise<AuthContext> {
  if (header === undefined || header.trim() === '') throw new AuthError('missing', null);
  const secret = secretFromHeader(header);
  if (secret === null) throw new AuthError('malformed', null);
  const verified = await credentials.verifySecretKey(secret);
  if (!verified.ok) throw new AuthError(verified.reason, maskKey(secret));
  return verified.principal;
}

/** Resolves an access token (from the OAuth client-credentials grant) to its tenant and mode; throws AuthError otherwise. */
export async function authenticateAccessToken(credentials: CredentialService, token: string): Promise<AuthContext> {
  const verified = await credentials.verifyAccessToken(token);
  if (!verified.ok) throw new AuthError(verified.reason, token.slice(0, 3) + '*'.repeat(24) + token.slice(-4));
  return verified.principal;
}
