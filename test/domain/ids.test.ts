import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromBase62, fromPrefixed, fromUuid, idTimeMs, isCanonicalId, newId, toBase62, toPrefixed, toUuid } from '../../src/domain/ids.ts';

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

  it('refuse renderings that name no 96-bit id', () => {
    assert.equal(fromBase62('zzzzzzzzzzzzzzzzz'), null); // above 2^96
    assert.equal(fromBase62('short'), null);
    assert.equal(fromBase62('0000000000000000!'), null);
    assert.equal(fromPrefixed('cus', 'biz_' + toBase62(newId())), null);
    const id = newId();
    assert.equal(fromPrefixed('cus', toPrefixed('cus', id)), id);
  });

  it('render as UUIDv7 (version 7, RFC variant, the id time as the UUID time) that parses back and sorts alike', () => {
    const ids = [...Array.from({ length: 300 }, (_, i) => newId(1_600_000_000_000 + i * 104_729)), '000000000000000000000000', 'ffffffffffffffffffffffff'];
    for (const id of ids) {
      const uuid = toUuid(id);
      assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(parseInt(uuid.replaceAll('-', '').slice(0, 12), 16), idTimeMs(id));
      assert.equal(fromUuid(uuid), id);
      assert.equal(fromUuid(uuid.toUpperCase()), id);
    }
    const sorted = ids.slice(0, 300).map(toUuid).sort();
    assert.deepEqual(sorted, ids.slice(0, 300).map(toUuid));
  });

  it('refuses UUIDs it did not make: other versions, other variants, non-zero padding, malformed text', () => {
    const uuid = toUuid(newId());
    assert.equal(fromUuid(uuid.slice(0, 14) + '4' + uuid.slice(15)), null, 'version 4');
    assert.equal(fromUuid(uuid.slice(0, 19) + 'c' + uuid.slice(20)), null, 'variant 11');
    assert.equal(fromUuid(uuid.slice(0, 35) + '1'), null, 'padding bits set');
    assert.equal(fromUuid('3b241101-e2bb-4255-8caf-4136c566a962'), null, 'a random v4 UUID');
    assert.equal(fromUuid(uuid.replaceAll('-', '')), null, 'without hyphens');
    assert.equal(fromUuid(uuid + '0'), null);
    assert.equal(fromUuid(''), null);
  });
});
