import type { CustomerScope, Mode } from '../customers/model.ts';
import type { PartnerRecords, TenantRecords } from '../store-port.ts';
import type { Principal } from '../tenants/credential-service.ts';
import type { SecretBox } from '../tenants/secret-box.ts';
import { hashSecret, sameHash } from '../tenants/secret-keys.ts';
import type { Tenant } from '../tenants/tenant.ts';
import {
  isPartnerClientId,
  newGrant,
  newGrantId,
  newPartnerClientId,
  newPartnerSecret,
  redirectUriProblem,
  type PartnerAppRecord,
} from './partner.ts';

/** Lifetimes: a code is spent within minutes; an access token lasts an hour; a refresh token a month. */
export const CODE_TTL_SECONDS = 10 * 60;
export const ACCESS_TOKEN_TTL_SECONDS = 3600;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400;

/** Why a partner request was refused: the surface words it. */
export type PartnerProblem = 'invalid_application' | 'unknown_client' | 'invalid_redirect_uri' | 'invalid_code' | 'invalid_refresh_token' | 'client_mismatch';

export class PartnerError extends Error {
  constructor(
    readonly problem: PartnerProblem,
    message: string,
  ) {
    super(message);
    this.name = 'PartnerError';
  }
}

/** What an exchange or a refresh hands the partner. */
export interface PartnerTokens {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: number;
  refreshTokenExpiresAt: number;
  tenant: Tenant;
  mode: Mode;
}

export type PartnerTokenCheck = { ok: true; principal: Principal } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * Count's partner applications and their OAuth authorization-code grants: the host admin
 * registers an application; a workspace owner consents (the console) and the application gets a
 * single-use code for that workspace and mode, which it exchanges for an access token and a
 * rotating refresh token. Everything secret is stored as a hash, but the application's own
 * secret, which is sealed (the HMAC check needs it).
 */
export class PartnerService {
  constructor(
    private readonly store: PartnerRecords & Pick<TenantRecords, 'getTenant'>,
    private readonly box: SecretBox,
  ) {}

  async createApp(name: string, redirectUris: string[], nowMs = Date.now()): Promise<{ app: PartnerAppRecord; secret: string }> {
    if (name.trim() === '' || name.length > 200) throw new PartnerError('invalid_application', 'A partner application needs a name of 1 to 200 characters.');
    if (redirectUris.length === 0) throw new PartnerError('invalid_redirect_uri', 'A partner application needs at least one redirect URI.');
    for (const uri of redirectUris) {
      const problem = redirectUriProblem(uri);
      if (problem) throw new PartnerError('invalid_redirect_uri', `Redirect URI ${problem}.`);
    }
    const id = newPartnerClientId();
    const secret = newPartnerSecret();
    const app: PartnerAppRecord = {
      id,
      name: name.trim(),
      secret_sealed: this.box.seal(secret, id),
      previous_secret_sealed: null,
      previous_expires_at: null,
      redirect_uris: [...new Set(redirectUris)],
      created: Math.floor(nowMs / 1000),
    };
    await this.store.insertPartnerApp(app);
    return { app, secret };
  }

  listApps(): Promise<PartnerAppRecord[]> {
    return this.store.listPartnerApps();
  }

  /** The application with this client id and the secrets that sign for it now (the current first; a rolled one in its grace), or null. */
  async signingApp(clientId: string, nowMs = Date.now()): Promise<{ app: PartnerAppRecord; secrets: string[] } | null> {
    const app = isPartnerClientId(clientId) ? await this.store.findPartnerApp(clientId) : null;
    if (!app) return null;
    const secrets = [this.box.open(app.secret_sealed, app.id)];
    if (app.previous_secret_sealed !== null && app.previous_expires_at !== null && app.previous_expires_at * 1000 > nowMs) secrets.push(this.box.open(app.previous_secret_sealed, app.id));
    return { app, secrets };
  }

  /** A new secret for the application; the old one keeps signing for `graceSeconds` (0: stops at once). */
  async rollSecret(clientId: string, graceSeconds: number, nowMs = Date.now()): Promise<string> {
    const app = isPartnerClientId(clientId) ? await this.store.findPartnerApp(clientId) : null;
    if (!app) throw new PartnerError('unknown_client', `No partner application ${clientId}.`);
    const secret = newPartnerSecret();
    const rolled: PartnerAppRecord = {
      ...app,
      secret_sealed: this.box.seal(secret, app.id),
      previous_secret_sealed: graceSeconds > 0 ? app.secret_sealed : null,
      previous_expires_at: graceSeconds > 0 ? Math.floor(nowMs / 1000) + graceSeconds : null,
    };
    if (!(await this.store.rollPartnerAppSecret(rolled))) throw new PartnerError('unknown_client', `No partner application ${clientId}.`);
    return secret;
  }

  /** Removes the application and every grant it holds: its tokens stop working at once. */
  async remove(clientId: string): Promise<boolean> {
    return isPartnerClientId(clientId) && this.store.deletePartnerApp(clientId);
  }

