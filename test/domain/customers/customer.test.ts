import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch } from '../../../src/domain/customers/patch.ts';
import { newCustomer } from '../../../src/domain/customers/factory.ts';
import { ValidationError } from '../../../src/domain/errors.ts';

const scope = { tenantId: '0'.repeat(24), mode: 'test' as const };

function rejects(fn: () => unknown, path: (string | number)[]) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ValidationError, String(err));
    assert.deepEqual(err.path, path);
    return true;
  });
}

describe('customer model', () => {
  it("has Stripe's defaults", () => {
    const c = newCustomer(scope, {});
    assert.equal(c.balance, 0);
    assert.equal(c.tax_exempt, 'none');
    assert.equal(c.next_invoice_sequence, 1);
    assert.match(c.invoice_prefix, /^[0-9A-F]{8}$/);
    assert.deepEqual(c.metadata, {});
    assert.deepEqual(c.preferred_locales, []);
    assert.equal(c.status, 'active');
    assert.deepEqual(c.invoice_settings, { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null });
  });

  it('changes only the fields a patch names; null clears', () => {
    const c = newCustomer(scope, { name: 'Ada', email: 'ada@example.com', phone: '+1 555' });
    const next = applyPatch(c, { phone: null });
    assert.equal(next.name, 'Ada');
    assert.equal(next.email, 'ada@example.com');
    assert.equal(next.phone, null);
    assert.equal(next.version, c.version + 1);
  });

  it('replaces sub-objects whole', () => {
    const c = newCustomer(scope, { address: { line1: '1 Main', line2: null, city: 'Paris', state: null, postal_code: '75001', country: 'FR' } });
    const next = applyPatch(c, { address: { line1: null, line2: null, city: 'Lyon', state: null, postal_code: null, country: null } });
    assert.deepEqual(next.address, { line1: null, line2: null, city: 'Lyon', state: null, postal_code: null, country: null });
  });

  it('merges metadata key by key; null or "" deletes a key; clear empties it', () => {
    const c = newCustomer(scope, { metadata: { set: { a: '1', b: '2' } } });
    assert.deepEqual(applyPatch(c, { metadata: { set: { b: '', c: '3' } } }).metadata, { a: '1', c: '3' });
    assert.deepEqual(applyPatch(c, { metadata: { set: { a: null } } }).metadata, { b: '2' });
    assert.deepEqual(applyPatch(c, { metadata: { clear: true } }).metadata, {});
  });

  it('validates e-mail, country, locales and metadata limits, naming the field', () => {
    rejects(() => newCustomer(scope, { email: 'not-an-email' }), ['email']);
    rejects(() => newCustomer(scope, { billing_email: 'a@b' }), ['billing_email']);
    rejects(
      () => newCustomer(scope, { address: { line1: null, line2: null, city: null, state: null, postal_code: null, country: 'XX' } }),
      ['address', 'country'],
    );
    rejects(() => newCustomer(scope, { preferred_locales: ['en', 'not a locale'] }), ['preferred_locales', 1]);
    rejects(() => newCustomer(scope, { metadata: { set: { ['k'.repeat(41)]: 'v' } } }), ['metadata', 'k'.repeat(41)]);
    rejects(() => newCustomer(scope, { metadata: { set: { k: 'v'.repeat(501) } } }), ['metadata', 'k']);
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    assert.equal(Object.keys(newCustomer(scope, { metadata: { set: fifty } }).metadata).length, 50);
    rejects(() => newCustomer(scope, { metadata: { set: { ...fifty, k50: 'v' } } }), ['metadata']);
  });

  it('counts lengths in characters, as the request schemas do: an emoji is one', () => {
    assert.equal(newCustomer(scope, { name: '😀'.repeat(256) }).name, '😀'.repeat(256));
    rejects(() => newCustomer(scope, { name: '😀'.repeat(257) }), ['name']);
    assert.equal(newCustomer(scope, { metadata: { set: { k: '😀'.repeat(500) } } }).metadata.k, '😀'.repeat(500));
    rejects(() => newCustomer(scope, { metadata: { set: { k: '😀'.repeat(501) } } }), ['metadata', 'k']);
  });

  it('normalises country codes to upper case', () => {
    const c = newCustomer(scope, { address: { line1: null, line2: null, city: null, state: null, postal_code: null, country: 'de' } });
    assert.equal(c.address?.country, 'DE');
  });

  it('allows at most one primary contact and keeps contact ids only when they exist', () => {
    rejects(
      () =>
        newCustomer(scope, {
          contacts: [
            { name: 'A', email: null, phone: null, is_primary: true },
            { name: 'B', email: null, phone: null, is_primary: true },
          ],
        }),
      ['contacts'],
    );
    const c = newCustomer(scope, { contacts: [{ name: 'A', email: 'a@example.com', phone: null, is_primary: true }] });
    const kept = applyPatch(c, { contacts: [{ id: c.contacts[0]!.id, name: 'A2', email: null, phone: null, is_primary: false }] });
    assert.equal(kept.contacts[0]!.id, c.contacts[0]!.id);
    rejects(() => applyPatch(c, { contacts: [{ id: 'f'.repeat(24), name: 'X', email: null, phone: null, is_primary: false }] }), ['contacts', 0, 'id']);
  });
});
