/**
 * Key lookups on every store, seen from a second server on the same data (a second SQLite
 * connection to the file, a second PostgreSQL pool): a rolled key, a removed tenant's key and a
 * changed tenant setting are seen by the very next lookup, whatever either server remembers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CredentialService } from '../../src/domain/tenants/credential-service.ts';
import { SecretBox } from '../../src/domain/tenants/secret-box.ts';
import { TenantService } from '../../src/domain/tenants/tenant-service.ts';
import type { Store } from '../../src/domain/store-port.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores.ts';

for (const kind of STORE_KINDS) {
  describe(`key lookups seen from a second server (${kind})`, () => {
    let first: TestStore;
    let second: Store;
    const box = new SecretBox(randomBytes(32));
    before(async () => {
      first = await openTestStore(kind);
      second = kind === 'sqlite' ? await SqliteStore.open(first.location) : await PostgresStore.open(first.location, { poolMax: 2 });
    });
    after(async () => {
      await second?.close();
      await first?.destroy();
    });

    it('a rolled key fails at once on the other server, which had just accepted it', async () => {
      const tenants = new TenantService(first.store, box);
      const made = (await tenants.create('Roll Me'))!;
      const elsewhere = new CredentialService(second, box);
      for (let i = 0; i < 3; i++) assert.equal((await elsewhere.verifySecretKey(made.secrets.test)).ok, true);
      const rolled = await tenants.rollKey(made.tenant.id, 'test');
      assert.deepEqual(await elsewhere.verifySecretKey(made.secrets.test), { ok: false, reason: 'expired' });
      assert.equal((await elsewhere.verifySecretKey(rolled.secret)).ok, true, 'the new key works on its first request');
      assert.equal((await elsewhere.verifySecretKey(made.secrets.live)).ok, true, 'the other mode is untouched');
    });

    it('a tenant setting changed on one server is what the next lookup on the other carries', async () => {
      const tenants = new TenantService(first.store, box);
      const made = (await tenants.create('Settings'))!;
      const elsewhere = new CredentialService(second, box);
      const before = await elsewhere.verifySecretKey(made.secrets.test);
      assert.equal(before.ok && before.principal.tenant.settings.email_uniqueness, 'enforced');
      await tenants.updateSettings(made.tenant.id, { email_uniqueness: 'off' });
      const afterChange = await elsewhere.verifySecretKey(made.secrets.test);
      assert.equal(afterChange.ok && afterChange.principal.tenant.settings.email_uniqueness, 'off');
    });
  });
}
