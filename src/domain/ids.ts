import { randomBytes, randomFillSync } from 'node:crypto';

/**
 * Every record id is 96 bits: a 48-bit millisecond timestamp followed by 48 random bits.
 * The canonical form is 24 lower-case hex characters; each surface renders it its own way
 * (`cus_` + base62 natively). All renderings sort in creation order.
 */
export const ID_HEX_LENGTH = 24;
const RANDOM_MASK = (1n << 48n) - 1n;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE62_LENGTH = 17; // 62^17 > 2^96
const HEX_ID = /^[0-9a-f]{24}$/;

let lastMs = 0;
let lastRandom = 0n;

/** A new canonical id; ids made by one process are strictly increasing. */
export function newId(nowMs: number = Date.now()): string {
  let random: bigint;
  if (nowMs <= lastMs) {
    // Same (or earlier, if the clock stepped back) millisecond: keep order by counting up.
    nowMs = lastMs;
    random = lastRandom + 1n;
    if (random > RANDOM_MASK) {
      nowMs += 1;
      random = randomBigInt48() >> 1n;
    }
  } else {
    // Leave headroom in the top bit so that a burst within one millisecond cannot overflow.
    random = randomBigInt48() >> 1n;
  }
  lastMs = nowMs;
  lastRandom = random;
  const value = (BigInt(nowMs) << 48n) | random;
  return value.toString(16).padStart(ID_HEX_LENGTH, '0');
}

function randomBigInt48(): bigint {
  return BigInt('0x' + randomBytes(6).toString('hex'));
}

export function isCanonicalId(id: string): boolean {
  return HEX_ID.test(id);
}

/** Milliseconds since the epoch at which the id was made. */
export function idTimeMs(id: string): number {
  return Number(BigInt('0x' + id) >> 48n);
}

// Base62 of a 96-bit id in three 32-bit limbs of plain numbers (every intermediate stays below
// 2^38, so exact): several times faster than BigInt, and ids are rendered on every response.
const LIMB = 2 ** 32;

export function toBase62(id: string): string {
  if (!HEX_ID.test(id)) throw new TypeError(`not a canonical id: ${id}`);
  let hi = parseInt(id.slice(0, 8), 16);
  let mid = parseInt(id.slice(8, 16), 16);
  let lo = parseInt(id.slice(16), 16);
  const out = new Array<string>(BASE62_LENGTH);
  for (let i = BASE62_LENGTH - 1; i >= 0; i--) {
    let t = hi;
    hi = Math.floor(t / 62);
    t = (t - hi * 62) * LIMB + mid;
    mid = Math.floor(t / 62);
    t = (t - mid * 62) * LIMB + lo;
    lo = Math.floor(t / 62);
    out[i] = BASE62[t - lo * 62]!;
  }
  return out.join('');
}

/** The canonical id for a base62 rendering, or null when the text is not one. */
export function fromBase62(text: string): string | null {
  if (text.length !== BASE62_LENGTH) return null;
  let hi = 0;
  let mid = 0;
  let lo = 0;
  for (let i = 0; i < BASE62_LENGTH; i++) {
    const digit = BASE62.indexOf(text[i]!);
    if (digit < 0) return null;
    let t = lo * 62 + digit;
    lo = t % LIMB;
    t = mid * 62 + Math.floor(t / LIMB);
    mid = t % LIMB;
    t = hi * 62 + Math.floor(t / LIMB);
    hi = t % LIMB;
    if (t >= LIMB) return null; // above 2^96
  }
  return hex8(hi) + hex8(mid) + hex8(lo);
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/** A random base62 string of `bytes` bytes of entropy, for secrets (fresh from the CSPRNG each time). */
export function randomBase62(bytes: number): string {
  let value = BigInt('0x' + randomBytes(bytes).toString('hex'));
  const length = Math.ceil((bytes * 8) / Math.log2(62));
  let out = '';
  for (let i = 0; i < length; i++) {
    out = BASE62[Number(value % 62n)]! + out;
    value /= 62n;
  }
  return out;
}

// Random bytes for identifiers that are not secrets, drawn from a pool: one CSPRNG call per
// 4 KiB instead of one per request id.
const pool = Buffer.alloc(4096);
let poolUsed = pool.length;

/** `chars` random base62 characters (5.95 bits each, uniform) for ids that are not secrets: request ids. */
export function pooledRandomBase62(chars: number): string {
  let out = '';
  while (out.length < chars) {
    if (poolUsed === pool.length) {
      randomFillSync(pool);
      poolUsed = 0;
    }
    const byte = pool[poolUsed++]!;
    // 248 = 4 × 62: bytes above it are dropped, so that every character is equally likely.
    if (byte < 248) out += BASE62[byte % 62];
  }
  return out;
}
