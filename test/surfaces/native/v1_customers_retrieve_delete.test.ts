import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stripeError, suiteServer } from '../../helpers/server.ts';

describe('GET and DELETE /v1/customers/:id', () => {
  const ctx = suiteServer();

  it('retrieves what was created', async () => {
    const c = await ctx.stripe.customers.create({ name: 'R', metadata: { k: 'v' } });
    assert.deepEqual(await ctx.stripe.customers.retrieve(c.id), c);
    assert.deepEqual(await ctx.stripe.customers.retrieve(c.id, { expand: ['default_source'] }), c);
  });

  it('is 404 resource_missing for an unknown id', async () => {
    const err = await stripeError(ctx.stripe.customers.retrieve('cus_00000000000000000'));
    assert.equal(err.statusCode, 404);
    assert.equal(err.type, 'StripeInvalidRequestError');
    assert.equal(err.code, 'resource_missing');
    assert.equal(err.param, 'id');
  });

  it("deletes: returns {id, object, deleted: true}; retrieve then returns the same stub; lists and search leave it out", async () => {
    const c = await ctx.stripe.customers.create({ email: 'delete-me@example.com' });
    const deleted = await ctx.stripe.customers.del(c.id);
    assert.deepEqual(deleted, { id: c.id, object: 'customer', deleted: true });
    assert.deepEqual(await ctx.stripe.customers.retrieve(c.id), { id: c.id, object: 'customer', deleted: true });
    const listed = await ctx.stripe.customers.list({ limit: 100 });
    assert.ok(!listed.data.some((x) => x.id === c.id));
    assert.equal((await ctx.stripe.customers.list({ email: 'delete-me@example.com' })).data.length, 0);
    const found = await ctx.stripe.customers.search({ query: 'email:"delete-me@example.com"' });
    assert.equal(found.data.length, 0);
  });

  it('deletes, and updates, with no body and no Content-Type at all, as curl -X DELETE sends', async () => {
    const c = await ctx.stripe.customers.create({ name: 'Bodiless' });
    const headers = { authorization: `Bearer ${ctx.server.tenant.keys.test}` };
    const update = await fetch(`${ctx.server.url}/v1/customers/${c.id}`, { method: 'POST', headers });
    assert.equal(update.status, 200, await update.clone().text());
    assert.equal((await update.json()).name, 'Bodiless');
    const del = await fetch(`${ctx.server.url}/v1/customers/${c.id}`, { method: 'DELETE', headers });
    assert.equal(del.status, 200, await del.clone().text());
    assert.deepEqual(await del.json(), { id: c.id, object: 'customer', deleted: true });
  });

  it('is 404 when deleting twice or deleting an unknown id', async () => {
    const c = await ctx.stripe.customers.create({});
    await ctx.stripe.customers.del(c.id);
    assert.equal((await stripeError(ctx.stripe.customers.del(c.id))).statusCode, 404);
    assert.equal((await stripeError(ctx.stripe.customers.del('cus_00000000000000000'))).statusCode, 404);
  });

  it('answers unknown routes with a Stripe-shaped 404', async () => {
    const res = await ctx.server.request('GET', '/v1/invoices');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.type, 'invalid_request_error');
    assert.match(res.body.error.message, /Unrecognized request URL \(GET: \/v1\/invoices\)/);
  });
});
