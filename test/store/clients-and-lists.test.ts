/**
 * The Store operations the vendor surfaces rely on, on both stores: client credentials, access
 * tokens, and the list options (case-insensitive e-mail, substring, offset, ordering, totals).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { clientSecret, issueAccessToken, issueClient } from '../../src/domain/tenants/clients.ts';
import { newCustomer } from '../../src/domain/customers/factory.ts';
import type { Customer, CustomerPatch, CustomerScope } from '../../src/domain/customers/model.ts';
import { newId } from '../../src/domain/ids.ts';
import { SecretBox } from '../../src/domain/tenants/secret-box.ts';
import { DEFAULT_TENANT_SETTINGS, type Tenant } from '../../src/domain/tenants/tenant.ts';
import { issueSecretKey } from '../../src/domain/tenants/secret-keys.ts';
import type { ListQuery } from '../../src/domain/store-port.ts';
import { PG_SKIP_REASON } from '../helpers/postgres.ts';
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores.ts';
import { SYSTEM_WRITE } from '../../src/domain/customers/write-context.ts';

const box = new SecretBox(randomBytes(32));

function tenantRecord(name: string): Tenant {
  return { id: newId(), name, created: Math.floor(Date.now() / 1000), settings: { ...DEFAULT_TENANT_SETTINGS } };
}

for (const kind of STORE_KINDS) {
  describe(`Store (${kind}): clients, tokens and list options`, { skip: kind === 'postgres' ? PG_SKIP_REASON : undefined }, () => {
    let t: TestStore;
    before(async () => {
      t = await openTestStore(kind);
    });
    after(async () => t?.destroy());

    async function provision(name: string) {
      const tenant = tenantRecord(name);
      const test = issueClient(box, tenant.id, 'test');
      const live = issueClient(box, tenant.id, 'live');
      const keys = [issueSecretKey(tenant.id, 'test', newId()).record];
      assert.equal(await t.store.createTenant(tenant, keys, false, [test.record, live.record]), true);
      return { tenant, test, live };
    }

    it('keeps clients with their tenant; the sealed secret opens to the issued one and is not stored in clear', async () => {
      const { tenant, test, live } = await provision('Clients');
      const found = await t.store.findClient(test.record.id);
      assert.ok(found);
      assert.deepEqual(found.client, test.record);
      assert.equal(found.tenant.id, tenant.id);
      assert.equal(clientSecret(box, found.client), test.secret);
      assert.ok(!found.client.secret_sealed.includes(test.secret));
      assert.equal((await t.store.findClient(live.record.id))?.client.mode, 'live');
      assert.equal(await t.store.findClient('cli_test_nope'), null);
    });

    it('rollClient expires the older clients of that mode only, and only of that tenant', async () => {
      const a = await provision('Roll A');
      const b = await provision('Roll B');
      const next = issueClient(box, a.tenant.id, 'test');
      await t.store.rollClient(next.record, 1_000);
      assert.equal((await t.store.findClient(a.test.record.id))?.client.expires_at, 1_000);
      assert.equal((await t.store.findClient(a.live.record.id))?.client.expires_at, null);
      assert.equal((await t.store.findClient(b.test.record.id))?.client.expires_at, null);
      assert.equal((await t.store.findClient(next.record.id))?.client.expires_at, null);
      // An earlier expiry is kept, not extended.
      await t.store.rollClient(issueClient(box, a.tenant.id, 'test').record, 5_000);
      assert.equal((await t.store.findClient(a.test.record.id))?.client.expires_at, 1_000);
    });

    it('finds access tokens by tenant and hash only, and sweeps the expired ones', async () => {
      const a = await provision('Tokens A');
      const b = await provision('Tokens B');
      const now = Date.now();
      const fresh = issueAccessToken(a.test.record, 3600, now);
      const stale = issueAccessToken(a.test.record, 60, now - 3_600_000);
      await t.store.insertAccessToken(fresh.record);
      await t.store.insertAccessToken(stale.record);
      assert.deepEqual(await t.store.findAccessToken(a.tenant.id, fresh.record.hash), fresh.record);
      assert.equal(await t.store.findAccessToken(b.tenant.id, fresh.record.hash), null, 'another tenant never finds it');
      const swept = await t.store.deleteExpiredAccessTokens(Math.floor(now / 1000));
      assert.ok(swept >= 1);
      assert.equal(await t.store.findAccessToken(a.tenant.id, stale.record.hash), null);
      assert.deepEqual(await t.store.findAccessToken(a.tenant.id, fresh.record.hash), fresh.record);
    });

    it('deleting an empty tenant removes its clients and tokens', async () => {
      const a = await provision('Empty');
      const token = issueAccessToken(a.test.record, 3600);
      await t.store.insertAccessToken(token.record);
      await t.store.deleteEmptyTenant(a.tenant.id);
      assert.equal(await t.store.findClient(a.test.record.id), null);
      assert.equal(await t.store.findAccessToken(a.tenant.id, token.record.hash), null);
    });

    describe('list options', () => {
      let scope: CustomerScope;
      const made: Customer[] = [];
      const add = async (patch: CustomerPatch, nowMs: number) => {
        const c = await t.store.insertCustomer(newCustomer(scope, patch, nowMs), SYSTEM_WRITE);
        made.push(c);
        return c;
      };
      const ids = async (query: Partial<ListQuery>) => (await t.store.listCustomers(scope, { limit: 100, ...query })).data.map((c) => c.name);

      before(async () => {
        const { tenant } = await provision('Lists');
        scope = { tenantId: tenant.id, mode: 'test' };
        const base = 1_700_000_000_000;
        await add({ name: 'bravo', email: 'Bravo@Example.com', phone: '+1 555 0100' }, base + 1_000);
        await add({ name: 'Alpha', email: 'alpha@example.com', phone: '+1 555 0199' }, base + 2_000);
        await add({ name: 'Élodie 100%_off', email: 'elodie@example.org' }, base + 3_000);
        await add({ name: null, email: 'nameless@example.com' }, base + 4_000);
        await add({ name: 'charlie', email: null, phone: '+44 20 7946 0000' }, base + 5_000);
        await t.store.insertCustomer(newCustomer({ ...scope, mode: 'live' }, { name: 'Alpha live', email: 'alpha@example.com' }, base), SYSTEM_WRITE);
      });

      it('emailFolded matches the e-mail case-insensitively; email stays exact', async () => {
        assert.deepEqual(await ids({ emailFolded: 'BRAVO@example.COM' }), ['bravo']);
        assert.deepEqual(await ids({ email: 'bravo@example.com' }), []);
        assert.deepEqual(await ids({ email: 'Bravo@Example.com' }), ['bravo']);
      });

      it('contains is a case-insensitive substring over the chosen fields, with LIKE wildcards taken literally', async () => {
        assert.deepEqual(await ids({ contains: { text: 'ALPH', fields: ['name'] } }), ['Alpha']);
        assert.deepEqual(await ids({ contains: { text: 'example.com', fields: ['email'] } }), [null, 'Alpha', 'bravo']);
        assert.deepEqual(await ids({ contains: { text: '555 01', fields: ['phone'] } }), ['Alpha', 'bravo']);
        assert.deepEqual(await ids({ contains: { text: 'élodie', fields: ['name', 'email'] } }), ['Élodie 100%_off']);
        assert.deepEqual(await ids({ contains: { text: '0%_', fields: ['name'] } }), ['Élodie 100%_off']);
        assert.deepEqual(await ids({ contains: { text: '%', fields: ['email'] } }), [], '% is a character, not a wildcard');
        assert.deepEqual(await ids({ contains: { text: '_', fields: ['email'] } }), []);
      });

      it('orders by name (case-insensitive, absent last), e-mail, created and updated, both ways, with offset', async () => {
        assert.deepEqual(await ids({ order: { by: 'name', direction: 'asc' } }), ['Alpha', 'bravo', 'charlie', 'Élodie 100%_off', null]);
        assert.deepEqual(await ids({ order: { by: 'name', direction: 'desc' } }), ['Élodie 100%_off', 'charlie', 'bravo', 'Alpha', null]);
        assert.deepEqual(await ids({ order: { by: 'email', direction: 'asc' } }), ['Alpha', 'bravo', 'Élodie 100%_off', null, 'charlie']);
        assert.deepEqual(await ids({ order: { by: 'created', direction: 'asc' } }), ['bravo', 'Alpha', 'Élodie 100%_off', null, 'charlie']);
        assert.deepEqual(await ids({ order: { by: 'updated', direction: 'desc' } }), ['charlie', null, 'Élodie 100%_off', 'Alpha', 'bravo']);
        assert.deepEqual(await ids({}), ['charlie', null, 'Élodie 100%_off', 'Alpha', 'bravo'], 'default: newest first');
        assert.deepEqual(await ids({ order: { by: 'name', direction: 'asc' }, offset: 1, limit: 2 }), ['bravo', 'charlie']);
        assert.deepEqual(await ids({ order: { by: 'name', direction: 'asc' }, offset: 5 }), []);
      });

      it('withTotal counts every match, whatever the page', async () => {
        const page = await t.store.listCustomers(scope, { limit: 2, offset: 1, withTotal: true, contains: { text: 'example', fields: ['email'] } });
        assert.equal(page.total, 4);
        assert.equal(page.data.length, 2);
        assert.equal(page.hasMore, true);
        const none = await t.store.listCustomers(scope, { limit: 2, withTotal: true, emailFolded: 'nobody@example.com' });
        assert.deepEqual([none.total, none.data.length, none.hasMore], [0, 0, false]);
        const plain = await t.store.listCustomers(scope, { limit: 2 });
        assert.equal(plain.total, undefined, 'no count unless asked');
      });
    });
  });
}
