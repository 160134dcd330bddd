import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer } from '../../helpers/server.ts';
import { CountClient } from './count-client.ts';
import { assertError, assertSuccess, COUNT, uniqueEmail } from './helpers.ts';

/**
 * A Count integration's life cycle through the signing client, as a Count user writes it: base
 * URL, client id and secret from the dashboard (here: the tenant's test client), every request
 * signed.
 */
describe('Count surface: a Count client end to end', () => {
  const ctx = suiteServer();

  it('create → update → list → retrieve → find-by-email → delete', async () => {
    const { url, tenant } = ctx.server;
    const count = new CountClient({ baseUrl: url + COUNT, clientId: tenant.clients.test.client_id, clientSecret: tenant.clients.test.client_secret, headers: { authorization: `Bearer ${tenant.keys.test}` } });
    const email = uniqueEmail('lifecycle');

    // "Always use the find-by-email endpoint first to check if a customer exists before creating."
    assertError(await count.findByEmail(email), 404, 'NOT_FOUND');

    const created = assertSuccess(
      await count.createCustomer({
        customer: 'Initech',
        email,
        mainPhone: '+1 555 0199',
        website: 'https://initech.example',
        billingAddress: { street: '4120 Freidrich Ln', city: 'Austin', state: 'TX', zipCode: '78744', country: 'US' },
        contacts: [{ firstName: 'Bill', lastName: 'Lumbergh', email: 'bill@initech.example', isPrimary: true }],
      }),
      201,
    );
    assert.equal(created.status, 'active');

    const updated = assertSuccess(await count.updateCustomer(created.uuid, { customer: 'Initech LLC', website: null, status: 'inactive' }));
    assert.equal(updated.customer, 'Initech LLC');
    assert.equal(updated.website, null);
    assert.equal(updated.status, 'inactive');
    assert.deepEqual(updated.billingAddress, created.billingAddress);
    assert.deepEqual(updated.contacts, created.contacts);
    assert.ok(Date.parse(updated.updatedAt) >= Date.parse(created.updatedAt));

    const listed = assertSuccess(await count.listCustomers({ search: 'initech', orderBy: 'updatedAt', orderDirection: 'DESC' }));
    assert.equal(listed.totalRecords, 1);
    assert.deepEqual(listed.records[0], updated);

    assert.deepEqual(assertSuccess(await count.getCustomer(created.uuid)), updated);
    assert.deepEqual(assertSuccess(await count.findByEmail(email.toUpperCase())), updated);

    assert.deepEqual(assertSuccess(await count.deleteCustomer(created.uuid)), { uuid: created.uuid, deleted: true });
    assertError(await count.getCustomer(created.uuid), 404, 'NOT_FOUND');
    assertError(await count.findByEmail(email), 404, 'NOT_FOUND');
    assert.equal(assertSuccess(await count.listCustomers({ search: 'initech' })).totalRecords, 0);

    // The e-mail is free again once its customer is deleted.
    const again = assertSuccess(await count.createCustomer({ customer: 'Initech again', email }), 201);
    assert.notEqual(again.uuid, created.uuid);
  });

  it('the live client works the same way, on live data', async () => {
    const { url, tenant } = ctx.server;
    const live = new CountClient({ baseUrl: url + COUNT, clientId: tenant.clients.live.client_id, clientSecret: tenant.clients.live.client_secret, headers: { authorization: `Bearer ${tenant.keys.live}` } });
    const made = assertSuccess(await live.createCustomer({ customer: 'Live Co', email: uniqueEmail('live') }), 201);
    assert.deepEqual(assertSuccess(await live.getCustomer(made.uuid)), made);
  });

  it('a client signing with a seconds timestamp (Count\'s page) works too', async () => {
    const { url, tenant } = ctx.server;
    const count = new CountClient({
      baseUrl: url + COUNT,
      clientId: tenant.clients.test.client_id,
      clientSecret: tenant.clients.test.client_secret,
      timestamp: () => String(Math.floor(Date.now() / 1000)),
      headers: { authorization: `Bearer ${tenant.keys.test}` },
    });
    assertSuccess(await count.createCustomer({ customer: 'Seconds', email: uniqueEmail() }), 201);
  });
});
