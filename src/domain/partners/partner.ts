import { randomBytes } from 'node:crypto';
import type { Mode } from '../customers/model.ts';
import { hashSecret } from '../tenants/secret-keys.ts';

/**
 * A partner application (Count's "API Access Credentials"): registered by the host admin, it
 * signs its requests with its client id and secret (HMAC, as a tenant's own client does) and is
 * granted access to workspaces (tenants) through the authorization-code flow.
 */
export interface PartnerAppRecord {
  id: string;
  name: string;
  /** Sealed with the master key: the HMAC check needs the secret itself. */
  secret_sealed: string;
  /** The secret before the last roll, sealed, and when it stops signing (unix s); null when none. */
  previous_secret_sealed: string | null;
  previous_expires_at: number | null;
  redirect_uris: string[];
  created: number;
}

/**
 * What a partner holds for one workspace and mode, kept as hashes: a single-use authorization
 * `code` (bound to the redirect URI it was asked for), and the `access` and `refresh` tokens it
 * is exchanged for. The tokens of one consent share `grant_id`.
 */
export interface PartnerGrantRecord {
  hash: string;
  kind: 'code' | 'access' | 'refresh';
  app_id: string;
  tenant_id: string;
  mode: Mode;
  grant_id: string;
  redirect_uri: string | null;
  created: number;
  expires_at: number;
}

export const PARTNER_CLIENT_PREFIX = 'pcl_';
const PREFIXES = { code: 'pac_', access: 'pat_', refresh: 'prt_' } as const;

export const newPartnerSecret = (): string => randomBytes(32).toString('base64url');
export const newPartnerClientId = (): string => PARTNER_CLIENT_PREFIX + randomBytes(12).toString('hex');
export const newGrantId = (): string => randomBytes(12).toString('hex');

/** A new code or token of `kind`, and its record. */
export function newGrant(kind: PartnerGrantRecord['kind'], fields: Omit<PartnerGrantRecord, 'hash' | 'kind' | 'created' | 'expires_at'>, nowMs: number, ttlSeconds: number): { token: string; record: PartnerGrantRecord } {
  const token = PREFIXES[kind] + randomBytes(32).toString('base64url');
  const created = Math.floor(nowMs / 1000);
  return { token, record: { ...fields, kind, hash: hashSecret(token), created, expires_at: created + ttlSeconds } };
}

export const isPartnerToken = (token: string): boolean => token.startsWith(PREFIXES.access);
export const isPartnerClientId = (id: string): boolean => id.startsWith(PARTNER_CLIENT_PREFIX) && id.length <= 64;

/**
 * A redirect URI a partner may register: absolute http(s), no query string (Count: "must not
 * contain query parameters"), no fragment (OAuth 2.0, RFC 6749 §3.1.2).
 */
export function redirectUriProblem(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `'${uri}' is not an absolute URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `'${uri}' must be http or https`;
  if (url.search !== '' || uri.includes('?')) return `'${uri}' must not contain query parameters`;
  if (url.hash !== '' || uri.includes('#')) return `'${uri}' must not contain a fragment`;
  return null;
}
