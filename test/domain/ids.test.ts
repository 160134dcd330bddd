import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromBase62, fromPrefixed, idTimeMs, isCanonicalId, newId, toBase62, toPrefixed } from '../../src/domain/ids.ts';

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
});
