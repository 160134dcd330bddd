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
/** A token good for every business of its client's Asset account (issued without business_id). */
const ACCOUNT_TOKEN_PREFIX = 'ata_';
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

/** Which businesses a token is good for: one tenant (its own, or a business of its Asset account), or its whole account. */
export type TokenScope = { tenantId: string } | { account: true };

/**
 * A bearer token for `client`. It carries the id of the tenant it is kept under in the clear
 * (`at_` + 17 base62 characters + 43 random ones) so the store finds it by (tenant, hash), like
 * everything else: the business it is scoped to, or, for an account-wide token (`ata_…`), the
 * client's own tenant.
 */
export function issueAccessToken(
  client: Pick<ClientRecord, 'id' | 'tenant_id' | 'mode'>,
  ttlSeconds: number,
  nowMs: number = Date.now(),
  scope: TokenScope = { tenantId: client.tenant_id },
): { token: string; record: AccessTokenRecord } {
  const tenantId = 'account' in scope ? client.tenant_id : scope.tenantId;
  const prefix = 'account' in scope ? ACCOUNT_TOKEN_PREFIX : TOKEN_PREFIX;
  const token = prefix + toBase62(tenantId) + randomBase62(SECRET_ENTROPY_BYTES);
  const created = Math.floor(nowMs / 1000);
  // Rounded up: a token lives at least the seconds it was issued for, never a fraction less.
  const expires_at = Math.ceil((nowMs + ttlSeconds * 1000) / 1000);
  return {
    token,
    record: { tenant_id: tenantId, hash: hashSecret(token), client_id: client.id, mode: client.mode, created, expires_at },
  };
}

/** The tenant an access token is kept under and whether it is account-wide, or null when the text is not shaped like one. */
export function accessTokenTenant(token: string): { tenantId: string; account: boolean } | null {
  const match = /^(at|ata)_([0-9A-Za-z]{60,})$/.exec(token);
  if (!match) return null;
  const tenantId = fromBase62(match[2]!.slice(0, TENANT_PART));
  return tenantId === null ? null : { tenantId, account: match[1] === 'ata' };
}
