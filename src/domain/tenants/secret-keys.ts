import { createHash, timingSafeEqual } from 'node:crypto';
import { randomBase62 } from '../ids.ts';
import type { Mode } from '../customers/model.ts';

/** What the store keeps of a secret key: never the key itself. */
export interface ApiKeyRecord {
  id: string;
  tenant_id: string;
  mode: Mode;
  /** SHA-256 of the whole key, hex. Keys carry 256 random bits, so a fast hash is enough. */
  hash: string;
  /** The last four characters, for people to tell keys apart. */
  last4: string;
  created: number;
  /** Unix seconds after which the key stops working; null while it is current. */
  expires_at: number | null;
}

export interface IssuedKey {
  secret: string;
  record: ApiKeyRecord;
}

const KEY_ENTROPY_BYTES = 32;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function issueSecretKey(tenantId: string, mode: Mode, keyId: string, nowMs: number = Date.now()): IssuedKey {
  const secret = `sk_${mode}_${randomBase62(KEY_ENTROPY_BYTES)}`;
  return {
    secret,
    record: {
      id: keyId,
      tenant_id: tenantId,
      mode,
      hash: hashSecret(secret),
      last4: secret.slice(-4),
      created: Math.floor(nowMs / 1000),
      expires_at: null,
    },
  };
}

/** The mode a secret key claims by its prefix, or null when it is not shaped like one. */
export function secretKeyMode(secret: string): Mode | null {
  if (/^sk_test_[0-9A-Za-z]{20,}$/.test(secret)) return 'test';
  if (/^sk_live_[0-9A-Za-z]{20,}$/.test(secret)) return 'live';
  return null;
}

export function isKeyActive(key: ApiKeyRecord, nowMs: number = Date.now()): boolean {
  return key.expires_at === null || key.expires_at * 1000 > nowMs;
}
