/** `clientele import` records no events unless asked (a migration is not news); with `--events`, one per customer, delivered. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFile } from '../../src/cli/import.ts';
import type { CustomerScope } from '../../src/domain/customers/model.ts';
import { newId } from '../../src/domain/ids.ts';
import { DEFAULT_TENANT_SETTINGS } from '../../src/domain/tenants/tenant.ts';
import { eventMaskOf } from '../../src/domain/webhooks/endpoint.ts';
import { PG_SKIP_REASON } from '../helpers/postgres.ts';
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores.ts';

for (const kind of STORE_KINDS) {
  describe(`import and events: ${kind}`, { skip: kind === 'postgres' ? PG_SKIP_REASON : undefined }, () => {
    let t: TestStore;
    let scope: CustomerScope;
    let dir: string;
    before(async () => {
      t = await openTestStore(kind);
      dir = mkdtempSync(join(tmpdir(), 'clientele-import-events-'));
      const tenantId = newId();
      await t.store.createTenant({ id: tenantId, name: 'imp', created: 1, settings: DEFAULT_TENANT_SETTINGS }, []);
      scope = { tenantId, mode: 'test' };
      const now = Date.now();
      await t.store.insertEndpoint({
        id: newId(), tenantId, mode: 'test', flavor: 'stripe', url: 'http://127.0.0.1:9/x', description: null, enabledEvents: ['*'], eventMask: eventMaskOf(['*']),
        status: 'enabled', disabledReason: null, apiVersion: null, metadata: {}, secret: null, previousSecret: null, previousSecretExpires: null, created: now, updated: now, failingSince: null,
      });
    });
    after(async () => {
      await t.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('without --events: customers and history, no event and no delivery', async () => {
      const file = join(dir, 'quiet.ndjson');
      writeFileSync(file, ['{"name":"Quiet 1","email":"q1@example.com"}', '{"name":"Quiet 2","email":"q2@example.com"}'].join('\n'));
      assert.equal((await importFile(t.store, scope, file)).imported, 2);
      assert.equal((await t.store.listEvents(scope, { limit: 10 })).data.length, 0);
      assert.equal((await t.store.listCustomers(scope, { limit: 10 })).data.length, 2);
    });

    it('with --events: one customer.created per imported customer, each queued to the endpoint', async () => {
      const file = join(dir, 'news.ndjson');
      writeFileSync(file, ['{"name":"News 1","email":"n1@example.com"}', '{"name":"News 2","email":"n2@example.com"}', '{"name":"News 3","email":"n3@example.com"}'].join('\n'));
      assert.equal((await importFile(t.store, scope, file, { events: true })).imported, 3);
      const events = (await t.store.listEvents(scope, { limit: 10 })).data;
      assert.deepEqual(events.map((e) => e.type), ['customer.created', 'customer.created', 'customer.created']);
      assert.deepEqual(events.map((e) => e.customer.name).sort(), ['News 1', 'News 2', 'News 3']);
      assert.ok(events.every((e) => e.surface === 'cli' && e.pendingWebhooks === 1));
    });
  });
}
