import type { Mode } from '../customers/model.ts';
import { fromBase62, randomBase62, toBase62 } from '../ids.ts';
import type { SecretBox } from './secret-box.ts';
import { hashSecret } from './secret-keys.ts';

/**
 * Client credentials: a public client id and a client secret, per tenant and mode. They sign
 * requests (Count's HMAC) and obtain access tokens (Asset's OAuth 2.0 client-credentials grant).
 * An HMAC key must be readable by the server, so the secret is stored encrypted (SecretBox),
 * bound to its client id, never as plain text and never logged.
 */
export interface ClientRecord {
  id: string;
  tenant_id: string;
  mode: Mode;
  secret_sealed: string;
  created: number;
  /** Unix seconds after which the credentials stop working; null while current. */
  expires_at: number | null;
}

/** What the store keeps of an access token: its SHA-256, never the token. */
export interface AccessTokenRecord {
  tenant_id: string;
  hash: string;
  client_id: string;
  mode: Mode;
  created: number;
  expires_at: number;
}

const SECRET_ENTROPY_BYTES = 32;
const TOKEN_PREFIX = 'at_';
const TENANT_PART = 17; // base62 characters of a 96-bit id

/** Whether `id` could be a client id at all (`cli_test_…`/`cli_live_…`); anything else is not looked up. */
export function isClientIdShaped(id: string): boolean {
  return /^cli_(?:test|live)_[0-9A-Za-z]{1,64}$/.test(id);
}

export function issueClient(box: SecretBox, tenantId: string, mode: Mode, nowMs: number = Date.now()): { secret: string; record: ClientRecord } {
  const id = `cli_${mode}_${randomBase62(16)}`;
  const secret = `cs_${mode}_${randomBase62(SECRET_ENTROPY_BYTES)}`;
  return {
    secret,
    record: { id, tenant_id: tenantId, mode, secret_sealed: box.seal(secret, id), created: Math.floor(nowMs / 1000), expires_at: null },
  };
}

export function clientSecret(box: SecretBox, client: ClientRecord): string {
  return box.open(client.secret_sealed, client.id);
}

export function isClientActive(client: ClientRecord, nowMs: number = Date.now()): boolean {
  return client.expires_at === null || client.expires_at * 1000 > nowMs;
}

/**
 * A bearer token for `client`. It carries its tenant's id in the clear (`at_` + 17 base62
 * characters + 43 random ones) so the store finds it by (tenant, hash), like everything else.
 */
export function issueAccessToken(client: Pick<ClientRecord, 'id' | 'tenant_id' | 'mode'>, ttlSeconds: number, nowMs: number = Date.now()): { token: string; record: AccessTokenRecord } {
  const token = TOKEN_PREFIX + toBase62(client.tenant_id) + randomBase62(SECRET_ENTROPY_BYTES);
  const created = Math.floor(nowMs / 1000);
  // Rounded up: a token lives at least the seconds it was issued for, never a fraction less.
  const expires_at = Math.ceil((nowMs + ttlSeconds * 1000) / 1000);
  return {
    token,
    record: { tenant_id: client.tenant_id, hash: hashSecret(token), client_id: client.id, mode: client.mode, created, expires_at },
  };
}

/** The tenant an access token names, or null when the text is not shaped like one. */
export function accessTokenTenant(token: string): string | null {
  if (!token.startsWith(TOKEN_PREFIX) || !/^at_[0-9A-Za-z]{60,}$/.test(token)) return null;
  return fromBase62(token.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + TENANT_PART));
}
