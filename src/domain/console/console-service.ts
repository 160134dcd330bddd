import type { Mode } from '../customers/model.ts';
import type { ConsoleSessionRecords, CredentialRecords, TenantRecords } from '../store-port.ts';
import type { CredentialService, Principal } from '../tenants/credential-service.ts';
import { hashSecret, isKeyActive, sameHash } from '../tenants/secret-keys.ts';
import { newConsoleToken } from './console-session.ts';

/** A signed-in browser: the host admin, or a tenant in one mode through one of its secret keys. */
export type ConsoleUser = { admin: true; expiresAt: number } | { admin: false; principal: Principal; expiresAt: number };

export const SESSION_TTL_SECONDS = 8 * 3600;
export const ADMIN_LINK_TTL_SECONDS = 15 * 60;

/**
 * Console sign-in. A tenant signs in with a secret key and gets a session for that key's tenant
 * and mode, which ends when the key stops working (rolled and expired) or after eight hours; the
 * host admin opens a session with a one-time link. Sessions live in the store, so every server
 * knows them and signing out ends them everywhere.
 */
export class ConsoleService {
  constructor(
    private readonly store: ConsoleSessionRecords & Pick<CredentialRecords, 'findApiKey'> & Pick<TenantRecords, 'getTenant'>,
    private readonly credentials: CredentialService,
  ) {}

  /** A session token for a valid secret key, else null (the key's tenant and mode come with it). */
  async signInWithKey(secret: string, nowMs = Date.now()): Promise<{ token: string; mode: Mode } | null> {
    const verified = await this.credentials.verifySecretKey(secret.trim());
    if (!verified.ok) return null;
    const created = Math.floor(nowMs / 1000);
    const { token, record } = newConsoleToken({
      kind: 'session',
      tenant_id: verified.principal.tenant.id,
      mode: verified.principal.mode,
      key_hash: hashSecret(secret.trim()),
      created,
      expires_at: created + SESSION_TTL_SECONDS,
    });
    await this.store.insertConsoleSession(record);
    return { token, mode: verified.principal.mode };
  }

  /** A one-time admin sign-in link's token (`clientele console link`). */
  async createAdminLink(nowMs = Date.now()): Promise<{ token: string; expiresAt: number }> {
    const created = Math.floor(nowMs / 1000);
    const { token, record } = newConsoleToken({ kind: 'admin_link', tenant_id: null, mode: null, key_hash: null, created, expires_at: created + ADMIN_LINK_TTL_SECONDS });
    await this.store.insertConsoleSession(record);
    return { token, expiresAt: record.expires_at };
  }

  /** Spends a one-time link (whatever the outcome) and opens an admin session; null when it was spent, expired or never made. */
  async redeemAdminLink(linkToken: string, nowMs = Date.now()): Promise<string | null> {
    const hash = hashSecret(linkToken);
    const found = await this.store.findConsoleSession(hash);
    if (!found || found.kind !== 'admin_link' || !(await this.store.deleteConsoleSession(hash))) return null;
    if (found.expires_at * 1000 <= nowMs) return null;
    const created = Math.floor(nowMs / 1000);
    const { token, record } = newConsoleToken({ kind: 'session', tenant_id: null, mode: null, key_hash: null, created, expires_at: created + SESSION_TTL_SECONDS });
    await this.store.insertConsoleSession(record);
    return token;
  }

  /** Who the session token names now, or null (unknown, expired, or its key no longer works). */
  async userOf(sessionToken: string, nowMs = Date.now()): Promise<ConsoleUser | null> {
    const hash = hashSecret(sessionToken);
    const session = await this.store.findConsoleSession(hash);
    if (!session || session.kind !== 'session' || !sameHash(session.hash, hash) || session.expires_at * 1000 <= nowMs) return null;
    if (session.tenant_id === null) return { admin: true, expiresAt: session.expires_at };
    const found = session.key_hash ? await this.store.findApiKey(session.key_hash) : null;
    if (!found || found.tenant.id !== session.tenant_id || found.key.mode !== session.mode || !isKeyActive(found.key, nowMs)) return null;
    return {
      admin: false,
      principal: { tenant: found.tenant, mode: found.key.mode, keyId: found.key.id, keyKind: 'api_key' },
      expiresAt: session.expires_at,
    };
  }

  async signOut(sessionToken: string): Promise<void> {
    await this.store.deleteConsoleSession(hashSecret(sessionToken));
  }
}
