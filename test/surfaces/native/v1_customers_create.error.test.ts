import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { stripeError, suiteServer } from '../../helpers/server.ts';
import { hexId } from '../checkoutpage/helpers.ts';

describe('POST /v1/customers (errors)', () => {
  const ctx = suiteServer();

  it('refuses a second customer with the same e-mail, compared case-insensitively: 409 resource_already_exists', async () => {
    await ctx.stripe.customers.create({ email: 'dup@example.com' });
    const err = await stripeError(ctx.stripe.customers.create({ email: 'DUP@Example.com' }));
    assert.equal(err.statusCode, 409);
    assert.equal(err.rawType, 'invalid_request_error');
    assert.equal(err.code, 'resource_already_exists');
    assert.equal(err.param, 'email');
    assert.equal(err.headers?.['stripe-should-retry'], 'false');
    const list = await ctx.stripe.customers.list({ email: 'dup@example.com' });
    assert.equal(list.data.length, 1);
  });

  it('frees an e-mail when its customer is deleted', async () => {
    const c = await ctx.stripe.customers.create({ email: 'reuse@example.com' });
    await ctx.stripe.customers.del(c.id);
    const again = await ctx.stripe.customers.create({ email: 'reuse@example.com' });
    assert.notEqual(again.id, c.id);
  });

  it('scopes uniqueness to the tenant and the mode', async () => {
    const other = await ctx.server.newTenant('Other');
    const made = [
      await ctx.stripe.customers.create({ email: 'scoped@example.com' }),
      await ctx.server.stripe(ctx.server.tenant.keys.live).customers.create({ email: 'scoped@example.com' }),
      await ctx.server.stripe(other.keys.test).customers.create({ email: 'scoped@example.com' }),
    ];
    assert.deepEqual(made.map((c) => c.email), ['scoped@example.com', 'scoped@example.com', 'scoped@example.com']);
    assert.deepEqual(made.map((c) => c.livemode), [false, true, false]);
    assert.equal(new Set(made.map((c) => c.id)).size, 3);
    // Within one tenant and mode the e-mail is still taken.
    const err = await stripeError(ctx.stripe.customers.create({ email: 'scoped@example.com' }));
    assert.equal(err.statusCode, 409);
  });

  it("allows duplicates for a tenant whose email_uniqueness is off (Stripe's behaviour)", async () => {
    const relaxed = await ctx.server.newTenant('Relaxed');
    await ctx.server.tenants.updateSettings(relaxed.id, { email_uniqueness: 'off' });
    const s = ctx.server.stripe(relaxed.keys.test);
    await s.customers.create({ email: 'same@example.com' });
    await s.customers.create({ email: 'same@example.com' });
    assert.equal((await s.customers.list({ email: 'same@example.com' })).data.length, 2);
    // Turning enforcement back on is refused while duplicates exist.
    await assert.rejects(ctx.server.tenants.updateSettings(relaxed.id, { email_uniqueness: 'enforced' }), /share an e-mail/);
  });

  it('never creates two customers with one e-mail under concurrent creates', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, () => ctx.server.request('POST', '/v1/customers', { form: 'email=race%40example.com' })),
    );
    const statuses = results.map((r) => (r.status === 'fulfilled' ? r.value.status : 0));
    assert.equal(statuses.filter((s) => s === 200).length, 1, String(statuses));
    assert.equal(statuses.filter((s) => s === 409).length, 24, String(statuses));
  });

  it('refuses an invalid e-mail, naming the field', async () => {
    const err = await stripeError(ctx.stripe.customers.create({ email: 'not-an-email' }));
    assert.equal(err.statusCode, 400);
    assert.equal(err.param, 'email');
    assert.match(err.message, /Invalid email address: not-an-email/);
  });

  it('refuses an unknown country code, naming address[country]', async () => {
    const err = await stripeError(ctx.stripe.customers.create({ address: { country: 'XX' } }));
    assert.equal(err.statusCode, 400);
    assert.equal(err.param, 'address[country]');
    const ship = await stripeError(ctx.stripe.customers.create({ shipping: { name: 'n', address: { country: 'Narnia' } } }));
    assert.equal(ship.param, 'shipping[address][country]');
  });

  it('refuses unknown parameters by name, and says why for Stripe parameters it does not support', async () => {
    const res = await ctx.server.request('POST', '/v1/customers', { form: 'nickname=x' });
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      error: { type: 'invalid_request_error', message: 'Received unknown parameter: nickname', code: 'parameter_unknown', param: 'nickname' },
    });
    const nested = await ctx.server.request('POST', '/v1/customers', { form: 'address[planet]=Mars' });
    assert.equal(nested.body.error.param, 'address[planet]');
    const source = await stripeError(ctx.stripe.customers.create({ source: 'tok_visa' }));
    assert.equal(source.param, 'source');
    assert.match(source.message, /not payment instruments/);
    const clock = await stripeError(ctx.stripe.customers.create({ test_clock: 'clock_1' }));
    assert.equal(clock.param, 'test_clock');
  });

  it('refuses wrong types, naming the field', async () => {
    const bal = await stripeError(ctx.stripe.customers.create({ balance: 'lots' as unknown as number }));
    assert.equal(bal.param, 'balance');
    assert.match(bal.message, /Invalid integer: lots/);
    const frac = await ctx.server.request('POST', '/v1/customers', { form: 'balance=1.5' });
    assert.equal(frac.body.error.param, 'balance');
    const exempt = await stripeError(ctx.stripe.customers.create({ tax_exempt: 'sometimes' as 'none' }));
    assert.equal(exempt.param, 'tax_exempt');
    assert.match(exempt.message, /must be one of none, exempt, reverse/);
    const addr = await ctx.server.request('POST', '/v1/customers', { form: 'address=Main+Street' });
    assert.equal(addr.status, 400);
    assert.equal(addr.body.error.param, 'address');
  });

  it('requires shipping[name] and shipping[address] when shipping is given', async () => {
    const noName = await stripeError(ctx.stripe.customers.create({ shipping: { address: { line1: 'x' } } as Stripe.CustomerCreateParams.Shipping }));
    assert.equal(noName.param, 'shipping[name]');
    assert.equal(noName.code, 'parameter_missing');
    const noAddress = await stripeError(ctx.stripe.customers.create({ shipping: { name: 'x' } as Stripe.CustomerCreateParams.Shipping }));
    assert.equal(noAddress.param, 'shipping[address]');
  });

  it('refuses more than one primary contact', async () => {
    const res = await ctx.server.request('POST', '/v1/customers', {
      json: { contacts: [{ name: 'a', is_primary: true }, { name: 'b', is_primary: true }] },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.param, 'contacts');
  });

  it('refuses expansions it cannot honour, and accepts the expandable ones', async () => {
    const bad = await stripeError(ctx.stripe.customers.create({ expand: ['sources'] }));
    assert.equal(bad.param, 'expand');
    assert.match(bad.message, /cannot be expanded \(sources\)/);
    const ok = await ctx.stripe.customers.create({ expand: ['default_source', 'invoice_settings.default_payment_method', 'test_clock'] });
    assert.equal(ok.default_source, null);
  });

  it('refuses a body that is not JSON or form-encoded with a Stripe error, never a 500', async () => {
    const res = await ctx.server.request('POST', '/v1/customers', { headers: { 'content-type': 'text/plain' } });
    assert.ok(res.status >= 400 && res.status < 500, String(res.status));
    assert.equal(res.body.error.type, 'invalid_request_error');
    const json = await fetch(ctx.server.url + '/v1/customers', {
      method: 'POST',
      headers: { authorization: `Bearer ${ctx.server.tenant.keys.test}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    assert.equal(json.status, 400);
    assert.equal(((await json.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
  });
  it('refuses e-mails that only look like another (invisible, compatibility or decomposed characters), on every surface', async () => {
    await ctx.stripe.customers.create({ email: 'kelly@x.example' });
    const lookalikes = ['kel\u200Bly@x.example', 'kel\u00ADly@x.example', '\uFF4B\uFF45\uFF4C\uFF4C\uFF59@x.example', 'kelle\u0301@x.example', 'kel\u202Ely@x.example'];
    for (const email of lookalikes) {
      const err = await stripeError(ctx.stripe.customers.create({ email }));
      assert.deepEqual([err.statusCode, err.code, err.param], [400, 'email_invalid', 'email'], JSON.stringify(email));
      assert.match(err.message, /U\+[0-9A-F]{4}/);
      const billing = await stripeError(ctx.stripe.customers.create({ billing_email: email } as Stripe.CustomerCreateParams));
      assert.equal(billing.param, 'billing_email');
      const atlas = await ctx.server.request('POST', '/atlas/functions/v1/customers', { json: { email } });
      assert.equal(atlas.status, 400, atlas.text);
      const cp = await ctx.server.request('PATCH', `/checkoutpage/v1/customers/${hexId((await ctx.stripe.customers.create({})).id)}`, { json: { email } });
      assert.equal(cp.status, 400, cp.text);
    }
    assert.equal((await ctx.stripe.customers.list({ email: 'kelly@x.example' })).data.length, 1);
    // Letters beyond ASCII, precomposed, are addresses like any other.
    assert.equal((await ctx.stripe.customers.create({ email: 'm\u00FCller@x.example' })).email, 'm\u00FCller@x.example');
  });
});
