import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startServer, stripeError, type TestServer } from '../../helpers/server.ts';

describe('GET /v1/customers/search', () => {
  let server: TestServer;
  let stripe: Stripe;
  const made: Record<string, Stripe.Customer> = {};
  before(async () => {
    server = await startServer();
    stripe = server.stripe();
    made.jenny = await stripe.customers.create({ name: 'Jenny Rosen', email: 'Jenny.Rosen@example.com', phone: '+14155550100', metadata: { plan: 'pro', region: 'eu' } });
    made.john = await stripe.customers.create({ name: 'John Rosenberg', email: 'john@example.org', metadata: { plan: 'free' } });
    made.zoe = await stripe.customers.create({ name: 'Zoë Ångström', email: 'zoe@example.se', description: 'VIP' });
    made.acme = (await server.request('POST', '/v1/customers', { form: 'name=Acme&external_id=crm-7&status=inactive&company_name=Acme+Corp' })).body;
  });
  after(async () => server.close());

  const ids = (r: { data: { id: string }[] }) => r.data.map((c) => c.id).sort();
  const search = (query: string) => stripe.customers.search({ query });

  it('matches e-mail exactly, case-insensitively', async () => {
    assert.deepEqual(ids(await search('email:"jenny.rosen@example.com"')), [made.jenny!.id]);
    assert.deepEqual(ids(await search("email:'JENNY.ROSEN@EXAMPLE.COM'")), [made.jenny!.id]);
    assert.equal((await search('email:"jenny"')).data.length, 0);
  });

  it('matches substrings with ~, case-insensitively and beyond ASCII', async () => {
    assert.deepEqual(ids(await search('name~"rosen"')), [made.jenny!.id, made.john!.id].sort());
    assert.deepEqual(ids(await search('name~"ÅNGS"')), [made.zoe!.id]);
    assert.deepEqual(ids(await search('phone~"555"')), [made.jenny!.id]);
  });

  it('matches metadata, absent fields (null) and negation', async () => {
    assert.deepEqual(ids(await search('metadata["plan"]:"pro"')), [made.jenny!.id]);
    assert.deepEqual(ids(await search("-metadata['plan']:null")), [made.jenny!.id, made.john!.id].sort());
    assert.deepEqual(ids(await search('metadata["plan"]:null')), [made.zoe!.id, made.acme!.id].sort());
    assert.deepEqual(ids(await search('-name~"rosen"')), [made.zoe!.id, made.acme!.id].sort());
  });

  it('combines clauses with AND or OR', async () => {
    assert.deepEqual(ids(await search('name~"rosen" AND metadata["plan"]:"free"')), [made.john!.id]);
    assert.deepEqual(ids(await search('email:"zoe@example.se" OR external_id:"crm-7"')), [made.zoe!.id, made.acme!.id].sort());
  });

  it('compares created numerically', async () => {
    const t = made.jenny!.created;
    assert.equal((await search(`created>=${t}`)).data.length, 4);
    assert.equal((await search(`created<${t}`)).data.length, 0);
    assert.equal((await search(`created>${t + 1000}`)).data.length, 0);
  });

  it('searches the extension fields', async () => {
    assert.deepEqual(ids(await search('status:"inactive"')), [made.acme!.id]);
    assert.deepEqual(ids(await search('company_name~"corp"')), [made.acme!.id]);
    assert.deepEqual(ids(await search('description:"vip"')), [made.zoe!.id]);
  });

  it('is strongly consistent: a write is searchable the moment it returns', async () => {
    for (let i = 0; i < 10; i++) {
      const c = await stripe.customers.create({ email: `fresh${i}@example.net` });
      assert.deepEqual(ids(await search(`email:"fresh${i}@example.net"`)), [c.id]);
      await stripe.customers.update(c.id, { email: `renamed${i}@example.net` });
      assert.equal((await search(`email:"fresh${i}@example.net"`)).data.length, 0);
      await stripe.customers.del(c.id);
      assert.equal((await search(`email:"renamed${i}@example.net"`)).data.length, 0);
    }
  });

  it('answers a search_result object and pages with next_page; the SDK auto-pages', async () => {
    const t = await server.newTenant('Many');
    const s = server.stripe(t.keys.test);
    const created: string[] = [];
    for (let i = 0; i < 23; i++) created.push((await s.customers.create({ name: `Page person ${i}` })).id);
    const first = await s.customers.search({ query: 'name~"person"', limit: 10 });
    assert.equal(first.object, 'search_result');
    assert.equal(first.url, '/v1/customers/search');
    assert.equal(first.has_more, true);
    assert.equal(typeof first.next_page, 'string');
    assert.deepEqual(first.data.map((c) => c.id), [...created].reverse().slice(0, 10));
    const all = await s.customers.search({ query: 'name~"person"', limit: 10 }).autoPagingToArray({ limit: 100 });
    assert.deepEqual(all.map((c) => c.id), [...created].reverse());
    const counted = await s.customers.search({ query: 'name~"person"', limit: 1, expand: ['total_count'] });
    assert.equal((counted as unknown as { total_count: number }).total_count, 23);
    const last = await s.customers.search({ query: 'name~"person"', limit: 100 });
    assert.equal(last.has_more, false);
    assert.equal(last.next_page, null);
  });

  it('refuses a malformed query with 400 naming query, and a page token from another query', async () => {
    for (const q of ['name:', 'name:"x" AND email:"y" OR phone:"z"', 'nickname:"x"', 'name~"ab"', 'created>"soon"']) {
      const err = await stripeError(search(q));
      assert.equal(err.statusCode, 400, q);
      assert.equal(err.param, 'query', q);
    }
    const t = await server.newTenant('Tokens');
    const s = server.stripe(t.keys.test);
    for (let i = 0; i < 3; i++) await s.customers.create({ name: `tok ${i}` });
    const page = await s.customers.search({ query: 'name~"tok"', limit: 1 });
    const err = await stripeError(s.customers.search({ query: 'name~"tok "', limit: 1, page: page.next_page! }));
    assert.equal(err.param, 'page');
    const missing = await server.request('GET', '/v1/customers/search');
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.param, 'query');
  });
});
