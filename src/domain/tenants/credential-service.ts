import type { Mode } from '../customers/model.ts';
import type { CredentialRecords, TenantRecords } from '../store-port.ts';
import { accessTokenTenant, clientSecret, isClientActive, isClientIdShaped, issueAccessToken, type ClientRecord, type TokenScope } from './clients.ts';
import type { SecretBox } from './secret-box.ts';
import { hashSecret, isKeyActive, sameHash, secretKeyMode } from './secret-keys.ts';
import { sameAssetAccount, type Tenant } from './tenant.ts';

/** Who a request acts for: a tenant in one mode, through one key or client (its id: safe to log, never a secret). */
export interface Principal {
  tenant: Tenant;
  mode: Mode;
  keyId: string;
  /** What `keyId` names: a secret key, client credentials (directly or through an access token), or a partner application (through a token a workspace granted it). */
  keyKind: 'api_key' | 'client' | 'partner';
  /** An access token issued without a business: good for every business of the tenant's Asset account. */
  accountWide?: true;
}

/** A credential checked: the principal it names, or why it names none. */
export type Verified = { ok: true; principal: Principal } | { ok: false; reason: 'invalid' | 'expired' };

/** A client that signs requests (Count's HMAC): its secret, opened for the signature check. */
export interface SigningClient {
  principal: Principal;
  secret: string;
  active: boolean;
}

const MAX_CLIENT_ID_LENGTH = 200;
/** Compared against when the client is unknown, so that the answer takes as long either way. */
const NO_SECRET_HASH = hashSecret('no client has this secret');

function clientPrincipal(client: ClientRecord, tenant: Tenant): Principal {
  return { tenant, mode: client.mode, keyId: client.id, keyKind: 'client' };
}

/**
 * Every credential check: secret keys, client credentials and access tokens. Secrets are looked
 * up by hash and compared again in constant time, so that no path compares secrets naively.
 */
export class CredentialService {
  constructor(
    private readonly store: CredentialRecords & Pick<TenantRecords, 'getTenant'>,
    private readonly box: SecretBox,
  ) {}

  async verifySecretKey(secret: string): Promise<Verified> {
    const mode = secretKeyMode(secret);
    if (mode === null) return { ok: false, reason: 'invalid' };
    const hash = hashSecret(secret);
    const found = await this.store.findApiKey(hash);
    if (!found || !sameHash(found.key.hash, hash) || found.key.mode !== mode) return { ok: false, reason: 'invalid' };
    if (!isKeyActive(found.key)) return { ok: false, reason: 'expired' };
    return { ok: true, principal: { tenant: found.tenant, mode, keyId: found.key.id, keyKind: 'api_key' } };
  }

  /**
   * An access token from the client-credentials grant. It names its tenant and is looked up by
   * hash within it; it stops working when it expires, and when its client has been rolled and has
   * expired.
   */
  async verifyAccessToken(token: string): Promise<Verified> {
    const named = accessTokenTenant(token);
    if (named === null) return { ok: false, reason: 'invalid' };
    const hash = hashSecret(token);
    const record = await this.store.findAccessToken(named.tenantId, hash);
    if (!record || !sameHash(record.hash, hash)) return { ok: false, reason: 'invalid' };
    if (record.expires_at * 1000 <= Date.now()) return { ok: false, reason: 'expired' };
    const found = await this.store.findClient(record.client_id);
    if (!found) return { ok: false, reason: 'invalid' };
    if (!isClientActive(found.client)) return { ok: false, reason: 'expired' };
    const principal: Principal = { tenant: found.tenant, mode: record.mode, keyId: record.client_id, keyKind: 'client' };
    if (named.account) return found.tenant.id === named.tenantId ? { ok: true, principal: { ...principal, accountWide: true } } : { ok: false, reason: 'invalid' };
    if (found.tenant.id === named.tenantId) return { ok: true, principal };
    // Scoped to another business of the client's Asset account: good while both still share it.
    const business = await this.store.getTenant(named.tenantId);
    if (!business || !sameAssetAccount(found.tenant, business)) return { ok: false, reason: 'invalid' };
    return { ok: true, principal: { ...principal, tenant: business } };
  }

  /**
   * The principal acting for business `tenantId`: the principal itself for its own tenant; for
   * another, only an account-wide token acts, and only for a business of the same Asset account.
   */
  async actingFor(principal: Principal, tenantId: string): Promise<Principal | null> {
    if (principal.tenant.id === tenantId) return principal;
    if (!principal.accountWide) return null;
    const business = await this.store.getTenant(tenantId);
    return business && sameAssetAccount(principal.tenant, business) ? { ...principal, tenant: business } : null;
  }

  /** The client with this id and its secret, expired or not; null when there is none (ids that cannot exist are not looked up). */
  async signingClient(clientId: string): Promise<SigningClient | null> {
    const found = isClientIdShaped(clientId) ? await this.store.findClient(clientId) : null;
    if (!found) return null;
    return { principal: clientPrincipal(found.client, found.tenant), secret: clientSecret(this.box, found.client), active: isClientActive(found.client) };
  }

  /**
   * Client authentication with id and secret (OAuth's client-credentials grant): the principal of
   * an active client whose secret matches, else null, in the same time either way.
   */
  async authenticateClient(clientId: string, secret: string): Promise<Principal | null> {
    const found = clientId.length <= MAX_CLIENT_ID_LENGTH && isClientIdShaped(clientId) ? await this.store.findClient(clientId) : null;
    const active = found && isClientActive(found.client) ? found : null;
    const expected = active ? hashSecret(clientSecret(this.box, active.client)) : NO_SECRET_HASH;
    // Compared as SHA-256 digests: equal lengths, constant time.
    if (!sameHash(hashSecret(secret), expected) || !active) return null;
    return clientPrincipal(active.client, active.tenant);
  }

  /** A new access token for a client principal, valid `ttlSeconds`; only its hash is stored. */
  /**
   * A new access token for the client, and when it expires (unix seconds). `business`: the tenant
   * it is scoped to (the client's own, or one of its Asset account: null when the client may not
   * act for it); none: the whole account when the client's tenant belongs to one, else its own.
   */
  async issueAccessToken(principal: Principal, ttlSeconds: number, businessId?: string): Promise<{ token: string; expiresAt: number } | null> {
    if (principal.keyKind !== 'client') throw new Error('access tokens are issued to clients');
    let scope: TokenScope;
    if (businessId === undefined) {
      scope = principal.tenant.settings.asset_account != null ? { account: true } : { tenantId: principal.tenant.id };
    } else {
      const business = businessId === principal.tenant.id ? principal.tenant : await this.store.getTenant(businessId);
      if (!business || !sameAssetAccount(principal.tenant, business)) return null;
      scope = { tenantId: business.id };
    }
    const { token, record } = issueAccessToken({ id: principal.keyId, tenant_id: principal.tenant.id, mode: principal.mode }, ttlSeconds, Date.now(), scope);
    await this.store.insertAccessToken(record);
    return { token, expiresAt: record.expires_at };
  }
}
