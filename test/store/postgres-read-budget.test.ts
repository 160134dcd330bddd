/**
 * PostgreSQL's read budget: a server's store sets statement_timeout on its connections; a
 * statement past it is cancelled and surfaces as QueryBudgetError (a 503 in every surface's
 * format, as SQLite's reader threads answer), while migrations, which may build indexes over
 * large tables, lift it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newCustomer } from '../../src/domain/customers/factory.ts';
import { CUSTOMER_SEARCH_FIELDS } from '../../src/domain/customers/search-fields.ts';
import { parseSearchQuery } from '../../src/domain/customers/search-parser.ts';
import { SYSTEM_WRITE } from '../../src/domain/customers/write-context.ts';
import { QueryBudgetError } from '../../src/domain/errors.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { openTestStore, type TestStore } from '../helpers/stores.ts';

describe('PostgreSQL read budget (statement_timeout)', () => {
  let loaded: TestStore;
  const scope = { tenantId: 'tenant_budget', mode: 'test' as const };
  before(async () => {
    loaded = await openTestStore('postgres');
    const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(18);
    const customers = Array.from({ length: 20_000 }, (_, i) => newCustomer(scope, { name: `Filler ${i}`, description: filler }));
    for (let i = 0; i < customers.length; i += 2000) {
      const part = customers.slice(i, i + 2000);
      await loaded.store.insertCustomers(part, part.map(() => SYSTEM_WRITE));
    }
    // Statistics, so that the cheap search below is planned on its index.
    await loaded.store.analyze();
  });
  after(async () => loaded?.destroy());

  it('a search past the budget is cancelled as QueryBudgetError; a cheap one answers; the budget does not stop migrations', async () => {
    // Opening migrates (nothing pending here, but every migration runs with the budget lifted).
    const budgeted = await PostgresStore.open(loaded.location, { poolMax: 2, statementTimeoutMs: 50 });
    try {
      const costly = parseSearchQuery(Array.from({ length: 10 }, (_, i) => `description~"zq${i}x"`).join(' OR '), CUSTOMER_SEARCH_FIELDS);
      await assert.rejects(budgeted.searchCustomers(scope, costly, { limit: 10, withTotal: true }), (err: unknown) => {
        assert.ok(err instanceof QueryBudgetError, String(err));
        assert.match((err as Error).message, /ran longer than its budget/);
        return true;
      });
      const cheap = await budgeted.searchCustomers(scope, parseSearchQuery('name:"Filler 7"', CUSTOMER_SEARCH_FIELDS), { limit: 10 });
      assert.equal(cheap.data.length, 1);
    } finally {
      await budgeted.close();
    }
  });
});
