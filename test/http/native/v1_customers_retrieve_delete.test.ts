import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startServer, stripeError, type TestServer } from '../../helpers/server.ts';

describe('GET and DELETE /v1/customers/:id', () => {
  let server: TestServer;
  let stripe: Stripe;
  before(async () => {
    server = await startServer();
    stripe = server.stripe();
  });
  after(async () => server.close());

  it('retrieves what was created', async () => {
    const c = await stripe.customers.create({ name: 'R', metadata: { k: 'v' } });
    assert.deepEqual(await stripe.customers.retrieve(c.id), c);
    assert.deepEqual(await stripe.customers.retrieve(c.id, { expand: ['default_source'] }), c);
  });

  it('is 404 resource_missing for an unknown id', async () => {
    const err = await stripeError(stripe.customers.retrieve('cus_00000000000000000'));
    assert.equal(err.statusCode, 404);
    assert.equal(err.type, 'StripeInvalidRequestError');
    assert.equal(err.code, 'resource_missing');
    assert.equal(err.param, 'id');
  });

  it("deletes: returns {id, object, deleted: true}; retrieve then returns the same stub; lists and search leave it out", async () => {
    const c = await stripe.customers.create({ email: 'delete-me@example.com' });
    const deleted = await stripe.customers.del(c.id);
    assert.deepEqual(deleted, { id: c.id, object: 'customer', deleted: true });
    assert.deepEqual(await stripe.customers.retrieve(c.id), { id: c.id, object: 'customer', deleted: true });
    const listed = await stripe.customers.list({ limit: 100 });
    assert.ok(!listed.data.some((x) => x.id === c.id));
    assert.equal((await stripe.customers.list({ email: 'delete-me@example.com' })).data.length, 0);
    const found = await stripe.customers.search({ query: 'email:"delete-me@example.com"' });
    assert.equal(found.data.length, 0);
  });

  it('is 404 when deleting twice or deleting an unknown id', async () => {
    const c = await stripe.customers.create({});
    await stripe.customers.del(c.id);
    assert.equal((await stripeError(stripe.customers.del(c.id))).statusCode, 404);
    assert.equal((await stripeError(stripe.customers.del('cus_00000000000000000'))).statusCode, 404);
  });

  it('answers unknown routes with a Stripe-shaped 404', async () => {
    const res = await server.request('GET', '/v1/invoices');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.type, 'invalid_request_error');
    assert.match(res.body.error.message, /Unrecognized request URL \(GET: \/v1\/invoices\)/);
  });
});
