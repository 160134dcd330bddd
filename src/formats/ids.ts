import { fromBase62, toBase62 } from '../domain/ids.ts';

/**
 * How the canonical 96-bit ids are written outside the process: `prefix_` + base62 (`cus_…`,
 * `biz_…`: the native API, Asset, Atlas, the CLI) and UUIDv7 (Count). Every rendering is lossless
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const LOW_26 = (1n << 26n) - 1n;

/**
 * The id as a UUIDv7 (RFC 9562): the 48-bit millisecond time is the UUID's own timestamp, the
 * 48 random bits fill rand_a (12) and the top of rand_b (36), and the last 26 bits are zero.
 * Lossless both ways and still sorted by creation.
 */
export function toUuid(id: string): string {
  const value = BigInt('0x' + id);
  const time = value >> 48n;
  const random = value & ((1n << 48n) - 1n);
  const randA = random >> 36n;
  const randB = (random & ((1n << 36n) - 1n)) << 26n;
  const uuid = (time << 80n) | (7n << 76n) | (randA << 64n) | (2n << 62n) | randB;
  const hex = uuid.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The canonical id for a UUID made by `toUuid`, or null for any other text (including other UUIDs). */
export function fromUuid(text: string): string | null {
  if (!UUID.test(text)) return null;
  const uuid = BigInt('0x' + text.replaceAll('-', ''));
  if ((uuid & LOW_26) !== 0n) return null;
  const time = uuid >> 80n;
  const randA = (uuid >> 64n) & 0xfffn;
  const randB = (uuid >> 26n) & ((1n << 36n) - 1n);
  return ((time << 48n) | (randA << 36n) | randB).toString(16).padStart(24, '0');
}

/** Every way a surface prints a customer id: `cus_…` (native, Asset, Atlas), the UUID (Count), the canonical hex (CheckoutPage). */
export const customerIdRenderings = (id: string): string[] => [customerIdToWire(id), toUuid(id), id];

export const eventIdToWire = (id: string): string => toPrefixed('evt', id);
export const eventIdFromWire = (text: string): string | null => fromPrefixed('evt', text);
export const webhookEndpointIdToWire = (id: string): string => toPrefixed('we', id);
export const webhookEndpointIdFromWire = (text: string): string | null => fromPrefixed('we', text);
export const deliveryIdToWire = (id: string): string => toPrefixed('whdel', id);
export const deliveryIdFromWire = (text: string): string | null => fromPrefixed('whdel', text);
