import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer, type TestServer } from '../../helpers/server.ts';
import type { CountClient } from './count-client.ts';
import { assertError, assertSuccess, countClient, sleep } from './helpers.ts';

/** GET /customers: search, page, limit, orderBy, orderDirection; totals. Each suite has a tenant of its own. */

const PEOPLE = [
  // customer, email, mainPhone — created in this order; names and e-mails in mixed case to check folding.
  { customer: 'delta Dynamics', email: 'zed@delta.example', mainPhone: '+44 20 7946 0001' },
  { customer: 'Alpha Industries', email: 'Mike@alpha.example', mainPhone: '+1 555 0142' },
  { customer: 'charlie & Co', email: 'anna@charlie.example', mainPhone: null },
  { customer: 'Bravo Bakery', email: 'Xavier@bravo.example', mainPhone: '+1 555 0199' },
  { customer: 'echo Labs', email: 'bob@echo.example', mainPhone: '+33 1 70 00 00 00' },
  { customer: 'Foxtrot Farms', email: 'carl@FOXTROT.example', mainPhone: '+1 555 0142 ext 7' },
  { customer: 'Golf Gear', email: 'dora@golf.example', mainPhone: '+49 30 000000' },
];

const folded = (s: string) => s.toLowerCase();

describe('Count surface: listing customers', () => {
  const ctx = suiteServer();
  let server: TestServer;
  let count: CountClient;
  const made: any[] = [];

  before(async () => {
    server = ctx.server;
    const tenant = await server.newTenant('Listing');
    count = countClient(server, 'test', tenant.clients.test, tenant.keys.test);
    for (const p of PEOPLE) {
      const res = await count.createCustomer(p);
      assert.equal(res.status, 201, res.text);
      made.push(res.body.data);
      await sleep(3); // distinct creation times
    }
    // A deleted customer is never listed.
    const gone = await count.createCustomer({ customer: 'Aaa Deleted', email: 'deleted@alpha.example' });
    assert.equal((await count.deleteCustomer(gone.body.data.uuid)).status, 200);
  });

  const list = async (params: Record<string, string | number> = {}) => assertSuccess(await count.listCustomers(params));
  const names = (data: any) => data.records.map((c: any) => c.customer);

  it('defaults: page 1, limit 20, ordered by customer name ascending (case-insensitive); deleted customers left out', async () => {
    const res = await count.listCustomers();
    const data = assertSuccess(res);
    assert.equal(res.body.message, 'Customers retrieved successfully');
    assert.deepEqual(Object.keys(data), ['records', 'page', 'limit', 'totalRecords', 'totalPages']);
    assert.equal(data.page, 1);
    assert.equal(data.limit, 20);
    assert.equal(data.totalRecords, PEOPLE.length);
    assert.equal(data.totalPages, 1);
    assert.deepEqual(names(data), PEOPLE.map((p) => p.customer).sort((a, b) => folded(a).localeCompare(folded(b))));
    assert.deepEqual(data.records[0], made[1], 'full customer objects');
  });

  describe('search: a case-insensitive substring of the name, the e-mail or the main phone', () => {
    it('matches the name', async () => {
      assert.deepEqual(names(await list({ search: 'BAKERY' })), ['Bravo Bakery']);
      assert.deepEqual(names(await list({ search: 'o l' })), ['echo Labs']);
    });
    it('matches the e-mail', async () => {
      assert.deepEqual(names(await list({ search: 'foxtrot.EX' })), ['Foxtrot Farms']);
      assert.deepEqual(names(await list({ search: 'xavier@' })), ['Bravo Bakery']);
    });
    it('matches the main phone', async () => {
      assert.deepEqual(names(await list({ search: '555 0142' })), ['Alpha Industries', 'Foxtrot Farms']);
      assert.deepEqual(names(await list({ search: '+44' })), ['delta Dynamics']);
    });
    it('any of the three, with totals for the match; nothing matching is an empty page with 0 pages', async () => {
      const data = await list({ search: 'a', limit: 2 });
      const all = PEOPLE.filter((p) => [p.customer, p.email, p.mainPhone ?? ''].some((f) => folded(f).includes('a')));
      assert.equal(data.totalRecords, all.length);
      assert.equal(data.totalPages, Math.ceil(all.length / 2));
      const none = await list({ search: 'no such customer' });
      assert.deepEqual(none, { records: [], page: 1, limit: 20, totalRecords: 0, totalPages: 0 });
    });
    it('an empty search is no search; % and _ are literal characters', async () => {
      assert.equal((await list({ search: '' })).totalRecords, PEOPLE.length);
      assert.equal((await list({ search: '%' })).totalRecords, 0);
      assert.equal((await list({ search: '_' })).totalRecords, 0);
      assert.deepEqual(names(await list({ search: '&' })), ['charlie & Co']);
    });
  });

  describe('paging', () => {
    it('limit and page slice the ordered list; totals count every match; past the end is empty', async () => {
      const expected = PEOPLE.map((p) => p.customer).sort((a, b) => folded(a).localeCompare(folded(b)));
      const seen: string[] = [];
      for (let page = 1; page <= 4; page++) {
        const data = await list({ limit: 2, page });
        assert.equal(data.page, page);
        assert.equal(data.limit, 2);
        assert.equal(data.totalRecords, 7);
        assert.equal(data.totalPages, 4);
        assert.equal(data.records.length, page < 4 ? 2 : 1);
        seen.push(...names(data));
      }
      assert.deepEqual(seen, expected);
      const past = await list({ limit: 2, page: 5 });
      assert.deepEqual(past.records, []);
      assert.equal(past.totalRecords, 7);
      assert.equal((await list({ page: 10_000, limit: 100 })).records.length, 0);
      assert.equal((await list({ limit: 100 })).records.length, 7);
      assert.equal((await list({ limit: 1 })).totalPages, 7);
    });
  });

  describe('ordering: every orderBy, both directions', () => {
    const byName = () => PEOPLE.map((p) => p.customer).sort((a, b) => folded(a).localeCompare(folded(b)));
    const byEmail = () => [...PEOPLE].sort((a, b) => folded(a.email).localeCompare(folded(b.email))).map((p) => p.customer);
    const byCreated = () => PEOPLE.map((p) => p.customer);

    it('customer', async () => {
      assert.deepEqual(names(await list({ orderBy: 'customer', orderDirection: 'ASC' })), byName());
      assert.deepEqual(names(await list({ orderBy: 'customer', orderDirection: 'DESC' })), byName().reverse());
    });
    it('email', async () => {
      assert.deepEqual(names(await list({ orderBy: 'email', orderDirection: 'ASC' })), byEmail());
      assert.deepEqual(names(await list({ orderBy: 'email', orderDirection: 'DESC' })), byEmail().reverse());
    });
    it('createdAt', async () => {
      assert.deepEqual(names(await list({ orderBy: 'createdAt', orderDirection: 'ASC' })), byCreated());
      assert.deepEqual(names(await list({ orderBy: 'createdAt', orderDirection: 'DESC' })), byCreated().reverse());
      assert.deepEqual(names(await list({ orderBy: 'createdAt' })), byCreated(), 'direction defaults to ASC');
    });
    it('updatedAt', async () => {
      // Touch three customers, oldest-created last: they become the most recently updated, in this order.
      const touched = [made[4], made[0], made[2]];
      for (const c of touched) {
        await sleep(3);
        assert.equal((await count.updateCustomer(c.uuid, { website: 'https://touched.example' })).status, 200);
      }
      const untouched = made.filter((c) => !touched.includes(c)).map((c) => c.customer);
      const asc = [...untouched, ...touched.map((c) => c.customer)];
      assert.deepEqual(names(await list({ orderBy: 'updatedAt', orderDirection: 'ASC' })), asc);
      assert.deepEqual(names(await list({ orderBy: 'updatedAt', orderDirection: 'DESC' })), [...asc].reverse());
      const data = await list({ orderBy: 'updatedAt', orderDirection: 'DESC' });
      const stamps = data.records.map((c: any) => Date.parse(c.updatedAt));
      assert.deepEqual(stamps, [...stamps].sort((a, b) => b - a));
    });
    it('the direction is read in any case', async () => {
      assert.deepEqual(names(await list({ orderBy: 'customer', orderDirection: 'desc' })), byName().reverse());
      assert.deepEqual(names(await list({ orderBy: 'customer', orderDirection: 'asc' })), byName());
    });
    it('ordering and paging together', async () => {
      const first = await list({ orderBy: 'email', orderDirection: 'DESC', limit: 3, page: 1 });
      const second = await list({ orderBy: 'email', orderDirection: 'DESC', limit: 3, page: 2 });
      assert.deepEqual([...names(first), ...names(second)], byEmail().reverse().slice(0, 6));
    });
  });

  describe('bounds: 400 VALIDATION_ERROR naming the parameter', () => {
    const bad = async (qs: string, field: string) => {
      const body = assertError(await count.request('GET', `/customers?${qs}`), 400, 'VALIDATION_ERROR', [field]);
      assert.equal(body.details.location, 'query');
    };
    it('page: 1 to 10000, a whole number', async () => {
      await bad('page=0', 'page');
      await bad('page=10001', 'page');
      await bad('page=-1', 'page');
      await bad('page=1.5', 'page');
      await bad('page=two', 'page');
    });
    it('limit: 1 to 100, a whole number', async () => {
      await bad('limit=0', 'limit');
      await bad('limit=101', 'limit');
      await bad('limit=1e2', 'limit');
    });
    it('orderBy and orderDirection: their listed values only', async () => {
      await bad('orderBy=name', 'orderBy');
      await bad('orderBy=created_at', 'orderBy');
      await bad('orderDirection=UP', 'orderDirection');
    });
    it('search: at most 255 characters; unknown parameters are refused by name', async () => {
      await bad(`search=${'s'.repeat(256)}`, 'search');
      assert.equal((await list({ search: 's'.repeat(255) })).totalRecords, 0);
      await bad('status=active', 'status');
      await bad('limit[]=5', 'limit');
    });
    it('a malformed query string is a 400 too', async () => {
      assertError(await count.request('GET', '/customers?search=%ZZ'), 400, 'BAD_REQUEST');
    });
  });
});
