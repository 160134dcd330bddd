/**
 * The Store contract (src/domain/store-port.ts), checked the same way on every backend: one suite,
 * run once per store kind, each block on a fresh empty store. Then what only PostgreSQL
 * promises (many servers starting at once), and a side-by-side check that both stores give
 * byte-identical customers and identical search answers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { issueAccessToken, issueClient } from '../../src/domain/tenants/clients.ts';
import { applyPatch } from '../../src/domain/customers/patch.ts';
import { blankCustomer, newCustomer } from '../../src/domain/customers/factory.ts';
import type { ErasureRequest } from '../../src/domain/customers/erasure.ts';
import type { Customer, CustomerPatch, CustomerScope, Mode } from '../../src/domain/customers/model.ts';
import { CUSTOMER_SEARCH_FIELDS } from '../../src/domain/customers/search-fields.ts';
import { ConflictError, EmailTakenError, IdTakenError, NotFoundError } from '../../src/domain/errors.ts';
import { newId } from '../../src/domain/ids.ts';
import { SecretBox } from '../../src/domain/tenants/secret-box.ts';
import { DEFAULT_TENANT_SETTINGS, type EmailUniqueness, type Tenant } from '../../src/domain/tenants/tenant.ts';
import { issueSecretKey, type ApiKeyRecord } from '../../src/domain/tenants/secret-keys.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { Cursor, ListQuery, Store } from '../../src/domain/store-port.ts';
import { createTestDatabase, PG_SKIP_REASON, type TestDatabase } from '../helpers/postgres.ts';
import { openTestStore, STORE_KINDS, type StoreKind, type TestStore } from '../helpers/stores.ts';
import { SYSTEM_WRITE } from '../../src/domain/customers/write-context.ts';
import { parseSearchQuery } from '../../src/domain/customers/search-parser.ts';

// ---- helpers ----

/** A fixed second: customers get `created` values we choose, relative to it. */
const S = 1_700_000_000;
/** Unix ms of `second` seconds (and `ms` milliseconds) after S. */
const at = (second: number, ms = 0) => (S + second) * 1000 + ms;

const box = new SecretBox(randomBytes(32));

function tenantRecord(name: string, options: { id?: string; created?: number; uniqueness?: EmailUniqueness } = {}): Tenant {
  return {
    id: options.id ?? newId(),
    name,
    created: options.created ?? Math.floor(Date.now() / 1000),
    settings: { ...DEFAULT_TENANT_SETTINGS, email_uniqueness: options.uniqueness ?? 'enforced' },
  };
}

function keyRecord(tenantId: string, mode: Mode, expiresAt: number | null = null): ApiKeyRecord {
  return { ...issueSecretKey(tenantId, mode, newId()).record, expires_at: expiresAt };
}

/** A tenant with one test and one live key, as TenantService provisions it. */
async function addTenant(store: Store, name: string, uniqueness: EmailUniqueness = 'enforced') {
  const tenant = tenantRecord(name, { uniqueness });
  const keys = { test: keyRecord(tenant.id, 'test'), live: keyRecord(tenant.id, 'live') };
  assert.equal(await store.createTenant(tenant, [keys.test, keys.live]), true);
  return { tenant, keys };
}

const scopeOf = (tenant: Tenant, mode: Mode = 'test'): CustomerScope => ({ tenantId: tenant.id, mode });

function addCustomer(store: Store, scope: CustomerScope, patch: CustomerPatch = {}, nowMs = Date.now()): Promise<Customer> {
  return store.insertCustomer(newCustomer(scope, patch, nowMs), SYSTEM_WRITE);
}