  /** The application an authorization request names, once its redirect URI is one it registered, exactly. */
  async authorizationRequest(clientId: string, redirectUri: string): Promise<PartnerAppRecord> {
    const app = isPartnerClientId(clientId) ? await this.store.findPartnerApp(clientId) : null;
    if (!app) throw new PartnerError('unknown_client', 'Invalid client id.');
    if (!app.redirect_uris.includes(redirectUri)) throw new PartnerError('invalid_redirect_uri', 'Invalid redirect uri.');
    return app;
  }

  /** A single-use code for the consent just given (the console's consent page). */
  async issueCode(app: PartnerAppRecord, redirectUri: string, tenant: Tenant, mode: Mode, nowMs = Date.now()): Promise<string> {
    await this.authorizationRequest(app.id, redirectUri);
    const { token, record } = newGrant('code', { app_id: app.id, tenant_id: tenant.id, mode, grant_id: newGrantId(), redirect_uri: redirectUri }, nowMs, CODE_TTL_SECONDS);
    await this.store.insertPartnerGrant(record);
    return token;
  }

  /** Exchanges a code the application was given for its tokens; the code is spent either way it goes. */
  exchangeCode(app: PartnerAppRecord, code: string, nowMs = Date.now()): Promise<PartnerTokens> {
    return this.spend(app, code, 'code', nowMs, new PartnerError('invalid_code', 'Invalid or expired authorization code.'));
  }

  /** New tokens for a refresh token; the old refresh token stops working. */
  refresh(app: PartnerAppRecord, refreshToken: string, nowMs = Date.now()): Promise<PartnerTokens> {
    return this.spend(app, refreshToken, 'refresh', nowMs, new PartnerError('invalid_refresh_token', 'Invalid refresh token.'));
  }

  /** The principal a partner access token names, when `appId` is the application it was issued to. */
  async verifyAccessToken(appId: string, token: string, nowMs = Date.now()): Promise<PartnerTokenCheck> {
    const hash = hashSecret(token);
    const grant = await this.store.findPartnerGrant(hash);
    if (!grant || grant.kind !== 'access' || !sameHash(grant.hash, hash) || grant.app_id !== appId) return { ok: false, reason: 'invalid' };
    if (grant.expires_at * 1000 <= nowMs) return { ok: false, reason: 'expired' };
    const tenant = await this.store.getTenant(grant.tenant_id);
    if (!tenant) return { ok: false, reason: 'invalid' };
    return { ok: true, principal: { tenant, mode: grant.mode, keyId: grant.app_id, keyKind: 'partner' } };
  }

  /** The applications a workspace's mode is connected to: one row per consent whose refresh token still works. */
  async connections(scope: CustomerScope, nowMs = Date.now()): Promise<{ grantId: string; app: PartnerAppRecord | null; connectedAt: number; expiresAt: number }[]> {
    const grants = (await this.store.listPartnerGrants(scope)).filter((grant) => grant.expires_at * 1000 > nowMs);
    const apps = new Map<string, PartnerAppRecord | null>();
    for (const grant of grants) if (!apps.has(grant.app_id)) apps.set(grant.app_id, await this.store.findPartnerApp(grant.app_id));
    return grants.map((grant) => ({ grantId: grant.grant_id, app: apps.get(grant.app_id) ?? null, connectedAt: grant.created, expiresAt: grant.expires_at }));
  }

  /** Ends one consent: its access and refresh tokens stop working at once. False when there was none. */
  async revoke(scope: CustomerScope, grantId: string): Promise<boolean> {
    return (await this.store.revokePartnerGrant(scope, grantId)) > 0;
  }

  private async spend(app: PartnerAppRecord, presented: string, kind: 'code' | 'refresh', nowMs: number, refusal: PartnerError): Promise<PartnerTokens> {
    const hash = hashSecret(presented);
    const grant = await this.store.findPartnerGrant(hash);
    if (!grant || grant.kind !== kind || !sameHash(grant.hash, hash) || grant.app_id !== app.id) throw refusal;
    const tenant = await this.store.getTenant(grant.tenant_id);
    const fields = { app_id: app.id, tenant_id: grant.tenant_id, mode: grant.mode, grant_id: grant.grant_id, redirect_uri: null };
    const access = newGrant('access', fields, nowMs, ACCESS_TOKEN_TTL_SECONDS);
    const refresh = newGrant('refresh', fields, nowMs, REFRESH_TOKEN_TTL_SECONDS);
    const live = grant.expires_at * 1000 > nowMs && tenant !== null;
    // Spent even when refused for its age: an expired code or token is never tried twice.
    const spent = await this.store.exchangePartnerGrant(hash, live ? [access.record, refresh.record] : []);
    if (!spent || !live) throw refusal;
    return {
      accessToken: access.token,
      refreshToken: refresh.token,
      accessTokenExpiresAt: access.record.expires_at,
      refreshTokenExpiresAt: refresh.record.expires_at,
      tenant,
      mode: grant.mode,
    };
  }
}


