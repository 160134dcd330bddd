import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startServer, stripeError, type TestServer } from '../../helpers/server.ts';

describe('GET /v1/customers', () => {
  let server: TestServer;
  let stripe: Stripe;
  let ids: string[]; // creation order
  before(async () => {
    server = await startServer();
    const tenant = await server.newTenant('Lister');
    stripe = server.stripe(tenant.keys.test);
    ids = [];
    for (let i = 0; i < 25; i++) ids.push((await stripe.customers.create({ name: `c${i}`, email: `c${i}@example.com` })).id);
  });
  after(async () => server.close());

  it('lists newest first, 10 by default, as a Stripe list object', async () => {
    const res = await stripe.customers.list();
    assert.equal(res.object, 'list');
    assert.equal(res.url, '/v1/customers');
    assert.equal(res.has_more, true);
    assert.deepEqual(res.data.map((c) => c.id), [...ids].reverse().slice(0, 10));
  });

  it('pages with starting_after and auto-pages through every customer exactly once', async () => {
    const page2 = await stripe.customers.list({ limit: 10, starting_after: [...ids].reverse()[9] });
    assert.deepEqual(page2.data.map((c) => c.id), [...ids].reverse().slice(10, 20));
    const all = await stripe.customers.list({ limit: 7 }).autoPagingToArray({ limit: 1000 });
    assert.deepEqual(all.map((c) => c.id), [...ids].reverse());
    const last = await stripe.customers.list({ limit: 5, starting_after: ids[5] });
    assert.deepEqual(last.data.map((c) => c.id), [ids[4], ids[3], ids[2], ids[1], ids[0]]);
    assert.equal(last.has_more, false);
  });

  it('pages backwards with ending_before, still newest first', async () => {
    const res = await stripe.customers.list({ limit: 3, ending_before: ids[10] });
    assert.deepEqual(res.data.map((c) => c.id), [ids[13], ids[12], ids[11]]);
    assert.equal(res.has_more, true);
    const back = await stripe.customers.list({ limit: 4, ending_before: ids[10] }).autoPagingToArray({ limit: 100 });
    assert.deepEqual(back.map((c) => c.id), ids.slice(11));
  });

  it('never skips or repeats while customers are created between pages', async () => {
    const t = await server.newTenant('Churn');
    const s = server.stripe(t.keys.test);
    for (let i = 0; i < 12; i++) await s.customers.create({ name: `o${i}` });
    const seen: string[] = [];
    let page = await s.customers.list({ limit: 5 });
    seen.push(...page.data.map((c) => c.id));
    while (page.has_more) {
      await s.customers.create({ name: 'inserted meanwhile' });
      page = await s.customers.list({ limit: 5, starting_after: seen[seen.length - 1]! });
      seen.push(...page.data.map((c) => c.id));
    }
    assert.equal(seen.length, 12);
    assert.equal(new Set(seen).size, 12);
  });

  it('filters by exact, case-sensitive e-mail', async () => {
    assert.deepEqual((await stripe.customers.list({ email: 'c3@example.com' })).data.map((c) => c.id), [ids[3]]);
    assert.equal((await stripe.customers.list({ email: 'C3@example.com' })).data.length, 0);
  });

  it('filters by created, as a range or an exact second', async () => {
    const t = await server.newTenant('Timeline');
    const s = server.stripe(t.keys.test);
    const a = await s.customers.create({ name: 'a' });
    const all = await s.customers.list({ created: { gte: a.created } });
    assert.deepEqual(all.data.map((c) => c.id), [a.id]);
    assert.equal((await s.customers.list({ created: { gt: a.created } })).data.length, 0);
    assert.equal((await s.customers.list({ created: { lt: a.created } })).data.length, 0);
    assert.equal((await s.customers.list({ created: { lte: a.created } })).data.length, 1);
    assert.equal((await s.customers.list({ created: a.created })).data.length, 1);
  });

  it('is 404 for a cursor that names no customer, naming the parameter', async () => {
    const err = await stripeError(stripe.customers.list({ starting_after: 'cus_00000000000000000' }));
    assert.equal(err.statusCode, 404);
    assert.equal(err.param, 'starting_after');
    const other = await stripeError(stripe.customers.list({ ending_before: 'nonsense' }));
    assert.equal(other.param, 'ending_before');
  });

  it('refuses both cursors at once and limits outside 1..100', async () => {
    const both = await stripeError(stripe.customers.list({ starting_after: ids[1], ending_before: ids[2] }));
    assert.equal(both.statusCode, 400);
    assert.match(both.message, /only specify one of these parameters: ending_before, starting_after/);
    assert.equal((await stripeError(stripe.customers.list({ limit: 0 }))).param, 'limit');
    assert.equal((await stripeError(stripe.customers.list({ limit: 101 }))).param, 'limit');
    assert.equal((await stripe.customers.list({ limit: 100 })).data.length, 25);
  });

  it('refuses unknown query parameters', async () => {
    const res = await server.request('GET', '/v1/customers?colour=blue', { key: null, headers: { authorization: `Bearer ${server.tenant.keys.test}` } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.param, 'colour');
  });
});
