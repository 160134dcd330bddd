/**
 * Substring search at a size where strategy matters, on both stores (SQLite walks its list index
 * testing entries, PostgreSQL asks its trigram index): 5,000 customers, matches dense and sparse,
 * new and old. Every answer is held to a brute-force filter of the same
 * customers, page by page; and search follows renames and deletions, and never crosses tenants.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyPatch } from '../../src/domain/customers/patch.ts';
import { importedCustomer } from '../../src/domain/customers/factory.ts';
import type { Customer, CustomerScope } from '../../src/domain/customers/model.ts';
import { CUSTOMER_SEARCH_FIELDS } from '../../src/domain/customers/search-fields.ts';
import { newId } from '../../src/domain/ids.ts';
import { DEFAULT_TENANT_SETTINGS, type Tenant } from '../../src/domain/tenants/tenant.ts';
import type { WriteContext } from '../../src/domain/customers/write-context.ts';
import type { Cursor } from '../../src/domain/store-port.ts';
import { PG_SKIP_REASON } from '../helpers/postgres.ts';
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores.ts';
import { parseSearchQuery } from '../../src/domain/customers/search-parser.ts';

const SIZE = 5_000;
const SYLLABLES = ['an', 'ber', 'cal', 'dor', 'el', 'fin', 'gro', 'hal', 'ïs', 'ñu'];
const SURNAMES = ['smith', 'okafor', 'müller', 'tanaka', 'rossi', 'nowak', 'silva', 'kim'];
const context = (i: number): WriteContext => ({ actor: 'test', surface: 'cli', requestId: `req_${i}`, atMs: 1_800_000_000_000 });

/** Customer i: dense substrings (syllables, surnames) everywhere; `zqx` only in a few old ones, `wvy` only in a few new ones. */
function nameOf(i: number): string {
  const given = SYLLABLES[i % 10]! + SYLLABLES[Math.floor(i / 10) % 10]! + (i % 7 === 0 ? SYLLABLES[Math.floor(i / 100) % 10]! : '');
  const marker = i % 97 === 3 && i < 1000 ? ' zqx' : i >= SIZE - 50 && i % 13 === 0 ? ' wvy' : '';
  return `${given[0]!.toUpperCase()}${given.slice(1)} ${SURNAMES[i % 8]!}${marker}`;
}

function customerOf(scope: CustomerScope, i: number): Customer {
  return importedCustomer(
    scope,
    { name: nameOf(i), email: `${SURNAMES[(i * 3) % 8]}.${i}@example.com`, phone: `+1 555 ${String(i).padStart(4, '0')}` },
    // Oldest first; a few share a second, so that ids break the ties.
    { id: newId(1_600_000_000_000 + i * 1000), created: 1_600_000_000 + Math.floor(i / 3) * 3 },
  );
}

const byListOrder = (a: Customer, b: Customer) => b.created - a.created || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
const contains = (text: string | null, part: string) => text !== null && text.toLowerCase().includes(part.toLowerCase());

