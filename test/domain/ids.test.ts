import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromBase62, idTimeMs, isCanonicalId, newId, pooledRandomBase62, toBase62 } from '../../src/domain/ids.ts';
import { fromPrefixed, fromUuid, toPrefixed, toUuid } from '../../src/formats/ids.ts';

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The obvious BigInt rendering, to hold the limb arithmetic to. */
function referenceBase62(id: string): string {
  let value = BigInt('0x' + id);
  let out = '';
  for (let i = 0; i < 17; i++) {
    out = DIGITS[Number(value % 62n)]! + out;
    value /= 62n;
  }
  return out;
}

describe('ids', () => {
  it('are 96-bit, 24 hex characters, carrying their creation time', () => {
    const now = Date.now();
    const id = newId(now);
    assert.ok(isCanonicalId(id), id);
    assert.equal(idTimeMs(id), now);
  });

  it('increase strictly within one process, even within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newId(1_700_000_000_000));
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} < ${ids[i]}`);
  });

  it('render as fixed-width base62 that sorts like the hex form and parses back losslessly', () => {
    const ids = Array.from({ length: 200 }, (_, i) => newId(1_600_000_000_000 + i * 7919));
    for (const id of ids) {
      const b62 = toBase62(id);
      assert.equal(b62.length, 17);
      assert.equal(fromBase62(b62), id);
    }
    const sorted = [...ids].map(toBase62).sort();
    assert.deepEqual(sorted, ids.map(toBase62));
    assert.equal(fromBase62(toBase62('ffffffffffffffffffffffff')), 'ffffffffffffffffffffffff');
    assert.equal(fromBase62(toBase62('000000000000000000000000')), '000000000000000000000000');
  });

  it('render exactly as BigInt arithmetic does, for any 96-bit value, and parse any 17-digit text back to it or refuse it', () => {
    const hex = fc.stringMatching(/^[0-9a-f]{24}$/);
    fc.assert(
      fc.property(hex, (id) => {
        assert.equal(toBase62(id), referenceBase62(id));
        assert.equal(fromBase62(toBase62(id)), id);
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Za-z]{17}$/), (text) => {
        const value = [...text].reduce((v, ch) => v * 62n + BigInt(DIGITS.indexOf(ch)), 0n);
        const expected = value < 1n << 96n ? value.toString(16).padStart(24, '0') : null;
        assert.equal(fromBase62(text), expected);
      }),
      { numRuns: 5000 },
    );
    // The largest rendering that still names a 96-bit id, and the next one up.
    const max = referenceBase62('ffffffffffffffffffffffff');
    assert.equal(fromBase62(max), 'ffffffffffffffffffffffff');
    assert.equal(fromBase62(max.slice(0, 16) + DIGITS[DIGITS.indexOf(max[16]!) + 1]), null);
    assert.throws(() => toBase62('not-an-id'), TypeError);
  });

  it('pooled random base62 (request ids) has the length asked, only base62 digits, and does not repeat', () => {
    const seen = new Set<string>();
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const token = pooledRandomBase62(17);
      assert.match(token, /^[0-9A-Za-z]{17}$/);
      seen.add(token);
      for (const ch of token) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    assert.equal(seen.size, 20_000);
    // 340,000 characters over 62 digits: about 5,484 each; a skewed mapping (byte % 62 without
    // rejection) would give the first 8 digits about 25% more.
    assert.equal(counts.size, 62);
    for (const [ch, n] of counts) assert.ok(n > 5_000 && n < 6_000, `${ch}: ${n}`);
  });

  it('refuse renderings that name no 96-bit id', () => {
    assert.equal(fromBase62('zzzzzzzzzzzzzzzzz'), null); // above 2^96
    assert.equal(fromBase62('short'), null);
    assert.equal(fromBase62('0000000000000000!'), null);
    assert.equal(fromPrefixed('cus', 'biz_' + toBase62(newId())), null);
    const id = newId();
    assert.equal(fromPrefixed('cus', toPrefixed('cus', id)), id);
  });

  it('render as version-4 UUIDs (version 4, RFC variant, the id time first) that parse back and sort alike', () => {
    const ids = [...Array.from({ length: 300 }, (_, i) => newId(1_600_000_000_000 + i * 104_729)), '000000000000000000000000', 'ffffffffffffffffffffffff'];
    for (const id of ids) {
      const uuid = toUuid(id);
      assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(parseInt(uuid.replaceAll('-', '').slice(0, 12), 16), idTimeMs(id));
      assert.equal(fromUuid(uuid), id);
      assert.equal(fromUuid(uuid.toUpperCase()), id);
    }
    const sorted = ids.slice(0, 300).map(toUuid).sort();
    assert.deepEqual(sorted, ids.slice(0, 300).map(toUuid));
    const tails = new Set(ids.slice(0, 300).map((id) => toUuid(id).slice(-7)));
    assert.ok(tails.size > 290, 'the tail varies from id to id, as a random UUID does');
  });

  it('still read the UUIDv7 rendering (zero tail) that earlier releases printed', () => {
    const id = newId();
    const v4 = toUuid(id).replaceAll('-', '');
    const value = BigInt('0x' + v4);
    const v7 = ((value >> 26n) << 26n) & ~(0xfn << 76n) | (7n << 76n);
    const hex = v7.toString(16).padStart(32, '0');
    const text = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    assert.equal(fromUuid(text), id);
    assert.equal(fromUuid(text.slice(0, 35) + '1'), null, 'a v7 with tail bits set');
  });

  it('refuses UUIDs it did not make: other versions, other variants, a wrong tail, malformed text', () => {
    const uuid = toUuid(newId());
    assert.equal(fromUuid(uuid.slice(0, 14) + '1' + uuid.slice(15)), null, 'version 1');
    assert.equal(fromUuid(uuid.slice(0, 19) + 'c' + uuid.slice(20)), null, 'variant 11');
    const last = uuid.at(-1) === '0' ? '1' : '0';
    assert.equal(fromUuid(uuid.slice(0, 35) + last), null, 'tail changed');
    assert.equal(fromUuid('3b241101-e2bb-4255-8caf-4136c566a962'), null, 'a random v4 UUID');
    assert.equal(fromUuid(uuid.replaceAll('-', '')), null, 'without hyphens');
    assert.equal(fromUuid(uuid + '0'), null);
    assert.equal(fromUuid(''), null);
  });
});
