/**
 * SQLite group commit: concurrent writes share one transaction and one fsync, each is answered
 * only once its group is committed, and a write that fails in a group fails alone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatch } from '../../src/domain/customers/patch.ts';
import { newCustomer } from '../../src/domain/customers/factory.ts';
import type { CustomerScope } from '../../src/domain/customers/model.ts';
import { EmailTakenError } from '../../src/domain/errors.ts';
import { newId } from '../../src/domain/ids.ts';
import { DEFAULT_TENANT_SETTINGS } from '../../src/domain/tenants/tenant.ts';
import { SYSTEM_WRITE } from '../../src/domain/customers/write-context.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { openTestStore, type TestStore } from '../helpers/stores.ts';

describe('SQLite group commit', () => {
  let t: TestStore;
  let store: SqliteStore;
  let scope: CustomerScope;
  before(async () => {
    t = await openTestStore('sqlite');
    store = t.store as SqliteStore;
    const tenant = { id: newId(), name: 'Grouped', created: Math.floor(Date.now() / 1000), settings: { ...DEFAULT_TENANT_SETTINGS } };
    await store.createTenant(tenant, []);
    scope = { tenantId: tenant.id, mode: 'test' };
  });
  after(async () => t?.destroy());

  it('300 concurrent creates share few commits; the ones that break a rule fail alone; the rest are durable', async () => {
    const taken = await store.insertCustomer(newCustomer(scope, { email: 'taken@example.com' }), SYSTEM_WRITE);
    const before = { commits: store.group.commits, writes: store.group.writes };
    const attempts = Array.from({ length: 300 }, (_, i) =>
      store.insertCustomer(newCustomer(scope, { name: `c${i}`, email: i % 3 === 0 ? 'TAKEN@example.com' : `c${i}@example.com` }), SYSTEM_WRITE),
    );
    const results = await Promise.allSettled(attempts);
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    assert.deepEqual(failed, Array.from({ length: 100 }, (_, k) => k * 3), 'exactly the duplicates failed');
    for (const i of failed) assert.ok((results[i] as PromiseRejectedResult).reason instanceof EmailTakenError);
    const commits = store.group.commits - before.commits;
    const writes = store.group.writes - before.writes;
    assert.equal(writes, 300);
    assert.ok(commits <= 10, `300 writes took ${commits} commits`);

    // Durable and whole: a second connection to the file sees every success, with its history entry.
    const reopened = await SqliteStore.open(t.location);
    try {
      for (const [i, r] of results.entries()) {
        if (r.status !== 'fulfilled') continue;
        const got = await reopened.getCustomer(scope, r.value.id);
        assert.equal(got?.name, `c${i}`);
        assert.equal((await reopened.listCustomerHistory(scope, r.value.id, { limit: 5 })).data.length, 1);
      }
      assert.equal((await reopened.listCustomers(scope, { limit: 100, emailFolded: 'taken@example.com' })).data.map((c) => c.id).join(), taken.id);
    } finally {
      await reopened.close();
    }
  });

  it('an update that throws in a group is rolled back alone; its neighbours commit', async () => {
    const customers = await Promise.all(Array.from({ length: 20 }, (_, i) => store.insertCustomer(newCustomer(scope, { name: `u${i}` }), SYSTEM_WRITE)));
    const results = await Promise.allSettled(
      customers.map((c, i) =>
        store.updateCustomer(
          scope,
          c.id,
          (current) => {
            if (i % 4 === 0) throw new Error(`refused ${i}`);
            return applyPatch(current, { name: `u${i} renamed` });
          },
          SYSTEM_WRITE,
        ),
      ),
    );
    for (const [i, r] of results.entries()) {
      const now = await store.getCustomer(scope, customers[i]!.id);
      if (i % 4 === 0) {
        assert.equal(r.status, 'rejected');
        assert.equal(now?.name, `u${i}`, 'nothing of the refused update is written');
        assert.equal(now?.version, customers[i]!.version);
      } else {
        assert.equal(r.status, 'fulfilled');
        assert.equal(now?.name, `u${i} renamed`);
      }
    }
  });

  it('concurrent updates of one customer in one group still apply in turn: none is lost', async () => {
    const c = await store.insertCustomer(newCustomer(scope, { metadata: { set: { n: '0' } } }), SYSTEM_WRITE);
    await Promise.all(
      Array.from({ length: 50 }, () =>
        store.updateCustomer(scope, c.id, (cur) => applyPatch(cur, { metadata: { set: { n: String(Number(cur.metadata.n) + 1) } } }), SYSTEM_WRITE),
      ),
    );
    const after = await store.getCustomer(scope, c.id);
    assert.equal(after?.metadata.n, '50');
    assert.equal(after?.version, c.version + 50);
  });

  it('a write queued when the store closes fails as unavailable, never half-done', async () => {
    const other = await openTestStore('sqlite');
    const s = other.store as SqliteStore;
    const tenant = { id: newId(), name: 'Closing', created: 0, settings: { ...DEFAULT_TENANT_SETTINGS } };
    await s.createTenant(tenant, []);
    const pending = s.insertCustomer(newCustomer({ tenantId: tenant.id, mode: 'test' }, { name: 'late' }), SYSTEM_WRITE);
    await s.close();
    await assert.rejects(pending, (err: Error) => err.name === 'UnavailableError');
    await other.destroy();
  });
});
