import { createHash, randomBytes } from 'node:crypto';
import type { Mode } from '../customers/model.ts';
import { hashSecret } from '../tenants/secret-keys.ts';

/**
 * A console sign-in, kept as the hash of its token. `session`: a signed-in browser, for one
 * tenant and mode (signed in with that mode's secret key, whose hash it keeps: the session ends
 * when the key stops working) or for the host admin (no tenant). `admin_link`: a one-time link
 * from `clientele console link`, spent when it opens a session.
 */
export interface ConsoleSessionRecord {
  hash: string;
  kind: 'session' | 'admin_link';
  tenant_id: string | null;
  mode: Mode | null;
  key_hash: string | null;
  /** Unix seconds. */
  created: number;
  expires_at: number;
}

const TOKEN_BYTES = 32;

/** A new token and its record; the token leaves only in a cookie or a printed link. */
export function newConsoleToken(record: Omit<ConsoleSessionRecord, 'hash'>): { token: string; record: ConsoleSessionRecord } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, record: { ...record, hash: hashSecret(token) } };
}

/**
 * The session's CSRF token: derived from the session token (so nothing more is stored), and not
 * the token itself, which a form must never carry.
 */
export function csrfTokenOf(sessionToken: string): string {
  return createHash('sha256').update(`clientele-console-csrf:${sessionToken}`).digest('base64url');
}
