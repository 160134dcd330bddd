import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { parseMasterKey, SecretBox } from '../../../src/domain/tenants/secret-box.ts';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, and seals the same text differently each time', () => {
    const a = box.seal('cs_test_secret', 'cli_1');
    const b = box.seal('cs_test_secret', 'cli_1');
    assert.notEqual(a, b);
    assert.ok(!a.includes('cs_test_secret'));
    assert.equal(box.open(a, 'cli_1'), 'cs_test_secret');
    assert.equal(box.open(b, 'cli_1'), 'cs_test_secret');
  });

  it('refuses a ciphertext that was altered, moved to another record, or sealed with another key', () => {
    const sealed = box.seal('cs_test_secret', 'cli_1');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1]! ^= 1;
    assert.throws(() => box.open('v1:' + raw.toString('base64'), 'cli_1'));
    assert.throws(() => box.open(sealed, 'cli_2'));
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed, 'cli_1'));
    assert.throws(() => box.open('v0:' + sealed.slice(3), 'cli_1'));
  });

  it('takes a 32-byte master key as hex or base64, nothing else', () => {
    const key = randomBytes(32);
    assert.deepEqual(parseMasterKey(key.toString('hex')), key);
    assert.deepEqual(parseMasterKey(key.toString('base64') + '\n'), key);
    assert.throws(() => parseMasterKey('short'), /32 bytes/);
    assert.throws(() => parseMasterKey(randomBytes(16).toString('hex')), /32 bytes/);
  });
});