/** Newest first: the order of lists and searches. Ids are fixed-width hex, so text order is numeric order. */
function newestFirst(a: Customer, b: Customer): number {
  if (a.created !== b.created) return b.created - a.created;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

const cursorOf = (c: Customer): Cursor => ({ created: c.created, id: c.id });
const idsOf = (customers: readonly Customer[]) => customers.map((c) => c.id);

type ErrorClass<E> = abstract new (...args: never[]) => E;

/** Awaits `promise`, which must reject with an instance of `type`; returns the error. */
async function rejectsWith<E extends Error>(promise: Promise<unknown>, type: ErrorClass<E>): Promise<E> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected ${type.name}, but the call succeeded`);
}

/** A fresh, empty store for the enclosing describe block. */
function freshStore(kind: StoreKind): () => Store {
  let opened: TestStore | undefined;
  before(async () => {
    opened = await openTestStore(kind);
  });
  after(async () => {
    await opened?.destroy();
  });
  return () => {
    if (!opened) throw new Error('the store did not open');
    return opened.store;
  };
}

/** A customer with every field set, to nothing like a default; nested key orders are the client's. */
function everyFieldCustomer(scope: CustomerScope, nowMs: number): Customer {
  const address = (country: string) => ({
    line1: '1 Rue de l’Église',
    line2: 'Bâtiment B, 3ᵉ étage',
    city: 'Zürich',
    state: 'ZH',
    postal_code: '8001',
    country,
  });
  const customer = newCustomer(
    scope,
    {
      name: 'Zoë Ångström 🚀 日本語 "quoted" \\ back',
      email: 'Zoe.Full@Example.com',
      phone: '+41 (44) 000-00-00',
      description: 'Line one\nLine two\t«tab» — ✓ 💡',
      address: address('ch'),
      shipping: { name: 'Łukasz Żółć', phone: '+48 22 000 00 00', address: address('PL') },
      balance: Number.MIN_SAFE_INTEGER,
      default_source: 'card_123',
      invoice_prefix: 'ZOE42',
      invoice_settings: {
        custom_fields: [
          { name: 'PO', value: '№ 12' },
          { name: 'VAT', value: 'DE123' },
        ],
        default_payment_method: 'pm_123',
        footer: 'Danke schön',
        rendering_options: { amount_tax_display: 'include_inclusive_tax', template: 'inrtem_123' },
      },
      // Not alphabetical, and not jsonb's (length, bytes) order either.
      metadata: { set: { zeta: 'last letter', a: 'first', 'Middle Key': 'Ünïcødé', ключ: 'значение', 'emoji_🔑': '🗝️' } },
      next_invoice_sequence: 42,
      preferred_locales: ['fr-CH', 'de', 'en'],
      tax_exempt: 'reverse',
      individual_name: 'Zoë Individual',
      external_id: 'ext-001',
      company_name: 'Ångström AG',
      billing_email: 'billing@example.co.uk',
      website: 'https://example.com/zoë?x=1&y=2',
      status: 'inactive',
      tax_ids: [
        { type: 'ch_vat', value: 'CHE-123.456.789 MWST' },
        { type: 'eu_vat', value: 'DE123456789' },
      ],
      contacts: [
        { name: 'Primary Person', first_name: 'Prim', last_name: 'Person', email: 'p@example.com', phone: '+41 44 000 00 01', is_primary: true },
        { name: 'Ärger Second', first_name: 'Ärger', last_name: 'Second', email: 's@example.com', phone: '+41 44 000 00 02', is_primary: false },
      ],
      seller_id: 'seller_1',
      stripe_customer_id: 'cus_Stripe123',
    },
    nowMs,
  );
  // Fields no patch sets.
  return { ...customer, currency: 'chf', delinquent: true, test_clock: 'clock_123' };
}

// ---- the suite, per store kind ----

function storeConformance(kind: StoreKind): void {
  describe('lifecycle', () => {
    const store = freshStore(kind);

    it('migrate() again is harmless: data stays and the store keeps working', async () => {
      const { tenant } = await addTenant(store(), 'Before migrate');
      const kept = await addCustomer(store(), scopeOf(tenant), { email: 'kept@example.com' });
      await store().migrate();
      await store().migrate();
      assert.deepEqual(await store().getTenant(tenant.id), tenant);
      assert.deepEqual(await store().getCustomer(scopeOf(tenant), kept.id), kept);
      const afterwards = await addCustomer(store(), scopeOf(tenant), { email: 'new@example.com' });
      assert.deepEqual(await store().getCustomer(scopeOf(tenant), afterwards.id), afterwards);
    });

    it('ping() resolves on an open store and rejects once it is closed', async () => {
      const own = await openTestStore(kind);
      try {
        assert.equal(await own.store.ping(), undefined);
        await own.store.close();
        await assert.rejects(own.store.ping());
      } finally {
        await own.destroy();
      }
    });
  });

  describe('tenants', () => {
    const store = freshStore(kind);

    it('createTenant with onlyIfNone creates the first tenant only, and writes nothing otherwise', async () => {
      assert.deepEqual(await store().listTenants(), []);
      const first = tenantRecord('First');
      const firstKey = keyRecord(first.id, 'test');
      assert.equal(await store().createTenant(first, [firstKey], true), true);
      assert.deepEqual(await store().getTenant(first.id), first);

      const second = tenantRecord('Second');
      const secondKey = keyRecord(second.id, 'live');
      assert.equal(await store().createTenant(second, [secondKey], true), false);
      assert.equal(await store().getTenant(second.id), null);
      assert.equal(await store().findApiKey(secondKey.hash), null, 'a refused tenant leaves no keys behind');

      assert.equal(await store().createTenant(second, [secondKey]), true, 'without onlyIfNone it is created');
      assert.deepEqual(await store().getTenant(second.id), second);
      assert.deepEqual(await store().findApiKey(secondKey.hash), { key: secondKey, tenant: second });
    });

    it('getTenant is null for an unknown id', async () => {
      assert.equal(await store().getTenant(newId()), null);
    });

    it('listTenants orders by created, then id', async () => {
      const [a, b, c] = [newId(), newId(), newId()].sort();
      // Inserted out of order; a and c share `created`, so id decides between them.
      const late = tenantRecord('Late', { id: c!, created: 100 });
      const early = tenantRecord('Early', { id: b!, created: 50 });
      const tie = tenantRecord('Tie', { id: a!, created: 100 });
      for (const tenant of [late, early, tie]) assert.equal(await store().createTenant(tenant, []), true);

      const listed = await store().listTenants();
      const mine = listed.filter((t) => [late.id, early.id, tie.id].includes(t.id));
      assert.deepEqual(mine, [early, tie, late]);
      for (let i = 1; i < listed.length; i++) {
        const [p, q] = [listed[i - 1]!, listed[i]!];
        assert.ok(p.created < q.created || (p.created === q.created && p.id < q.id), `${p.name} before ${q.name}`);
      }
    });

    it('deleteEmptyTenant refuses a tenant with a customer, even a deleted one, and keeps everything', async () => {
      const busy = await addTenant(store(), 'Has a customer');
      await addCustomer(store(), scopeOf(busy.tenant));
      await rejectsWith(store().deleteEmptyTenant(busy.tenant.id), ConflictError);
      assert.deepEqual(await store().getTenant(busy.tenant.id), busy.tenant);

      const quiet = await addTenant(store(), 'Has a deleted customer');
      const gone = await addCustomer(store(), scopeOf(quiet.tenant, 'live'));
      await store().deleteCustomer(scopeOf(quiet.tenant, 'live'), gone.id, Date.now(), SYSTEM_WRITE);
      await rejectsWith(store().deleteEmptyTenant(quiet.tenant.id), ConflictError);
      assert.deepEqual(await store().getTenant(quiet.tenant.id), quiet.tenant);
      assert.deepEqual(await store().findApiKey(quiet.keys.test.hash), { key: quiet.keys.test, tenant: quiet.tenant });
    });

    it('deleteEmptyTenant removes an empty tenant with its keys, clients and tokens, and nothing else', async () => {
      const doomed = await addTenant(store(), 'Doomed');
      const client = issueClient(box, doomed.tenant.id, 'test');
      await store().rollClient(client.record, 0);
      const token = issueAccessToken(client.record, 3600);
      await store().insertAccessToken(token.record);
      const bystander = await addTenant(store(), 'Bystander');

      await store().deleteEmptyTenant(doomed.tenant.id);
      assert.equal(await store().getTenant(doomed.tenant.id), null);
      assert.equal(await store().findApiKey(doomed.keys.test.hash), null);
      assert.equal(await store().findApiKey(doomed.keys.live.hash), null);
      assert.equal(await store().findClient(client.record.id), null);
      assert.equal(await store().findAccessToken(doomed.tenant.id, token.record.hash), null);
      assert.ok(!(await store().listTenants()).some((t) => t.id === doomed.tenant.id));
      assert.deepEqual(await store().findApiKey(bystander.keys.test.hash), { key: bystander.keys.test, tenant: bystander.tenant });
    });

    it('updateTenantSettings: NotFoundError for an unknown tenant', async () => {
      const err = await rejectsWith(store().updateTenantSettings(newId(), { email_uniqueness: 'off' }), NotFoundError);
      assert.equal(err.resource, 'tenant');
    });

    it('uniqueness off allows shared e-mails; enforcing fails while live duplicates remain, then succeeds', async () => {
      const { tenant } = await addTenant(store(), 'Uniqueness');
      const scope = scopeOf(tenant);
      const off = await store().updateTenantSettings(tenant.id, { email_uniqueness: 'off' });
      assert.deepEqual(off, { ...tenant, settings: { ...tenant.settings, email_uniqueness: 'off' } });
      assert.deepEqual(await store().getTenant(tenant.id), off);

      await addCustomer(store(), scope, { email: 'dup@example.com' });
      const b = await addCustomer(store(), scope, { email: 'DUP@example.com' });

      const err = await rejectsWith(store().updateTenantSettings(tenant.id, { email_uniqueness: 'enforced' }), ConflictError);
      assert.deepEqual(err.path, ['email_uniqueness']);
      assert.equal((await store().getTenant(tenant.id))?.settings.email_uniqueness, 'off');
      const c = await addCustomer(store(), scope, { email: 'Dup@Example.com' });
      assert.equal(c.email, 'Dup@Example.com', 'still off in effect: another duplicate is accepted');

      // Deleted duplicates do not count.
      await store().deleteCustomer(scope, b.id, Date.now(), SYSTEM_WRITE);
      await store().deleteCustomer(scope, c.id, Date.now(), SYSTEM_WRITE);
      const on = await store().updateTenantSettings(tenant.id, { email_uniqueness: 'enforced' });
      assert.deepEqual(on, tenant);
      assert.deepEqual(await store().getTenant(tenant.id), tenant);
      await rejectsWith(addCustomer(store(), scope, { email: 'dup@EXAMPLE.com' }), EmailTakenError);

      assert.deepEqual(await store().updateTenantSettings(tenant.id, {}), tenant, 'no settings, no change');
    });
  });

  describe('API keys and clients', () => {
    const store = freshStore(kind);

    it('findApiKey returns the key with its tenant, expired or not; null for an unknown hash', async () => {
      const { tenant, keys } = await addTenant(store(), 'Keys', 'off');
      assert.deepEqual(await store().findApiKey(keys.live.hash), { key: keys.live, tenant });
      assert.deepEqual(await store().findApiKey(keys.test.hash), { key: keys.test, tenant });
      const expired = keyRecord(tenant.id, 'test', 1);
      await store().rollApiKey(expired, 2_000_000_000);
      assert.deepEqual(await store().findApiKey(expired.hash), { key: expired, tenant });
      assert.equal(await store().findApiKey('0'.repeat(64)), null);
    });

    it('rollApiKey expires the older keys of that mode and tenant only, never later than they already expire', async () => {
      const a = tenantRecord('Roll A');
      const a1 = keyRecord(a.id, 'test');
      const aEarly = keyRecord(a.id, 'test', 300);
      const aLive = keyRecord(a.id, 'live');
      assert.equal(await store().createTenant(a, [a1, aEarly, aLive]), true);
      const b = await addTenant(store(), 'Roll B');
      const expiry = async (key: ApiKeyRecord) => (await store().findApiKey(key.hash))?.key.expires_at;

      const a2 = keyRecord(a.id, 'test');
      await store().rollApiKey(a2, 1_000);
      assert.equal(await expiry(a1), 1_000);
      assert.equal(await expiry(aEarly), 300, 'an earlier expiry is kept');
      assert.equal(await expiry(aLive), null, 'other mode untouched');
      assert.equal(await expiry(b.keys.test), null, 'other tenant untouched');
      assert.deepEqual(await store().findApiKey(a2.hash), { key: a2, tenant: a });

      const a3 = keyRecord(a.id, 'test');
      await store().rollApiKey(a3, 500);
      assert.deepEqual(
        [await expiry(a1), await expiry(aEarly), await expiry(a2), await expiry(a3)],
        [500, 300, 500, null],
        'each older key takes the earlier of its expiry and the new one',
      );
    });

    it('clients: findClient, rollClient per tenant and mode; access tokens by tenant and hash, swept when expired', async () => {
      const a = await addTenant(store(), 'Clients A');
      const b = await addTenant(store(), 'Clients B');
      const aTest = issueClient(box, a.tenant.id, 'test');
      const aLive = issueClient(box, a.tenant.id, 'live');
      const bTest = issueClient(box, b.tenant.id, 'test');
      for (const c of [aTest, aLive, bTest]) await store().rollClient(c.record, 0);
      assert.deepEqual(await store().findClient(aTest.record.id), { client: aTest.record, tenant: a.tenant });
      assert.equal(await store().findClient('cli_test_unknown'), null);

      const aNext = issueClient(box, a.tenant.id, 'test');
      await store().rollClient(aNext.record, 1_000);
      assert.equal((await store().findClient(aTest.record.id))?.client.expires_at, 1_000);
      assert.equal((await store().findClient(aLive.record.id))?.client.expires_at, null);
      assert.equal((await store().findClient(bTest.record.id))?.client.expires_at, null);
      assert.equal((await store().findClient(aNext.record.id))?.client.expires_at, null);

      const now = Date.now();
      const fresh = issueAccessToken(aNext.record, 3600, now);
      const stale = issueAccessToken(aNext.record, 60, now - 3_600_000);
      await store().insertAccessToken(fresh.record);
      await store().insertAccessToken(stale.record);
      assert.deepEqual(await store().findAccessToken(a.tenant.id, fresh.record.hash), fresh.record);
      assert.equal(await store().findAccessToken(b.tenant.id, fresh.record.hash), null);
      assert.equal(await store().deleteExpiredAccessTokens(Math.floor(now / 1000)), 1);
      assert.equal(await store().findAccessToken(a.tenant.id, stale.record.hash), null);
      assert.deepEqual(await store().findAccessToken(a.tenant.id, fresh.record.hash), fresh.record);
    });
  });

  describe('customers', () => {
    const store = freshStore(kind);
    let tenantA: Tenant;
    let tenantB: Tenant;
    let a: CustomerScope;
    let aLive: CustomerScope;
    let b: CustomerScope;

    before(async () => {
      tenantA = (await addTenant(store(), 'Customers A')).tenant;
      tenantB = (await addTenant(store(), 'Customers B')).tenant;
      a = scopeOf(tenantA);
      aLive = scopeOf(tenantA, 'live');
      b = scopeOf(tenantB);
    });

    it('a customer with every field set comes back equal, with every key order kept', async () => {
      const input = everyFieldCustomer(a, at(1, 234));
      assert.doesNotMatch(JSON.stringify(input), /null|\[\]|\{\}/, 'every field, nested ones too, is set');
      assert.deepEqual(await store().insertCustomer(input, SYSTEM_WRITE), input);
      const got = await store().getCustomer(a, input.id);
      assert.ok(got);
      assert.deepEqual(got, input);
      assert.deepEqual(Object.keys(got).sort(), Object.keys(input).sort());
      for (const key of Object.keys(input) as (keyof Customer)[]) {
        assert.equal(JSON.stringify(got[key]), JSON.stringify(input[key]), `${key}: same content in the same key order`);
      }
      assert.deepEqual(Object.keys(got.metadata), ['zeta', 'a', 'Middle Key', 'ключ', 'emoji_🔑']);
    });

    it('getCustomer is null for an unknown id, another tenant, and the other mode', async () => {
      const c = await addCustomer(store(), a, { name: 'Scoped' });
      assert.deepEqual(await store().getCustomer(a, c.id), c);
      assert.equal(await store().getCustomer(a, newId()), null);
      assert.equal(await store().getCustomer(b, c.id), null);
      assert.equal(await store().getCustomer(aLive, c.id), null);
    });

    it('EmailTakenError for a taken e-mail in the same tenant and mode, case-insensitively; nothing is written', async () => {
      await addCustomer(store(), a, { email: 'taken@example.com' });
      const dup = newCustomer(a, { email: 'TAKEN@Example.COM' });
      const err = await rejectsWith(store().insertCustomer(dup, SYSTEM_WRITE), EmailTakenError);
      assert.deepEqual(err.path, ['email']);
      assert.equal(err.kind, 'conflict');
      assert.equal(await store().getCustomer(a, dup.id), null);
    });

    it('the same e-mail is free in the other mode and in another tenant; customers without e-mail never clash', async () => {
      await addCustomer(store(), a, { email: 'shared@example.com' });
      const live = await addCustomer(store(), aLive, { email: 'shared@example.com' });
      const other = await addCustomer(store(), b, { email: 'SHARED@example.com' });
      assert.deepEqual(await store().getCustomer(aLive, live.id), live);
      assert.deepEqual(await store().getCustomer(b, other.id), other);
      await addCustomer(store(), a, { name: 'No e-mail 1' });
      await addCustomer(store(), a, { name: 'No e-mail 2' });
    });

    it('a tenant with uniqueness off may have customers sharing an e-mail', async () => {
      const { tenant } = await addTenant(store(), 'Relaxed', 'off');
      const scope = scopeOf(tenant);
      const one = await addCustomer(store(), scope, { email: 'same@example.com' });
      const two = await addCustomer(store(), scope, { email: 'Same@example.com' });
      assert.deepEqual(await store().getCustomer(scope, one.id), one);
      assert.deepEqual(await store().getCustomer(scope, two.id), two);
    });

    it('updateCustomer hands the updater the stored customer and writes what it returns', async () => {
      const c = await addCustomer(store(), a, { name: 'Before', metadata: { set: { k: 'v' } } }, at(10));
      let seen: Customer | undefined;
      const updated = await store().updateCustomer(a, c.id, (current) => {
        seen = current;
        return applyPatch(current, { name: 'After', metadata: { set: { k2: 'v2' } } }, at(20));
      }, SYSTEM_WRITE);
      assert.deepEqual(seen, c);
      assert.equal(updated.name, 'After');
      assert.deepEqual(updated.metadata, { k: 'v', k2: 'v2' });
      assert.equal(updated.version, c.version + 1);
      assert.equal(updated.updated, at(20));
      assert.deepEqual(await store().getCustomer(a, c.id), updated);
    });

    it('updateCustomer: NotFoundError when missing, out of scope or deleted, without calling the updater', async () => {
      const c = await addCustomer(store(), a);
      const gone = await addCustomer(store(), a);
      await store().deleteCustomer(a, gone.id, Date.now(), SYSTEM_WRITE);
      const never = () => assert.fail('the updater must not run');
      for (const [scope, id] of [[a, newId()], [b, c.id], [aLive, c.id], [a, gone.id]] as const) {
        const err = await rejectsWith(store().updateCustomer(scope, id, never, SYSTEM_WRITE), NotFoundError);
        assert.equal(err.id, id);
      }
    });

    it('an updater that throws aborts the update: its error comes out and nothing is written', async () => {
      const c = await addCustomer(store(), a, { name: 'Untouched' });
      const boom = new Error('boom');
      await assert.rejects(
        store().updateCustomer(a, c.id, () => {
          throw boom;
        }, SYSTEM_WRITE),
        (err) => err === boom,
      );
      assert.deepEqual(await store().getCustomer(a, c.id), c);
      // The store still works for the same customer afterwards.
      const next = await store().updateCustomer(a, c.id, (cur) => applyPatch(cur, { name: 'Touched' }), SYSTEM_WRITE);
      assert.equal(next.name, 'Touched');
    });

    it('updateCustomer: EmailTakenError when changing to a taken e-mail, nothing written; re-casing its own is fine', async () => {
      await addCustomer(store(), a, { email: 'owner@example.com' });
      const c = await addCustomer(store(), a, { email: 'mover@example.com', name: 'Mover' });
      await rejectsWith(
        store().updateCustomer(a, c.id, (cur) => applyPatch(cur, { email: 'OWNER@example.com', name: 'Moved' }), SYSTEM_WRITE),
        EmailTakenError,
      );
      assert.deepEqual(await store().getCustomer(a, c.id), c);
      const recased = await store().updateCustomer(a, c.id, (cur) => applyPatch(cur, { email: 'Mover@Example.com' }), SYSTEM_WRITE);
      assert.deepEqual(await store().getCustomer(a, c.id), recased);
    });

    it('40 concurrent updates of one customer lose none', async () => {
      const c = await addCustomer(store(), a, { metadata: { set: { counter: '0' } } });
      const increment = (cur: Customer) =>
        applyPatch(cur, { metadata: { set: { counter: String(Number(cur.metadata.counter) + 1) } } });
      await Promise.all(Array.from({ length: 40 }, () => store().updateCustomer(a, c.id, increment, SYSTEM_WRITE)));
      const final = await store().getCustomer(a, c.id);
      assert.equal(final?.metadata.counter, '40');
      assert.equal(final?.version, c.version + 40);
    });

    it('concurrent inserts (one group or batch): each gets its own outcome, a failing one fails alone', async () => {
      const taken = await addCustomer(store(), a, { email: 'held@example.com' });
      // 60 at once: good ones, a taken e-mail, two rows racing for one new e-mail, a taken id, another scope.
      const attempts = Array.from({ length: 60 }, (_, i) => {
        if (i === 7) return newCustomer(a, { email: 'HELD@example.com' });
        if (i === 11 || i === 12) return newCustomer(a, { email: 'race@example.com', name: `racer ${i}` });
        if (i === 20) return { ...newCustomer(a, { name: 'copycat' }), id: taken.id };
        if (i === 30) return newCustomer(b, { email: 'held@example.com' });
        return newCustomer(a, { email: `many${i}@example.com`, name: `Many ${i}` });
      });
      const settled = await Promise.allSettled(attempts.map((c) => store().insertCustomer(c, SYSTEM_WRITE)));
      const failedAs = (i: number) => (settled[i]!.status === 'rejected' ? (settled[i] as PromiseRejectedResult).reason : null);
      assert.ok(failedAs(7) instanceof EmailTakenError, String(failedAs(7)));
      assert.ok(failedAs(20) instanceof IdTakenError, String(failedAs(20)));
      const racers = [11, 12].filter((i) => settled[i]!.status === 'fulfilled');
      assert.equal(racers.length, 1, 'exactly one of two rows with one e-mail is inserted');
      assert.ok(failedAs(racers[0] === 11 ? 12 : 11) instanceof EmailTakenError);
      const inserted = settled.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      assert.equal(inserted.length, 60 - 3);
      for (const i of inserted) {
        const value = (settled[i] as PromiseFulfilledResult<Customer>).value;
        assert.deepEqual(value, attempts[i]);
        assert.deepEqual(await store().getCustomer(i === 30 ? b : a, value.id), value);
        assert.equal((await store().listCustomerHistory(i === 30 ? b : a, value.id, { limit: 10 })).data.length, 1, 'one history entry each');
      }
      assert.deepEqual(await store().getCustomer(a, taken.id), taken, 'the taken id was not overwritten');
    });

    it('deleteCustomer returns it deleted with version+1; it stays readable; deleting again is NotFoundError', async () => {
      const c = await addCustomer(store(), a, { email: 'leaving@example.com' }, at(30));
      const deleted = await store().deleteCustomer(a, c.id, at(40), SYSTEM_WRITE);
      assert.deepEqual(deleted, { ...c, deleted: true, version: c.version + 1, updated: at(40) });
      assert.deepEqual(await store().getCustomer(a, c.id), deleted);
      await rejectsWith(store().deleteCustomer(a, c.id, at(50), SYSTEM_WRITE), NotFoundError);
      assert.deepEqual(await store().getCustomer(a, c.id), deleted, 'the failed delete wrote nothing');
      await rejectsWith(store().deleteCustomer(a, newId(), at(50), SYSTEM_WRITE), NotFoundError);
      await rejectsWith(store().deleteCustomer(aLive, (await addCustomer(store(), a)).id, at(50), SYSTEM_WRITE), NotFoundError);
    });

    it('deleteCustomer never moves `updated` back, and frees the e-mail', async () => {
      const c = await addCustomer(store(), a, { email: 'recycled@example.com' }, at(60));
      const deleted = await store().deleteCustomer(a, c.id, at(59), SYSTEM_WRITE);
      assert.equal(deleted.updated, at(60));
      const again = await addCustomer(store(), a, { email: 'RECYCLED@example.com' });
      assert.deepEqual(await store().getCustomer(a, again.id), again);
    });
  });

  describe('eraseCustomer', () => {
    const store = freshStore(kind);
    let a: CustomerScope;
    let aLive: CustomerScope;

    before(async () => {
      const { tenant } = await addTenant(store(), 'Erasures');
      a = scopeOf(tenant);
      aLive = scopeOf(tenant, 'live');
    });

    const request = (atMs: number, mentions: string[] = [], check?: ErasureRequest['check']): ErasureRequest => ({
      atMs,
      by: 'key_eraser',
      replyMentions: () => mentions,
      ...(check ? { check } : {}),
    });

    it('leaves the tombstone: every field at its default but id, scope, created and invoice prefix; its history keeps no value', async () => {
      const c = await store().insertCustomer(everyFieldCustomer(a, at(10)), SYSTEM_WRITE);
      await store().updateCustomer(a, c.id, (current) => applyPatch(current, { name: 'Renamed' }, at(11)), SYSTEM_WRITE);
      const erased = await store().eraseCustomer(a, c.id, request(at(20)), { actor: 'api_key:key_eraser', surface: 'native', requestId: 'req_1' });
      const tombstone = { ...blankCustomer(a, c.id, c.created, at(20)), invoice_prefix: c.invoice_prefix, deleted: true, version: 3 };
      assert.deepEqual(erased, { customer: tombstone, erasedAt: at(20), erasedBy: 'key_eraser' });
      assert.deepEqual(await store().getCustomer(a, c.id), tombstone);
      const history = (await store().listCustomerHistory(a, c.id, { limit: 10 })).data;
      assert.deepEqual(history.map((e) => [e.version, e.action, e.actor, e.changes]), [
        [3, 'erased', 'api_key:key_eraser', [{ path: ['deleted'], before: false, after: true }, { path: ['erased'], before: false, after: true }]],
        [2, 'updated', 'system', []],
        [1, 'created', 'system', []],
      ]);
      assert.equal(history[0]!.created, at(20));
    });

    it('erasing again answers the first tombstone and writes nothing; NotFoundError when there is none in the scope', async () => {
      const c = await addCustomer(store(), a, { email: 'twice@example.com' });
      const first = await store().eraseCustomer(a, c.id, request(at(30)), SYSTEM_WRITE);
      const again = await store().eraseCustomer(a, c.id, { ...request(at(40)), by: 'cli' }, SYSTEM_WRITE);
      assert.deepEqual(again, first);
      assert.equal((await store().listCustomerHistory(a, c.id, { limit: 10 })).data.length, 2);
      await rejectsWith(store().eraseCustomer(a, newId(), request(at(50)), SYSTEM_WRITE), NotFoundError);
      await rejectsWith(store().eraseCustomer(aLive, (await addCustomer(store(), a)).id, request(at(50)), SYSTEM_WRITE), NotFoundError);
    });

    it('erases a deleted customer, and frees its e-mail; a check that throws erases nothing', async () => {
      const c = await addCustomer(store(), a, { email: 'gone@example.com' }, at(60));
      await store().deleteCustomer(a, c.id, at(61), SYSTEM_WRITE);
      const erased = await store().eraseCustomer(a, c.id, request(at(62)), SYSTEM_WRITE);
      assert.deepEqual((await store().listCustomerHistory(a, c.id, { limit: 1 })).data[0]!.changes, [{ path: ['erased'], before: false, after: true }]);
      assert.equal(erased.customer.version, 3);
      await addCustomer(store(), a, { email: 'gone@example.com' });

      const kept = await addCustomer(store(), a, { name: 'Kept' });
      const refusal = new ConflictError(['id'], 'refused');
      await assert.rejects(store().eraseCustomer(a, kept.id, request(at(70), [], () => { throw refusal; }), SYSTEM_WRITE), (err) => err === refusal);
      assert.deepEqual(await store().getCustomer(a, kept.id), kept);
    });

    it('deletes the stored replies that mention the customer, in its scope only', async () => {
      const c = await addCustomer(store(), a);
      const keep = async (scope: CustomerScope, key: string, body: string) => {
        const claim = { ref: { tenantId: scope.tenantId, mode: scope.mode, key }, fingerprint: 'f', owner: 'o', nowMs: Date.now(), leaseMs: 60_000, ttlMs: 3_600_000 };
        assert.deepEqual(await store().claimIdempotencyKey(claim), { state: 'claimed' });
        assert.equal(await store().completeIdempotencyKey(claim.ref, 'o', { status: 200, headers: {}, body }), true);
        return async () => (await store().claimIdempotencyKey({ ...claim, owner: 'retry' })).state;
      };
      const mentioning = await keep(a, 'mentions', '{"id":"cus_Mark_%"}');
      const unrelated = await keep(a, 'unrelated', '{"id":"cus_Other"}');
      const otherMode = await keep(aLive, 'mentions', '{"id":"cus_Mark_%"}');
      await store().eraseCustomer(a, c.id, request(at(80), ['cus_Mark_%']), SYSTEM_WRITE);
      assert.equal(await mentioning(), 'claimed', 'its reply went: a retry runs afresh');
      assert.equal(await unrelated(), 'done');
      assert.equal(await otherMode(), 'done');
    });
  });

  describe('listCustomers', () => {
    const store = freshStore(kind);
    let scope: CustomerScope;
    /** The live customers of `scope`, newest first. */
    let expected: Customer[];
    let otherTenantCustomer: Customer;
    let deletedCustomer: Customer;

    const list = (query: Partial<ListQuery>) => store().listCustomers(scope, { limit: 100, ...query });

    before(async () => {
      const { tenant } = await addTenant(store(), 'Lists');
      const other = await addTenant(store(), 'Lists, other tenant');
      scope = scopeOf(tenant);
      // Inserted out of order, so ids (increasing with insertion) disagree with `created`;
      // several share a second, so ties are broken by id.
      const seconds = [5, 1, 3, 3, 3, 2, 5, 4, 1, 3, 3, 2];
      const made: Customer[] = [];
      for (const [i, second] of seconds.entries()) {
        const email = i === 4 ? 'Mixed.Case@Example.com' : `c${i}@example.com`;
        made.push(await addCustomer(store(), scope, { name: `c${i}`, email }, at(second, i * 10)));
      }
      expected = [...made].sort(newestFirst);
      deletedCustomer = await addCustomer(store(), scope, { name: 'deleted' }, at(3, 999));
      await store().deleteCustomer(scope, deletedCustomer.id, Date.now(), SYSTEM_WRITE);
      await addCustomer(store(), scopeOf(tenant, 'live'), { name: 'live' }, at(3));
      otherTenantCustomer = await addCustomer(store(), scopeOf(other.tenant), { name: 'other' }, at(3));
    });

    it('lists live customers of the scope only, newest first by (created, id)', async () => {
      const page = await list({});
      assert.deepEqual(idsOf(page.data), idsOf(expected));
      assert.deepEqual(page.data, expected);
      assert.equal(page.hasMore, false);
    });

    it('limit cuts the page and hasMore says whether more follow', async () => {
      const n = expected.length;
      const first = await list({ limit: 5 });
      assert.deepEqual(idsOf(first.data), idsOf(expected.slice(0, 5)));
      assert.equal(first.hasMore, true);
      assert.equal((await list({ limit: n - 1 })).hasMore, true);
      const all = await list({ limit: n });
      assert.equal(all.data.length, n);
      assert.equal(all.hasMore, false);
    });

    it('a cursor after a customer walks the whole list forwards with no gap or duplicate', async () => {
      const walked: Customer[] = [];
      let startingAfter: string | undefined;
      for (let pages = 0; ; pages++) {
        assert.ok(pages < 10, 'the walk ends');
        const page = await list({ limit: 5, ...(startingAfter ? { cursor: { after: startingAfter, field: ['starting_after'] } } : {}) });
        walked.push(...page.data);
        if (!page.hasMore) break;
        assert.equal(page.data.length, 5);
        startingAfter = page.data.at(-1)!.id;
      }
      assert.deepEqual(idsOf(walked), idsOf(expected));
      assert.deepEqual(await list({ cursor: { after: expected.at(-1)!.id, field: ['starting_after'] } }), { data: [], hasMore: false });
    });

    it('a cursor before a customer walks the whole list backwards, each page newest first, with no gap or duplicate', async () => {
      const pages: Customer[][] = [];
      let endingBefore = expected.at(-1)!.id;
      for (let n = 0; ; n++) {
        assert.ok(n < 10, 'the walk ends');
        const page = await list({ limit: 5, cursor: { before: endingBefore, field: ['ending_before'] } });
        assert.deepEqual([...page.data].sort(newestFirst), page.data, 'newest first within the page');
        pages.unshift(page.data);
        if (!page.hasMore) break;
        assert.equal(page.data.length, 5);
        endingBefore = page.data[0]!.id;
      }
      assert.deepEqual(idsOf([...pages.flat(), expected.at(-1)!]), idsOf(expected));
      assert.deepEqual(await list({ cursor: { before: expected[0]!.id, field: ['ending_before'] } }), { data: [], hasMore: false });
    });

    it('the email filter is exact and case-sensitive', async () => {
      assert.deepEqual((await list({ email: 'Mixed.Case@Example.com' })).data.map((c) => c.name), ['c4']);
      assert.deepEqual((await list({ email: 'mixed.case@example.com' })).data, []);
      assert.deepEqual((await list({ email: 'Mixed.Case' })).data, [], 'not a prefix match');
    });

    it('created filters gt, gte, lt and lte, alone and together', async () => {
      const cases: [ListQuery['created'], (created: number) => boolean][] = [
        [{ gt: S + 3 }, (c) => c > S + 3],
        [{ gte: S + 3 }, (c) => c >= S + 3],
        [{ lt: S + 3 }, (c) => c < S + 3],
        [{ lte: S + 3 }, (c) => c <= S + 3],
        [{ gte: S + 2, lt: S + 4 }, (c) => c >= S + 2 && c < S + 4],
        [{ gt: S + 5 }, () => false],
      ];
      for (const [created, keep] of cases) {
        const want = expected.filter((c) => keep(c.created));
        assert.deepEqual(idsOf((await list({ created })).data), idsOf(want), JSON.stringify(created));
      }
    });

    it('an unknown cursor is NotFoundError naming the field that carried it, also for another tenant’s customer', async () => {
      for (const id of [newId(), otherTenantCustomer.id]) {
        const forwards = await rejectsWith(list({ cursor: { after: id, field: ['starting_after'] } }), NotFoundError);
        assert.deepEqual(forwards.path, ['starting_after']);
        const backwards = await rejectsWith(list({ cursor: { before: id, field: ['ending_before'] } }), NotFoundError);
        assert.deepEqual(backwards.path, ['ending_before']);
      }
    });

    it('refuses a query field the ListQuery does not have, rather than ignore it (a spread escapes the compiler)', async () => {
      const stale = { limit: 5, ...({ startingAfter: expected[0]!.id } as object) };
      await assert.rejects(list(stale), /no field 'startingAfter'/);
    });

    it('never lists deleted customers, other modes or other tenants', async () => {
      const names = (await list({})).data.map((c) => c.name);
      for (const excluded of ['deleted', 'live', 'other']) assert.ok(!names.includes(excluded), excluded);
      assert.ok(!(await list({ created: { gte: S + 3, lte: S + 3 } })).data.some((c) => c.id === deletedCustomer.id));
    });
  });

  describe('searchCustomers', () => {
    const store = freshStore(kind);
    let scope: CustomerScope;
    /** The live customers of `scope`. */
    const made: Customer[] = [];

    /** Labels (external_id) of every match, sorted. */
    const found = async (query: string) => {
      const page = await store().searchCustomers(scope, parseSearchQuery(query, CUSTOMER_SEARCH_FIELDS), { limit: 100 });
      assert.equal(page.hasMore, false);
      return page.data.map((c) => c.external_id).sort();
    };
    /** The sorted labels of the made customers `keep` selects: for queries whose answer is computed. */
    const where = (keep: (c: Customer) => boolean) => made.filter(keep).map((c) => c.external_id).sort();

    before(async () => {
      const { tenant } = await addTenant(store(), 'Search');
      const other = await addTenant(store(), 'Search, other tenant');
      scope = scopeOf(tenant);
      const people: [string, CustomerPatch][] = [
        ['elodie', { name: 'ÉLODIE Martin', email: 'Elodie.Martin@Example.com', phone: '+33 1 23 45 67 89', description: 'Paris', metadata: { set: { plan: 'Gold', Region: 'EU' } } }],
        ['bob100', { name: 'Bob 100% real', email: 'bob100@example.com', phone: '555-0100', metadata: { set: { plan: 'silver' } } }],
        ['bob1000', { name: 'Bob 1000 real', email: 'bob1000@example.com', phone: '555-0199', metadata: { set: { plan: 'SILVER', tier: 'x' } } }],
        ['bobsmith', { name: 'Bob_Smith', email: 'bob_smith@example.net' }],
        ['bobxsmith', { name: 'BobXSmith', email: 'bobxsmith@example.net' }],
        ['backslash', { name: 'back\\slash', email: 'backslash1@example.org' }],
        ['nobackslash', { name: 'backslash', email: 'backslash2@example.org' }],
        ['anon', { name: null, email: 'anon@example.org' }],
        ['istanbul', { name: 'İstanbul Kebab', email: 'kebab@example.com', description: 'İstanbul', company_name: 'İSTANBUL AŞ' }],
        ['noemail', { name: 'Nomail Person', metadata: { set: { Plan: 'gold' } } }],
      ];
      for (const [i, [label, patch]] of people.entries()) {
        // Pairs share a second, so paging has ties to break.
        made.push(await addCustomer(store(), scope, { ...patch, external_id: label }, at(100 + Math.floor(i / 2), i)));
      }
      const decoy = { name: 'ÉLODIE Martin', email: 'Elodie.Martin@Example.com', metadata: { set: { plan: 'gold' } } };
      const deleted = await addCustomer(store(), scope, { ...decoy, email: 'gone@example.com', external_id: 'deleted' }, at(100));
      await store().deleteCustomer(scope, deleted.id, Date.now(), SYSTEM_WRITE);
      await addCustomer(store(), scopeOf(tenant, 'live'), { ...decoy, external_id: 'live' }, at(100));
      await addCustomer(store(), scopeOf(other.tenant), { ...decoy, external_id: 'other' }, at(100));
    });

    it('email:"…" is an exact, case-insensitive match', async () => {
      assert.deepEqual(await found('email:"ELODIE.MARTIN@example.COM"'), ['elodie']);
      assert.deepEqual(await found('email:"elodie.martin"'), []);
      assert.deepEqual(await found('email:"gone@example.com"'), [], 'deleted customers are not found');
    });

    it('name~ and phone~ are case-insensitive substring matches; name: is exact', async () => {
      assert.deepEqual(await found('name~"odie"'), ['elodie']);
      assert.deepEqual(await found('name~"BOB"'), ['bob100', 'bob1000', 'bobsmith', 'bobxsmith']);
      assert.deepEqual(await found('name:"élodie martin"'), ['elodie']);
      assert.deepEqual(await found('name:"élodie"'), []);
      assert.deepEqual(await found('phone~"0100"'), ['bob100']);
      assert.deepEqual(await found('phone~"555-01"'), ['bob100', 'bob1000']);
    });

    it('metadata["k"]:"v" matches the value case-insensitively and the key case-sensitively; :null finds the key absent', async () => {
      assert.deepEqual(await found('metadata["plan"]:"GOLD"'), ['elodie']);
      assert.deepEqual(await found('metadata["plan"]:"silver"'), ['bob100', 'bob1000']);
      assert.deepEqual(await found('metadata["Plan"]:"gold"'), ['noemail']);
      assert.deepEqual(await found('metadata["PLAN"]:"gold"'), []);
      assert.deepEqual(await found('metadata["plan"]:"gol"'), [], 'exact, not a prefix');
      assert.deepEqual(await found('metadata["plan"]~"ilv"'), ['bob100', 'bob1000']);
      assert.deepEqual(await found('metadata["plan"]:null'), where((c) => c.metadata.plan === undefined));
      assert.deepEqual(await found('-metadata["plan"]:null'), ['bob100', 'bob1000', 'elodie']);
    });

    it('negation includes customers without the field; field:null finds them', async () => {
      assert.deepEqual(await found('-name:"bob_smith"'), where((c) => c.external_id !== 'bobsmith'));
      assert.ok((await found('-name:"bob_smith"')).includes('anon'));
      assert.deepEqual(await found('name:null'), ['anon']);
      assert.deepEqual(await found('email:null'), ['noemail']);
      assert.deepEqual(await found('-email~"example"'), ['noemail']);
    });

    it('created compares numerically', async () => {
      assert.deepEqual(await found(`created>${S + 102}`), where((c) => c.created > S + 102));
      assert.deepEqual(await found(`created<=${S + 101}`), where((c) => c.created <= S + 101));
      assert.deepEqual(await found(`created:${S + 100}`), ['bob100', 'elodie']);
      assert.equal((await found(`created>${S + 102}`)).length, 4);
    });

    it('AND and OR combine clauses', async () => {
      assert.deepEqual(await found('name~"bob" AND metadata["plan"]:"silver"'), ['bob100', 'bob1000']);
      assert.deepEqual(await found('name~"bob" phone~"0199"'), ['bob1000']);
      assert.deepEqual(await found('email:"anon@example.org" OR name:"bob_smith"'), ['anon', 'bobsmith']);
      assert.deepEqual(await found('name:"nobody" OR metadata["tier"]:"X"'), ['bob1000']);
    });

    it('substrings with LIKE wildcards (%, _, \\) match those characters literally', async () => {
      assert.deepEqual(await found('name~"100%"'), ['bob100']);
      assert.deepEqual(await found('name~"b_s"'), ['bobsmith']);
      assert.deepEqual(await found('email~"b_s"'), ['bobsmith']);
      assert.deepEqual(await found('name~"k\\\\s"'), ['backslash']);
      assert.deepEqual(await found('name~"%%%"'), []);
      assert.deepEqual(await found('name~"___"'), []);
      assert.deepEqual(await found('phone~"%0%"'), []);
    });

    it('Unicode case folding: ÉLODIE is found as élodie', async () => {
      assert.deepEqual(await found('name:"élodie martin"'), ['elodie']);
      assert.deepEqual(await found('name~"élodie"'), ['elodie']);
      assert.deepEqual(await found('name~"ÉLOD"'), ['elodie']);
      assert.deepEqual(await found('description:"PARIS"'), ['elodie']);
    });

    // Both stores document JavaScript's toLowerCase as their folding ('İ' → 'i̇', with a combining
    // dot), so whether 'istanbul' matches 'İstanbul' is decided by it, the same way on every store.
    const folds = (stored: string, query: string) => (stored.toLowerCase() === query.toLowerCase() ? ['istanbul'] : []);

    it('İstanbul in name: found by its own spelling, and folded as JavaScript folds', async () => {
      assert.deepEqual(await found('name:"İstanbul Kebab"'), ['istanbul']);
      assert.deepEqual(await found('name:"İSTANBUL KEBAB"'), ['istanbul']);
      assert.deepEqual(await found('name~"stanbul"'), ['istanbul']);
      assert.deepEqual(await found('name:"istanbul kebab"'), folds('İstanbul Kebab', 'istanbul kebab'));
    });

    it('İstanbul in the other string fields (description, company_name): the same', async () => {
      assert.deepEqual(await found('description:"İstanbul"'), ['istanbul'], 'a field is found by the very value it holds');
      assert.deepEqual(await found('description:"istanbul"'), folds('İstanbul', 'istanbul'));
      assert.deepEqual(await found('company_name:"İSTANBUL AŞ"'), ['istanbul']);
      assert.deepEqual(await found('company_name~"İSTANBUL"'), ['istanbul']);
    });

    it('withTotal counts every match whatever the page; `after` pages through newest first', async () => {
      const query = parseSearchQuery('email~"example"', CUSTOMER_SEARCH_FIELDS);
      const expected = made.filter((c) => c.email?.toLowerCase().includes('example')).sort(newestFirst);
      assert.equal(expected.length, 9);
      const walked: Customer[] = [];
      let after: Cursor | undefined;
      for (let n = 0; ; n++) {
        assert.ok(n < 10, 'the walk ends');
        const page = await store().searchCustomers(scope, query, { limit: 4, withTotal: true, ...(after ? { after } : {}) });
        assert.equal(page.total, expected.length);
        walked.push(...page.data);
        if (!page.hasMore) break;
        assert.equal(page.data.length, 4);
        after = cursorOf(page.data.at(-1)!);
      }
      assert.deepEqual(idsOf(walked), idsOf(expected));
      const plain = await store().searchCustomers(scope, query, { limit: 1 });
      assert.equal(plain.total, undefined, 'no count unless asked');
    });

    it('never finds deleted customers, other modes or other tenants', async () => {
      const all = await found('name~"élodie" OR email~"example" OR name:null OR email:null');
      assert.deepEqual(all, where(() => true));
    });
  });
}

for (const kind of STORE_KINDS) {
  describe(`Store conformance: ${kind}`, { skip: kind === 'postgres' ? PG_SKIP_REASON : undefined }, () => storeConformance(kind));
}

// ---- PostgreSQL only: many servers starting on one database ----

const MIGRATION_VERSIONS = readdirSync(new URL('../../src/store/postgres/migrations/', import.meta.url))
  .filter((f) => f.endsWith('.sql'))
  .map((f) => f.replace(/\.sql$/, ''))
  .sort();

async function queryDatabase(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

describe('Store conformance: PostgreSQL, many servers starting at once', { skip: PG_SKIP_REASON }, () => {
  let db: TestDatabase;
  const stores: PostgresStore[] = [];

  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await db?.drop();
  });

  it('10 stores opening a fresh database at once all succeed, and each migration runs exactly once', async () => {
    const opened = await Promise.allSettled(Array.from({ length: 10 }, () => PostgresStore.open(db.url, { poolMax: 2 })));
    for (const result of opened) if (result.status === 'fulfilled') stores.push(result.value);
    assert.deepEqual(opened.filter((r) => r.status === 'rejected').map((r) => String(r.reason)), []);
    assert.ok(MIGRATION_VERSIONS.length >= 2);
    const rows = await queryDatabase(db.url, 'SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(rows.map((r) => r.version), MIGRATION_VERSIONS);
  });

  it('10 stores creating the first tenant at once: exactly one succeeds', async () => {
    assert.equal(stores.length, 10);
    const tenants = stores.map((_, i) => tenantRecord(`Racer ${i}`));
    const created = await Promise.all(stores.map((s, i) => s.createTenant(tenants[i]!, [keyRecord(tenants[i]!.id, 'test')], true)));
    assert.equal(created.filter(Boolean).length, 1);
    const [counts] = await queryDatabase(db.url, 'SELECT (SELECT count(*) FROM tenants)::int AS tenants, (SELECT count(*) FROM api_keys)::int AS keys');
    assert.deepEqual(counts, { tenants: 1, keys: 1 });
    assert.deepEqual(await stores[0]!.listTenants(), [tenants[created.indexOf(true)]]);
  });
});

// ---- both stores side by side ----

describe('Store conformance: SQLite and PostgreSQL answer alike', { skip: PG_SKIP_REASON }, () => {
  const opened: Partial<Record<StoreKind, TestStore>> = {};
  const tenant = tenantRecord('Side by side');
  const scope = scopeOf(tenant);
  const full = everyFieldCustomer(scope, at(7, 77));
  const folding: [string, CustomerPatch][] = [
    ['istanbul', { name: 'İstanbul', description: 'İstanbul', company_name: 'İSTANBUL', metadata: { set: { city: 'İstanbul' } } }],
    ['istanbul-plain', { name: 'Istanbul', description: 'istanbul', company_name: 'istanbul', metadata: { set: { city: 'istanbul' } } }],
    ['odos', { name: 'ΟΔΟΣ', description: 'ΟΔΟΣ', company_name: 'ΟΔΟΣ', metadata: { set: { city: 'ΟΔΟΣ' } } }],
    ['strasse', { name: 'STRASSE', description: 'Straße', company_name: 'STRAẞE', metadata: { set: { city: 'Straße' } } }],
    ['elodie', { name: 'ÉLODIE', description: 'ÉLODIE', company_name: 'Élodie SA', metadata: { set: { city: 'ÉLODIE' } } }],
  ];
  const customers = [full, ...folding.map(([label, patch], i) => newCustomer(scope, { ...patch, external_id: label }, at(10 + i)))];

  before(async () => {
    for (const kind of STORE_KINDS) {
      const t = await openTestStore(kind);
      opened[kind] = t;
      assert.equal(await t.store.createTenant(tenant, []), true);
      for (const c of customers) await t.store.insertCustomer(c, SYSTEM_WRITE);
    }
  });
  after(async () => {
    for (const t of Object.values(opened)) await t.destroy();
  });

  const both = () => STORE_KINDS.map((kind) => opened[kind]!.store);

  it('a customer with every field set reads back byte for byte alike', async () => {
    const texts = await Promise.all(both().map(async (s) => JSON.stringify(await s.getCustomer(scope, full.id))));
    assert.equal(texts[0], texts[1]);
    assert.ok(texts[0]!.includes('"metadata":{"zeta":"last letter","a":"first"'));
  });

  it('string searches fold Unicode identically on every field (İ, ẞ, final sigma, É)', async () => {
    const fields = ['name', 'description', 'company_name', 'metadata["city"]'];
    const values = ['İstanbul', 'istanbul', 'ISTANBUL', 'i̇stanbul', 'ΟΔΟΣ', 'οδος', 'οδοσ', 'straße', 'STRASSE', 'STRAẞE', 'élodie', 'ÉLODIE'];
    const queries: string[] = [];
    for (const field of fields) {
      for (const value of values) queries.push(`${field}:"${value}"`, `${field}~"${value.slice(1)}"`);
    }
    const answers = await Promise.all(
      both().map(async (s) => {
        const out: Record<string, (string | null)[]> = {};
        for (const q of queries) {
          const page = await s.searchCustomers(scope, parseSearchQuery(q, CUSTOMER_SEARCH_FIELDS), { limit: 100 });
          out[q] = page.data.map((c) => c.external_id).sort();
        }
        return out;
      }),
    );
    const [first, second] = answers as [Record<string, unknown>, Record<string, unknown>];
    const differing = queries
      .filter((q) => !isDeepStrictEqual(first[q], second[q]))
      .map((q) => `${q} → ${STORE_KINDS[0]} ${JSON.stringify(first[q])}, ${STORE_KINDS[1]} ${JSON.stringify(second[q])}`);
    assert.deepEqual(differing, [], 'queries the two stores answer differently');
  });
});