for (const kind of STORE_KINDS) {
  describe(`Store (${kind}): substring search over ${SIZE.toLocaleString('en-US')} customers`, { skip: kind === 'postgres' ? PG_SKIP_REASON : undefined }, () => {
    let t: TestStore;
    let scope: CustomerScope;
    let other: CustomerScope;
    /** What the tenant holds now, as the brute force sees it. */
    let live: Customer[] = [];

    before(async () => {
      t = await openTestStore(kind);
      const tenants: Tenant[] = ['Text', 'Text, other'].map((name) => ({ id: newId(), name, created: 1_600_000_000, settings: { ...DEFAULT_TENANT_SETTINGS } }));
      for (const tenant of tenants) assert.equal(await t.store.createTenant(tenant, []), true);
      scope = { tenantId: tenants[0]!.id, mode: 'test' };
      other = { tenantId: tenants[1]!.id, mode: 'test' };
      const mine = Array.from({ length: SIZE }, (_, i) => customerOf(scope, i));
      // The other tenant holds the same names (rare markers too), and live mode some of them.
      const theirs = Array.from({ length: 1_000 }, (_, i) => customerOf(other, i));
      const liveMode = Array.from({ length: 200 }, (_, i) => customerOf({ ...scope, mode: 'live' }, i));
      for (const batch of [mine, theirs, liveMode]) {
        for (let at = 0; at < batch.length; at += 1000) {
          const part = batch.slice(at, at + 1000);
          const outcomes = await t.store.insertCustomers(part, part.map((_, i) => context(at + i)));
          assert.ok(outcomes.every((o) => o.status === 'inserted'));
        }
      }
      await t.store.analyze();
      live = mine.sort(byListOrder);
    });
    after(async () => t?.destroy());

    /** Every page of `query` at page size `limit`, checked against the brute force as it goes. */
    async function walk(query: string, keep: (c: Customer) => boolean, limit: number): Promise<void> {
      const expected = live.filter(keep);
      const parsed = parseSearchQuery(query, CUSTOMER_SEARCH_FIELDS);
      const seen: string[] = [];
      let cursor: Cursor | undefined;
      for (let n = 0; ; n++) {
        const page = await t.store.searchCustomers(scope, parsed, { limit, withTotal: n === 0, ...(cursor ? { after: cursor } : {}) });
        if (n === 0) assert.equal(page.total, expected.length, `${query}: total_count`);
        seen.push(...page.data.map((c) => c.id));
        assert.equal(page.hasMore, seen.length < expected.length, `${query}: has_more after ${seen.length} of ${expected.length}`);
        if (!page.hasMore) break;
        assert.ok(n < 2 + expected.length / limit, `${query}: the walk ends`);
        const last = page.data.at(-1)!;
        cursor = { created: last.created, id: last.id };
      }
      assert.deepEqual(seen, expected.map((c) => c.id), `${query}: the matches, in list order`);
    }

    it('dense, sparse, old-only, new-only and absent substrings: exactly the brute force, page by page', async () => {
      const cases: [string, (c: Customer) => boolean][] = [
        ['name~"smith"', (c) => contains(c.name, 'smith')],
        ['name~"zqx"', (c) => contains(c.name, 'zqx')], // a few, all far outside the newest 2,000
        ['name~"wvy"', (c) => contains(c.name, 'wvy')], // a few, all among the newest
        ['name~"qqq"', () => false],
        ['name~"MÜLLER"', (c) => contains(c.name, 'müller')],
        ['name~"ñuïs"', (c) => contains(c.name, 'ñuïs')],
        ['email~"okafor.1"', (c) => contains(c.email, 'okafor.1')],
        ['phone~"555 49"', (c) => contains(c.phone, '555 49')],
        ['name~"zqx" OR email~"tanaka.499"', (c) => contains(c.name, 'zqx') || contains(c.email, 'tanaka.499')],
        ['name~"calber" AND email~"rossi"', (c) => contains(c.name, 'calber') && contains(c.email, 'rossi')],
        ['name~"zqx" AND created>1600000500', (c) => contains(c.name, 'zqx') && c.created > 1_600_000_500],
        ['-name~"smith"', (c) => !contains(c.name, 'smith')],
        ['name~"an*"', (c) => contains(c.name, 'an*')],
        ['name~"[ab"', (c) => contains(c.name, '[ab')],
      ];
      for (const [query, keep] of cases) await walk(query, keep, query.includes('smith') ? 100 : 7);
    });

    it('any substring of any name, at any page size: exactly the brute force', async () => {
      const names = live.map((c) => c.name!);
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: names.length - 1 }),
          fc.nat({ max: 20 }),
          fc.integer({ min: 3, max: 7 }),
          fc.constantFrom(1, 10, 100),
          async (which, start, length, limit) => {
            const name = [...names[which]!.toLowerCase()];
            const part = name.slice(Math.min(start, Math.max(0, name.length - length)), Math.min(start, Math.max(0, name.length - length)) + length).join('');
            fc.pre([...part].length >= 3 && !part.includes('"'));
            await walk(`name~"${part}"`, (c) => contains(c.name, part), limit);
          },
        ),
        { numRuns: 40 },
      );
    });

    it('follows renames and deletions, and never crosses tenants or modes', async () => {
      const target = live.find((c) => contains(c.name, 'zqx'))!;
      const renamed = await t.store.updateCustomer(scope, target.id, (current) => applyPatch(current, { name: 'Renamed Plugh' }), context(-1));
      const gone = live.find((c) => c.id !== target.id && contains(c.name, 'zqx'))!;
      await t.store.deleteCustomer(scope, gone.id, Date.now(), context(-2));
      live = live.filter((c) => c.id !== gone.id).map((c) => (c.id === renamed.id ? renamed : c));
      await walk('name~"zqx"', (c) => contains(c.name, 'zqx'), 10);
      await walk('name~"plugh"', (c) => contains(c.name, 'plugh'), 10);
      // A description change leaves the indexed text alone; the customer is still found.
      const touched = await t.store.updateCustomer(scope, renamed.id, (current) => applyPatch(current, { description: 'touched' }), context(-3));
      live = live.map((c) => (c.id === touched.id ? touched : c));
      await walk('name~"plugh"', (c) => contains(c.name, 'plugh'), 10);
      // The other tenant and live mode hold 'zqx' customers too: never here, and theirs are theirs.
      const theirs = await t.store.searchCustomers(other, parseSearchQuery('name~"zqx"', CUSTOMER_SEARCH_FIELDS), { limit: 100 });
      assert.equal(theirs.data.length, Array.from({ length: 1000 }, (_, i) => nameOf(i)).filter((n) => n.includes('zqx')).length);
      assert.ok(theirs.data.every((c) => c.tenant_id === other.tenantId));
    });
  });
}
