/**
 * `Store.insertCustomers` (the bulk import's write), on both stores: a batch is one transaction in
 * which each customer is inserted exactly as `insertCustomer` would insert it, with its own history
 * entry; a customer whose e-mail or id is taken (by an existing customer or an earlier one of the
 * batch) fails alone; `stopAtFirstFailure` inserts nothing after the first failure. And
 * `importedCustomer`, which keeps the source's id, times and contact ids.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import pg from 'pg';
import { importedCustomer, newCustomer } from '../../src/domain/customers/factory.ts';
import type { Customer, CustomerPatch, CustomerScope } from '../../src/domain/customers/model.ts';
import { EmailTakenError, IdTakenError, ValidationError } from '../../src/domain/errors.ts';
import { newId } from '../../src/domain/ids.ts';
import { DEFAULT_TENANT_SETTINGS, type Tenant } from '../../src/domain/tenants/tenant.ts';
import type { WriteContext } from '../../src/domain/customers/write-context.ts';
import type { InsertOutcome } from '../../src/domain/store-port.ts';
import { PG_SKIP_REASON } from '../helpers/postgres.ts';
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores.ts';

const context = (requestId: string): WriteContext => ({ actor: 'cli:import', surface: 'cli', requestId, atMs: 1_800_000_000_000 });
const contexts = (n: number, prefix = 'import:f:') => Array.from({ length: n }, (_, i) => context(`${prefix}${i + 1}`));

const RICH: CustomerPatch = {
  name: 'Jenny Rosen',
  email: 'jenny@example.com',
  phone: '+33 1 23 45 67 89 00 11 22 33',
  description: 'Rich',
  address: { line1: '1 Rue de Rivoli', line2: null, city: 'Paris', state: null, postal_code: '75001', country: 'fr' },
  shipping: { name: 'Jenny', phone: null, address: { line1: 'x', line2: null, city: null, state: null, postal_code: null, country: null } },
  balance: -1250,
  invoice_prefix: 'JENNY1',
  invoice_settings: { custom_fields: [{ name: 'PO', value: '42' }], footer: 'Thanks', default_payment_method: 'pm_1', rendering_options: { amount_tax_display: null, template: 'tpl_1' } },
  metadata: { set: { plan: 'pro', 'ключ': 'значение 🎉' } },
  next_invoice_sequence: 17,
  preferred_locales: ['fr-FR', 'en'],
  tax_exempt: 'reverse',
  external_id: 'ext-1',
  company_name: 'Rosen SARL',
  billing_email: 'billing@example.com',
  website: 'https://example.com',
  status: 'inactive',
  tax_ids: [{ type: 'eu_vat', value: 'FRAB123456789' }],
  seller_id: 'seller_1',
  stripe_customer_id: 'cus_StripeId123',
};

const outcomeShape = (outcomes: InsertOutcome[]) =>
  outcomes.map((o) => (o.status === 'failed' ? `failed:${o.error.constructor.name}` : o.status));

describe('importedCustomer', () => {
  const scope: CustomerScope = { tenantId: newId(), mode: 'test' };
  it('keeps the id, created, updated and contact ids; validates like newCustomer', () => {
    const id = newId(1_600_000_000_123);
    const contactId = newId();
    const c = importedCustomer(
      scope,
      { ...RICH, contacts: [{ id: contactId, name: 'K', email: null, phone: null, is_primary: true }, { name: 'New', email: null, phone: null, is_primary: false }] },
      { id, created: 1_600_000_000, updated: 1_650_000_000_000 },
      1_700_000_000_000,
    );
    assert.equal(c.id, id);
    assert.equal(c.created, 1_600_000_000);
    assert.equal(c.updated, 1_650_000_000_000);
    assert.equal(c.version, 1);
    assert.equal(c.contacts[0]!.id, contactId);
    assert.match(c.contacts[1]!.id, /^[0-9a-f]{24}$/);
    assert.equal(c.address?.country, 'FR');
    assert.equal(c.invoice_prefix, 'JENNY1');
    // Without `updated`: now.
    assert.equal(importedCustomer(scope, {}, { id: newId(), created: 5 }, 1_700_000_000_000).updated, 1_700_000_000_000);
  });

  it('refuses what newCustomer refuses, and an identity that cannot be', () => {
    const id = newId();
    const refuses = (patch: CustomerPatch, identity: Parameters<typeof importedCustomer>[2], path: string) => {
      assert.throws(() => importedCustomer(scope, patch, identity), (err: unknown) => err instanceof ValidationError && err.path.join('.') === path);
    };
    refuses({ email: 'nope' }, { id, created: 1 }, 'email');
    refuses({ address: { line1: null, line2: null, city: null, state: null, postal_code: null, country: 'Atlantis' } }, { id, created: 1 }, 'address.country');
    refuses({}, { id: 'cus_123', created: 1 }, 'id');
    refuses({}, { id, created: -1 }, 'created');
    refuses({}, { id, created: 1.5 }, 'created');
    refuses({}, { id, created: 100, updated: 99_999 }, 'updated');
    refuses({ contacts: [{ id: 'x', name: 'a', email: null, phone: null, is_primary: false }] }, { id, created: 1 }, 'contacts.0.id');
    const k = newId();
    refuses({ contacts: [{ id: k, name: 'a', email: null, phone: null, is_primary: false }, { id: k, name: 'b', email: null, phone: null, is_primary: false }] }, { id, created: 1 }, 'contacts.1.id');
  });
});

for (const kind of STORE_KINDS) {
  describe(`Store (${kind}): insertCustomers`, { skip: kind === 'postgres' ? PG_SKIP_REASON : undefined }, () => {
    let t: TestStore;
    let scope: CustomerScope;
    let loose: CustomerScope;
    before(async () => {
      t = await openTestStore(kind);
      const tenant: Tenant = { id: newId(), name: 'Bulk', created: Math.floor(Date.now() / 1000), settings: { ...DEFAULT_TENANT_SETTINGS } };
      const off: Tenant = { id: newId(), name: 'Loose', created: tenant.created, settings: { ...DEFAULT_TENANT_SETTINGS, email_uniqueness: 'off' } };
      assert.equal(await t.store.createTenant(tenant, []), true);
      assert.equal(await t.store.createTenant(off, []), true);
      scope = { tenantId: tenant.id, mode: 'test' };
      loose = { tenantId: off.id, mode: 'test' };
    });
    after(async () => t?.destroy());

    it('inserts every customer exactly as given, each with its own history entry', async () => {
      const batch = Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? importedCustomer(scope, { ...RICH, email: `rich${i}@example.com`, contacts: [{ id: newId(), name: 'K', email: 'k@example.com', phone: null, is_primary: true }] }, { id: newId(1_500_000_000_000 + i), created: 1_500_000_000, updated: 1_600_000_000_000 + i })
          : newCustomer(scope, { name: `Plain ${i}` }),
      );
      const outcomes = await t.store.insertCustomers(batch, contexts(batch.length));
      assert.deepEqual(outcomeShape(outcomes), batch.map(() => 'inserted'));
      for (const [i, customer] of batch.entries()) {
        assert.deepEqual(await t.store.getCustomer(scope, customer.id), customer, `customer ${i} reads back unchanged`);
        const history = await t.store.listCustomerHistory(scope, customer.id, { limit: 10 });
        assert.equal(history.data.length, 1);
        const [entry] = history.data;
        assert.deepEqual([entry!.action, entry!.actor, entry!.surface, entry!.requestId, entry!.created, entry!.version], ['created', 'cli:import', 'cli', `import:f:${i + 1}`, 1_800_000_000_000, 1]);
      }
    });

    it('a customer whose e-mail or id is taken fails alone, also against an earlier one of the batch', async () => {
      const existing = await t.store.insertCustomer(newCustomer(scope, { email: 'taken@example.com' }), context('x'));
      const batch = [
        newCustomer(scope, { email: 'a1@example.com' }),
        newCustomer(scope, { email: 'TAKEN@example.com' }), // e-mail of an existing customer (case-insensitively)
        newCustomer(scope, { email: 'a2@example.com' }),
        importedCustomer(scope, { name: 'Same id' }, { id: existing.id, created: 1 }), // id of an existing customer
        newCustomer(scope, { email: 'dup@example.com' }),
        newCustomer(scope, { email: 'Dup@example.com' }), // e-mail of an earlier one of the batch
        newCustomer(scope, { email: 'a3@example.com' }),
      ];
      const twin = importedCustomer(scope, { name: 'Twin' }, { id: batch[6]!.id, created: 1 }); // id of an earlier one of the batch
      batch.push(twin, newCustomer(scope, { name: 'Last' }));
      const outcomes = await t.store.insertCustomers(batch, contexts(batch.length));
      assert.deepEqual(outcomeShape(outcomes), [
        'inserted', 'failed:EmailTakenError', 'inserted', 'failed:IdTakenError', 'inserted', 'failed:EmailTakenError', 'inserted', 'failed:IdTakenError', 'inserted',
      ]);
      const failed = outcomes[1] as unknown as { error: EmailTakenError };
      assert.deepEqual(failed.error.path, ['email']);
      assert.deepEqual((outcomes[3] as unknown as { error: IdTakenError }).error.path, ['id']);
      for (const [i, customer] of batch.entries()) {
        const stored = await t.store.getCustomer(scope, customer.id);
        if (outcomes[i]!.status === 'inserted') assert.deepEqual(stored, customer);
        else if (i === 3) assert.deepEqual(stored, existing); // the existing customer is untouched
        else if (i === 7) assert.equal(stored?.name, null); // the first of the twins
        else assert.equal(stored, null);
      }
      // The failed ones left no history.
      assert.equal((await t.store.listCustomerHistory(scope, existing.id, { limit: 10 })).data.length, 1);
      // insertCustomer reports a taken id the same way.
      await assert.rejects(t.store.insertCustomer(importedCustomer(scope, {}, { id: existing.id, created: 1 }), context('y')), IdTakenError);
    });

    it('stopAtFirstFailure inserts what comes before the first failure and nothing after', async () => {
      await t.store.insertCustomer(newCustomer(scope, { email: 'stop@example.com' }), context('x'));
      const batch = [
        newCustomer(scope, { email: 's1@example.com' }),
        newCustomer(scope, { email: 's2@example.com' }),
        newCustomer(scope, { email: 'stop@example.com' }),
        newCustomer(scope, { email: 's3@example.com' }),
        newCustomer(scope, { email: 'stop@example.com' }),
      ];
      const outcomes = await t.store.insertCustomers(batch, contexts(batch.length), { stopAtFirstFailure: true });
      assert.deepEqual(outcomeShape(outcomes), ['inserted', 'inserted', 'failed:EmailTakenError', 'not_attempted', 'not_attempted']);
      assert.deepEqual(await t.store.getCustomer(scope, batch[1]!.id), batch[1]);
      assert.equal(await t.store.getCustomer(scope, batch[3]!.id), null);
      // A duplicate within the batch stops it too.
      const second = [newCustomer(scope, { email: 's4@example.com' }), newCustomer(scope, { email: 's4@example.com' }), newCustomer(scope, { email: 's5@example.com' })];
      assert.deepEqual(outcomeShape(await t.store.insertCustomers(second, contexts(3), { stopAtFirstFailure: true })), ['inserted', 'failed:EmailTakenError', 'not_attempted']);
      assert.equal(await t.store.getCustomer(scope, second[2]!.id), null);
      // And the first one failing inserts nothing.
      const third = [newCustomer(scope, { email: 's4@example.com' }), newCustomer(scope, { email: 's6@example.com' })];
      assert.deepEqual(outcomeShape(await t.store.insertCustomers(third, contexts(2), { stopAtFirstFailure: true })), ['failed:EmailTakenError', 'not_attempted']);
    });

    it('follows the tenant’s e-mail uniqueness: off allows duplicates', async () => {
      const batch = [newCustomer(loose, { email: 'same@example.com' }), newCustomer(loose, { email: 'same@example.com' })];
      assert.deepEqual(outcomeShape(await t.store.insertCustomers(batch, contexts(2))), ['inserted', 'inserted']);
    });

    it('takes batches larger than one statement can bind, and an empty one', async () => {
      const batch = Array.from({ length: 3_300 }, (_, i) => newCustomer(scope, { name: `Big ${i}`, email: `big${i}@example.com`, metadata: { set: { i: String(i) } } }));
      batch[2_000] = newCustomer(scope, { email: 'big5@example.com' });
      const outcomes = await t.store.insertCustomers(batch, contexts(batch.length, 'big:'));
      assert.equal(outcomes.filter((o) => o.status === 'inserted').length, 3_299);
      assert.equal(outcomes[2_000]!.status, 'failed');
      const page = await t.store.listCustomers(scope, { limit: 1, emailFolded: 'big3299@example.com' });
      assert.deepEqual(page.data[0], batch[3_299]);
      assert.deepEqual(await t.store.insertCustomers([], []), []);
    });

    it('a customer the database refuses for any other reason fails alone too', async () => {
      // A rule the domain does not know about, added behind the store's back.
      if (kind === 'sqlite') {
        const db = new Database(t.location);
        db.exec(`CREATE TRIGGER refuse_bad BEFORE INSERT ON customers WHEN NEW.name = 'BAD' BEGIN SELECT RAISE(ABORT, 'bad row'); END`);
        db.close();
      } else {
        const client = new pg.Client({ connectionString: t.location });
        await client.connect();
        await client.query(`ALTER TABLE customers ADD CONSTRAINT refuse_bad CHECK (name IS DISTINCT FROM 'BAD')`);
        await client.end();
      }
      const batch = [newCustomer(scope, { name: 'good 1' }), newCustomer(scope, { name: 'BAD' }), newCustomer(scope, { name: 'good 2' })];
      const outcomes = await t.store.insertCustomers(batch, contexts(3));
      assert.deepEqual(outcomes.map((o) => o.status), ['inserted', 'failed', 'inserted']);
      assert.deepEqual(await t.store.getCustomer(scope, batch[2]!.id), batch[2]);
      assert.equal(await t.store.getCustomer(scope, batch[1]!.id), null);
      assert.equal((await t.store.listCustomerHistory(scope, batch[2]!.id, { limit: 5 })).data.length, 1);
      const stopped = [newCustomer(scope, { name: 'good 3' }), newCustomer(scope, { name: 'BAD' }), newCustomer(scope, { name: 'good 4' })];
      assert.deepEqual((await t.store.insertCustomers(stopped, contexts(3), { stopAtFirstFailure: true })).map((o) => o.status), ['inserted', 'failed', 'not_attempted']);
    });

    it('analyze refreshes the planner’s statistics (PostgreSQL), after which lists use the created index', async () => {
      await t.store.analyze();
      if (kind === 'postgres') {
        const client = new pg.Client({ connectionString: t.location });
        await client.connect();
        const { rows } = await client.query(`SELECT reltuples FROM pg_class WHERE relname = 'customers'`);
        await client.end();
        assert.ok(Number(rows[0].reltuples) > 3_000, `reltuples ${rows[0].reltuples}`);
      }
    });

    it('refuses contexts that do not match the customers, or carry an idempotency key', async () => {
      await assert.rejects(t.store.insertCustomers([newCustomer(scope, {})], []), /one write context per customer/);
      const keyed: WriteContext = { ...context('k'), idempotency: { ref: { ...scope, key: 'k' }, owner: 'o', reply: () => ({ status: 200, headers: {}, body: '' }) } };
      await assert.rejects(t.store.insertCustomers([newCustomer(scope, {})], [keyed]), /no idempotency keys/);
    });
  });
}

/** Kept for the type checker: outcomes carry the inserted customer. */
export type _Inserted = Extract<InsertOutcome, { status: 'inserted' }>['customer'] extends Customer ? true : never;
