import { fromBase62, toBase62 } from '../domain/ids.ts';

/**
 * How the canonical 96-bit ids are written outside the process: `prefix_` + base62 (`cus_…`,
 * `biz_…`: the native API, Asset, Atlas, the CLI) and a version-4 UUID (Count). Every rendering is lossless
 * and sorts in creation order; text that is not one parses to null (a 404, never a crash).
 */

/** `prefix_` + base62, the native rendering (`cus_…`, `biz_…`). */
export function toPrefixed(prefix: string, id: string): string {
  return `${prefix}_${toBase62(id)}`;
}

export function fromPrefixed(prefix: string, text: string): string | null {
  if (!text.startsWith(prefix + '_')) return null;
  return fromBase62(text.slice(prefix.length + 1));
}

export const customerIdToWire = (id: string): string => toPrefixed('cus', id);
/** The canonical id for a `cus_…` id, or null when it cannot name any customer. */
export const customerIdFromWire = (text: string): string | null => fromPrefixed('cus', text);
export const contactIdToWire = (id: string): string => toPrefixed('cont', id);
export const contactIdFromWire = (text: string): string | null => fromPrefixed('cont', text);
export const taxIdIdToWire = (id: string): string => toPrefixed('txi', id);
export const taxIdIdFromWire = (text: string): string | null => fromPrefixed('txi', text);
export const tenantIdToWire = (id: string): string => toPrefixed('biz', id);
export const tenantIdFromWire = (text: string): string | null => fromPrefixed('biz', text);
export const keyIdToWire = (id: string): string => toPrefixed('key', id);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const LOW_26 = (1n << 26n) - 1n;
const LOW_36 = (1n << 36n) - 1n;
const LOW_48 = (1n << 48n) - 1n;

/**
 * 26 bits that look random but follow from the id (a murmur3-style mix of its three 32-bit
 * words): they fill the tail of a version-4 UUID, and a UUID whose tail does not match was not
 * made here.
 */
function tailOf(id: bigint): bigint {
  let h = 0x9e3779b9;
  for (const shift of [64n, 32n, 0n]) {
    h = Math.imul(h ^ Number((id >> shift) & 0xffffffffn), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return BigInt(h >>> 0) & LOW_26;
}

/**
 * The id as a version-4 UUID (RFC 9562 §5.4: version 4, variant 10), as Count prints ids. The
 * bits a v4 leaves free carry the id in order: the 48-bit millisecond time first, then the 48
 * random bits (12 before the variant, 36 after), then 26 bits derived from the id. Lossless both
 * ways, and sorted by creation like every other rendering.
 */
export function toUuid(id: string): string {
  const value = BigInt('0x' + id);
  const time = value >> 48n;
  const random = value & LOW_48;
  const randA = random >> 36n;
  const randB = random & LOW_36;
  const uuid = (time << 80n) | (4n << 76n) | (randA << 64n) | (2n << 62n) | (randB << 26n) | tailOf(value);
  const hex = uuid.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Whether the text is a UUID at all (8-4-4-4-12 hex, any version): Count refuses anything else as malformed. */
export function isUuidText(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}

/**
 * The canonical id for a UUID made by `toUuid`, or null for any other text (including other
 * UUIDs). Also takes the version-7 rendering with a zero tail that earlier releases printed, so
 * ids clients stored then still name their customers.
 */
export function fromUuid(text: string): string | null {
  if (!UUID.test(text)) return null;
  const uuid = BigInt('0x' + text.replaceAll('-', ''));
  const time = uuid >> 80n;
  const randA = (uuid >> 64n) & 0xfffn;
  const randB = (uuid >> 26n) & LOW_36;
  const value = (time << 48n) | (randA << 36n) | randB;
  const version = (uuid >> 76n) & 0xfn;
  const tail = uuid & LOW_26;
  if (version === 4n ? tail !== tailOf(value) : tail !== 0n) return null;
  return value.toString(16).padStart(24, '0');
}

/** Every way a surface prints a customer id: `cus_…` (native, Asset, Atlas), the UUID (Count), the canonical hex (CheckoutPage). */
export const customerIdRenderings = (id: string): string[] => [customerIdToWire(id), toUuid(id), id];

export const eventIdToWire = (id: string): string => toPrefixed('evt', id);
export const eventIdFromWire = (text: string): string | null => fromPrefixed('evt', text);
export const webhookEndpointIdToWire = (id: string): string => toPrefixed('we', id);
export const webhookEndpointIdFromWire = (text: string): string | null => fromPrefixed('we', text);
export const deliveryIdToWire = (id: string): string => toPrefixed('whdel', id);
export const deliveryIdFromWire = (text: string): string | null => fromPrefixed('whdel', text);
