/**
 * The Store operations behind idempotency, history and tenant settings, on both stores: a write
 * records its history entry and completes its idempotency key in its own transaction (or writes
 * nothing at all), claims decide alike, and settings round-trip.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch } from '../../src/domain/customers/patch.ts';
import { newCustomer } from '../../src/domain/customers/factory.ts';
import type { CustomerScope } from '../../src/domain/customers/model.ts';
import { IdempotencyError, NotFoundError } from '../../src/domain/errors.ts';
import { newId } from '../../src/domain/ids.ts';
import { DEFAULT_TENANT_SETTINGS, type Tenant } from '../../src/domain/tenants/tenant.ts';
import { hashSecret, issueSecretKey } from '../../src/domain/tenants/secret-keys.ts';
import type { WriteContext } from '../../src/domain/customers/write-context.ts';
import type { IdempotencyClaimRequest } from '../../src/domain/idempotency-keys.ts';
import { PG_SKIP_REASON } from '../helpers/postgres.ts';
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores.ts';

const context = (requestId: string, extra: Partial<WriteContext> = {}): WriteContext => ({ actor: 'api_key:key_test', surface: 'native', requestId, ...extra });

for (const kind of STORE_KINDS) {
  describe(`Store (${kind}): history, idempotency keys and settings`, { skip: kind === 'postgres' ? PG_SKIP_REASON : undefined }, () => {
    let t: TestStore;
    let tenant: Tenant;
    let scope: CustomerScope;
    let secret = '';
    before(async () => {
      t = await openTestStore(kind);
      tenant = { id: newId(), name: 'Reliable', created: Math.floor(Date.now() / 1000), settings: { ...DEFAULT_TENANT_SETTINGS } };
      const key = issueSecretKey(tenant.id, 'test', newId());
      secret = key.secret;
      await t.store.createTenant(tenant, [key.record]);
      scope = { tenantId: tenant.id, mode: 'test' };
    });
    after(async () => t?.destroy());

    it('every write records one entry, in order, with who, where, which request and the diff', async () => {
      const created = await t.store.insertCustomer(newCustomer(scope, { name: 'A', metadata: { set: { k: 'v' } } }), context('req_1'));
      const updated = await t.store.updateCustomer(scope, created.id, (c) => applyPatch(c, { name: 'B', metadata: { set: { k: null, j: 'w' } } }), context('req_2', { surface: 'count', actor: 'client:cli_test_x' }));
      const deleted = await t.store.deleteCustomer(scope, created.id, Date.now(), context('req_3'));
      const page = await t.store.listCustomerHistory(scope, created.id, { limit: 10 });
      assert.equal(page.hasMore, false);
      assert.deepEqual(page.data.map((e) => [e.version, e.action, e.surface, e.actor, e.requestId]), [
        [deleted.version, 'deleted', 'native', 'api_key:key_test', 'req_3'],
        [updated.version, 'updated', 'count', 'client:cli_test_x', 'req_2'],
        [created.version, 'created', 'native', 'api_key:key_test', 'req_1'],
      ]);
      assert.deepEqual(page.data[1]!.changes, [
        { path: ['name'], before: 'A', after: 'B' },
        { path: ['metadata', 'j'], before: null, after: 'w' },
        { path: ['metadata', 'k'], before: 'v', after: null },
      ]);
      assert.deepEqual(page.data[0]!.changes, [{ path: ['deleted'], before: false, after: true }]);
      assert.equal(page.data[2]!.created, created.updated);
    });

    it('an updater that returns the customer unchanged writes nothing and records nothing', async () => {
      const c = await t.store.insertCustomer(newCustomer(scope, { name: 'Same' }), context('r'));
      const same = await t.store.updateCustomer(scope, c.id, (current) => current, context('r2'));
      assert.equal(same.version, c.version);
      assert.equal((await t.store.listCustomerHistory(scope, c.id, { limit: 10 })).data.length, 1);
    });

    it('history pages by version both ways, and retention deletes only the tenant\'s old entries', async () => {
      let c = await t.store.insertCustomer(newCustomer(scope, { name: 'v' }), context('r'));
      for (let i = 0; i < 4; i++) c = await t.store.updateCustomer(scope, c.id, (x) => applyPatch(x, { name: `v${i}` }), context(`r${i}`));
      const first = await t.store.listCustomerHistory(scope, c.id, { limit: 2 });
      assert.deepEqual(first.data.map((e) => e.version), [c.version, c.version - 1]);
      assert.equal(first.hasMore, true);
      const next = await t.store.listCustomerHistory(scope, c.id, { limit: 2, beforeVersion: c.version - 1 });
      assert.deepEqual(next.data.map((e) => e.version), [c.version - 2, c.version - 3]);
      const back = await t.store.listCustomerHistory(scope, c.id, { limit: 2, afterVersion: c.version - 3 });
      assert.deepEqual(back.data.map((e) => e.version), [c.version - 1, c.version - 2]);
      assert.equal((await t.store.listCustomerHistory({ ...scope, mode: 'live' }, c.id, { limit: 10 })).data.length, 0, 'the other mode sees none');
      const other = newId();
      assert.equal(await t.store.deleteHistoryBefore(other, Date.now() + 60_000), 0, 'another tenant deletes nothing of this one');
      assert.ok((await t.store.deleteHistoryBefore(tenant.id, Date.now() + 60_000)) >= 5);
      assert.equal((await t.store.listCustomerHistory(scope, c.id, { limit: 10 })).data.length, 0);
    });

    const claim = (key: string, over: Partial<IdempotencyClaimRequest> = {}): IdempotencyClaimRequest => ({
      ref: { tenantId: tenant.id, mode: 'test', key },
      fingerprint: 'fp',
      owner: 'owner-1',
      nowMs: Date.now(),
      leaseMs: 60_000,
      ttlMs: 3_600_000,
      ...over,
    });

    it('claims: first claims; the same parameters wait (in progress) then replay; others are refused; a dead holder is taken over', async () => {
      const key = `k-${newId()}`;
      assert.deepEqual(await t.store.claimIdempotencyKey(claim(key)), { state: 'claimed' });
      assert.deepEqual(await t.store.claimIdempotencyKey(claim(key, { owner: 'owner-2' })), { state: 'in_progress' });
      assert.deepEqual(await t.store.claimIdempotencyKey(claim(key, { owner: 'owner-2', fingerprint: 'other' })), { state: 'mismatch' });
      assert.equal(await t.store.completeIdempotencyKey(claim(key).ref, 'owner-2', { status: 200, headers: {}, body: 'no' }), false, 'only the holder completes');
      const response = { status: 201, headers: { 'content-type': 'application/json' }, body: '{"a":1}' };
      assert.equal(await t.store.completeIdempotencyKey(claim(key).ref, 'owner-1', response), true);
      assert.deepEqual(await t.store.claimIdempotencyKey(claim(key, { owner: 'owner-3' })), { state: 'done', reply: response });
      await t.store.releaseIdempotencyKey(claim(key).ref, 'owner-1');
      assert.equal((await t.store.claimIdempotencyKey(claim(key, { owner: 'owner-4' }))).state, 'done', 'a completed key is never released');

      const orphan = `k-${newId()}`;
      await t.store.claimIdempotencyKey(claim(orphan, { nowMs: Date.now() - 120_000 }));
      assert.deepEqual(await t.store.claimIdempotencyKey(claim(orphan, { owner: 'rescuer' })), { state: 'claimed' }, 'lease over: taken over');
      assert.equal(await t.store.completeIdempotencyKey(claim(orphan).ref, 'owner-1', response), false, 'the dead holder lost it');

      const released = `k-${newId()}`;
      await t.store.claimIdempotencyKey(claim(released));
      await t.store.releaseIdempotencyKey(claim(released).ref, 'owner-1');
      assert.deepEqual(await t.store.claimIdempotencyKey(claim(released, { fingerprint: 'new', owner: 'o5' })), { state: 'claimed' }, 'a released key is free');

      const expired = `k-${newId()}`;
      await t.store.claimIdempotencyKey(claim(expired, { nowMs: Date.now() - 10_000, ttlMs: 1_000 }));
      assert.deepEqual(await t.store.claimIdempotencyKey(claim(expired, { fingerprint: 'new', owner: 'o6' })), { state: 'claimed' }, 'an expired key starts afresh');
      assert.equal((await t.store.claimIdempotencyKey(claim(expired, { fingerprint: 'new', owner: 'o7' }))).state, 'in_progress');
    });

    it('an expired key that kept a reply starts afresh: the new holder completes it, and its reply is the one replayed', async () => {
      const key = `k-${newId()}`;
      const old = { status: 200, headers: { a: 'old' }, body: 'old' };
      await t.store.claimIdempotencyKey(claim(key, { nowMs: Date.now() - 10_000, ttlMs: 1_000 }));
      assert.equal(await t.store.completeIdempotencyKey(claim(key).ref, 'owner-1', old), true);
      assert.deepEqual(await t.store.claimIdempotencyKey(claim(key, { fingerprint: 'new', owner: 'o2' })), { state: 'claimed' });
      assert.deepEqual(await t.store.claimIdempotencyKey(claim(key, { fingerprint: 'new', owner: 'o3' })), { state: 'in_progress' }, 'the old reply is gone');
      assert.deepEqual(await t.store.claimIdempotencyKey(claim(key, { owner: 'o3' })), { state: 'mismatch' }, 'the new fingerprint is kept');
      const fresh = { status: 201, headers: { b: 'new' }, body: 'new' };
      assert.equal(await t.store.completeIdempotencyKey(claim(key).ref, 'o2', fresh), true);
      await t.store.deleteExpiredIdempotencyKeys(Date.now());
      assert.deepEqual(await t.store.claimIdempotencyKey(claim(key, { fingerprint: 'new', owner: 'o4' })), { state: 'done', reply: fresh }, 'with a new expiry');
    });

    it('concurrent claims of one new key: exactly one is claimed', async () => {
      const key = `race-${newId()}`;
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => t.store.claimIdempotencyKey(claim(key, { owner: `o${i}` }))));
      assert.equal(results.filter((r) => r.state === 'claimed').length, 1);
      assert.equal(results.filter((r) => r.state === 'in_progress').length, 19);
    });

    it('a write completes its key in its own transaction; if the key was taken over, the write is undone', async () => {
      const key = `w-${newId()}`;
      await t.store.claimIdempotencyKey(claim(key));
      const idempotency = { ref: claim(key).ref, owner: 'owner-1', reply: () => ({ status: 200, headers: {}, body: 'created' }) };
      const made = await t.store.insertCustomer(newCustomer(scope, { name: 'Once' }), context('r', { idempotency }));
      assert.deepEqual(await t.store.claimIdempotencyKey(claim(key, { owner: 'x' })), { state: 'done', reply: { status: 200, headers: {}, body: 'created' } });

      const lost = `w-${newId()}`;
      await t.store.claimIdempotencyKey(claim(lost, { owner: 'someone-else' }));
      const candidate = newCustomer(scope, { name: 'Never' });
      const err = await t.store.insertCustomer(candidate, context('r', { idempotency: { ...idempotency, ref: claim(lost).ref } })).catch((e: unknown) => e);
      assert.ok(err instanceof IdempotencyError);
      assert.equal(await t.store.getCustomer(scope, candidate.id), null, 'nothing inserted');
      assert.equal((await t.store.listCustomerHistory(scope, candidate.id, { limit: 10 })).data.length, 0, 'no history either');

      const update = await t.store.updateCustomer(scope, made.id, (c) => applyPatch(c, { name: 'Twice?' }), context('r', { idempotency: { ...idempotency, ref: claim(lost).ref } })).catch((e: unknown) => e);
      assert.ok(update instanceof IdempotencyError);
      assert.equal((await t.store.getCustomer(scope, made.id))!.name, 'Once');
      const del = await t.store.deleteCustomer(scope, made.id, Date.now(), context('r', { idempotency: { ...idempotency, ref: claim(lost).ref } })).catch((e: unknown) => e);
      assert.ok(del instanceof IdempotencyError);
      assert.equal((await t.store.getCustomer(scope, made.id))!.deleted, false);
      assert.equal((await t.store.listCustomerHistory(scope, made.id, { limit: 10 })).data.length, 1);
    });

    it('deleteCustomer runs its check on the current customer first; a refusal writes nothing', async () => {
      const c = await t.store.insertCustomer(newCustomer(scope, { name: 'Checked' }), context('r'));
      await assert.rejects(
        t.store.deleteCustomer(scope, c.id, Date.now(), context('r'), () => {
          throw new NotFoundError('customer', c.id);
        }),
        NotFoundError,
      );
      assert.equal((await t.store.getCustomer(scope, c.id))!.deleted, false);
    });

    it('tenant settings beyond e-mail uniqueness round-trip, and come back with a key or client lookup', async () => {
      const updated = await t.store.updateTenantSettings(tenant.id, {
        history_retention_days: 30,
        native_rate_limits: 'stripe',
        rate_limits: { 'count.client': { max: 5, window_seconds: 60 }, 'atlas.key': null },
        asset_account: 'acme-holdings',
      });
      assert.deepEqual(updated.settings, {
        email_uniqueness: 'enforced',
        history_retention_days: 30,
        native_rate_limits: 'stripe',
        rate_limits: { 'count.client': { max: 5, window_seconds: 60 }, 'atlas.key': null },
        event_retention_days: 30,
        webhook_disable_after_days: 5,
        asset_account: 'acme-holdings',
      });
      assert.deepEqual((await t.store.getTenant(tenant.id))!.settings, updated.settings);
      assert.deepEqual((await t.store.findApiKey(hashSecret(secret)))!.tenant.settings, updated.settings);
      const partial = await t.store.updateTenantSettings(tenant.id, { email_uniqueness: 'off' });
      assert.equal(partial.settings.history_retention_days, 30, 'one setting changes, the others stay');
      assert.equal(partial.settings.email_uniqueness, 'off');
      await t.store.updateTenantSettings(tenant.id, { ...DEFAULT_TENANT_SETTINGS });
    });
  });
}
