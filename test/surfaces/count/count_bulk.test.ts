import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer, type TestServer } from '../../helpers/server.ts';
import { toUuid } from '../../../src/formats/ids.ts';
import type { CountClient } from './count-client.ts';
import { assertError, assertSuccess, countClient, createCustomer, CUSTOMER_FIELDS, rawSigned, uniqueEmail } from './helpers.ts';

/**
 * POST and PATCH /customers/bulk: up to 100 rows, each applied on its own, in order, with one
 * result per row: {index, status: success|error, statusCode, data | error}. The request answers
 * 200 whatever the rows' fate once the envelope {customers: [...]} is valid.
 */

function assertBulk(res: Awaited<ReturnType<CountClient['bulkCreate']>>, expected: { succeeded: number; failed: number }): any {
  const data = assertSuccess(res);
  assert.deepEqual(Object.keys(data), ['results', 'total', 'succeeded', 'failed']);
  assert.equal(data.total, data.results.length);
  assert.equal(data.succeeded, expected.succeeded, res.text);
  assert.equal(data.failed, expected.failed, res.text);
  data.results.forEach((r: any, i: number) => {
    assert.equal(r.index, i);
    if (r.status === 'success') {
      assert.deepEqual(Object.keys(r), ['index', 'status', 'statusCode', 'data']);
      assert.deepEqual(Object.keys(r.data), CUSTOMER_FIELDS);
    } else {
      assert.equal(r.status, 'error');
      assert.deepEqual(Object.keys(r), ['index', 'status', 'statusCode', 'error']);
      assert.deepEqual(Object.keys(r.error).slice(0, 3), ['message', 'code', 'details']);
    }
  });
  assert.match(res.body.message, new RegExp(`${expected.succeeded} succeeded, ${expected.failed} failed`));
  return data;
}

/** A uuid of ours that names no customer. */
const GHOST = toUuid('019000000000000000000000');
const fields = (r: any) => (r.error.errors ?? []).map((e: any) => e.field).sort();

describe('Count surface: bulk create and update', () => {
  const ctx = suiteServer();
  let server: TestServer;
  let count: CountClient;

  before(() => {
    server = ctx.server;
    count = countClient(server);
  });

  describe('POST /customers/bulk', () => {
    it('100 rows are all created, in order, each retrievable', async () => {
      const rows = Array.from({ length: 100 }, (_, i) => ({ customer: `Bulk ${i}`, email: uniqueEmail(`bulk${i}`) }));
      const data = assertBulk(await count.bulkCreate(rows), { succeeded: 100, failed: 0 });
      data.results.forEach((r: any, i: number) => {
        assert.equal(r.statusCode, 201);
        assert.equal(r.data.customer, `Bulk ${i}`);
      });
      const last = data.results[99].data;
      assert.deepEqual(assertSuccess(await count.getCustomer(last.uuid)), last);
    });

    it('101 rows, no rows, or no list at all: 400 for the whole request, nothing created', async () => {
      const email = uniqueEmail('over');
      const rows = Array.from({ length: 101 }, (_, i) => ({ customer: `Over ${i}`, email: i === 0 ? email : uniqueEmail() }));
      const body = assertError(await count.bulkCreate(rows), 400, 'VALIDATION_ERROR', ['customers']);
      assert.match(body.errors[0].message, /100/);
      assertError(await count.findByEmail(email), 404, 'NOT_FOUND');
      assertError(await count.bulkCreate([]), 400, 'VALIDATION_ERROR', ['customers']);
      assertError(await count.request('POST', '/customers/bulk', {}), 400, 'VALIDATION_ERROR', ['customers']);
      assertError(await count.request('POST', '/customers/bulk', { customers: {} }), 400, 'VALIDATION_ERROR', ['customers']);
      assertError(await count.request('POST', '/customers/bulk', { customers: [], extra: 1 }), 400, 'VALIDATION_ERROR', ['customers', 'extra']);
      assertError(await rawSigned(server, { method: 'POST', path: '/customers/bulk', body: '[{"customer":"a"}]' }), 400, 'VALIDATION_ERROR', ['body']);
    });

    it('one bad row, one duplicate within the batch and one against existing data fail alone; the rest are created', async () => {
      const existing = await createCustomer(count);
      const shared = uniqueEmail('shared');
      const rows = [
        { customer: 'Good One', email: uniqueEmail('good1'), billingAddress: { street: '1 A St', country: 'US' } },
        { customer: '', email: 'bad', mainPhone: 5 },
        { customer: 'First with shared', email: shared },
        { customer: 'Second with shared', email: shared.toUpperCase() },
        { customer: 'Clashes with existing', email: existing.email },
        'not an object',
        { customer: 'Bad country', email: uniqueEmail(), shippingAddress: { country: 'Narnia' } },
        { customer: 'Two primaries', email: uniqueEmail(), contacts: [{ name: 'A', isPrimary: true }, { name: 'B', isPrimary: true }] },
        { customer: 'Good Two', email: uniqueEmail('good2'), contacts: [{ firstName: 'Ann', lastName: 'Lee', isPrimary: true }] },
      ];
      const data = assertBulk(await count.bulkCreate(rows), { succeeded: 3, failed: 6 });
      const [good1, bad, first, second, clash, notObject, country, primaries, good2] = data.results;
      assert.equal(good1.status, 'success');
      assert.equal(good1.data.billingAddress.street, '1 A St');
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.error.code, 'VALIDATION_ERROR');
      assert.deepEqual(fields(bad), ['customers[1].customer', 'customers[1].mainPhone']);
      assert.equal(first.status, 'success');
      assert.equal(second.statusCode, 409);
      assert.equal(second.error.code, 'EMAIL_EXISTS');
      assert.equal(second.error.details.field, 'customers[3].email');
      assert.equal(clash.statusCode, 409);
      assert.equal(clash.error.code, 'EMAIL_EXISTS');
      assert.equal(notObject.statusCode, 400);
      assert.deepEqual(fields(notObject), ['customers[5]']);
      assert.equal(country.statusCode, 400);
      assert.deepEqual(fields(country), ['customers[6].shippingAddress.country']);
      assert.deepEqual(fields(primaries), ['customers[7].contacts']);
      assert.equal(good2.status, 'success');
      assert.equal(good2.data.contacts[0].name, 'Ann Lee');

      // What succeeded is stored; what failed is not.
      for (const r of [good1, first, good2]) assert.deepEqual(assertSuccess(await count.getCustomer(r.data.uuid)), r.data);
      assert.equal(assertSuccess(await count.findByEmail(shared)).customer, 'First with shared');
      const listed = assertSuccess(await count.listCustomers({ search: 'Two primaries' }));
      assert.equal(listed.totalRecords, 0);
      assert.equal(assertSuccess(await count.getCustomer(existing.uuid)).customer, existing.customer);
    });

    it('a row with only an e-mail format problem reports the domain rule in row notation', async () => {
      const data = assertBulk(await count.bulkCreate([{ customer: 'x', email: 'nope' }]), { succeeded: 0, failed: 1 });
      assert.deepEqual(fields(data.results[0]), ['customers[0].email']);
      assert.match(data.results[0].error.message, /customers\[0\]\.email/);
    });
  });

  describe('PATCH /customers/bulk', () => {
    it('updates each row by uuid, as PUT would; bad rows fail alone', async () => {
      const a = await createCustomer(count, { billingAddress: { street: '1 Old Rd', city: 'Oldtown' }, mainPhone: '+1 1' });
      const b = await createCustomer(count);
      const c = await createCustomer(count, { contacts: [{ name: 'Kept' }] });
      const taken = await createCustomer(count);
      const rows = [
        { uuid: a.uuid, customer: 'A renamed', billingAddress: { city: 'Newtown' }, mainPhone: '' },
        { uuid: GHOST, customer: 'Ghost' },
        { uuid: b.uuid, email: taken.email },
        { uuid: b.uuid, status: 'paused' },
        { customer: 'No uuid' },
        { uuid: c.uuid, status: 'inactive', contacts: [] },
        { uuid: 'not-a-uuid', website: null },
      ];
      const data = assertBulk(await count.bulkUpdate(rows), { succeeded: 2, failed: 5 });
      const [ra, ghost, clash, badStatus, noUuid, rc, notUuid] = data.results;
      assert.equal(ra.statusCode, 200);
      assert.equal(ra.data.customer, 'A renamed');
      assert.equal(ra.data.mainPhone, null);
      assert.deepEqual(ra.data.billingAddress, { street: null, city: 'Newtown', state: null, zipCode: null, country: null });
      assert.equal(ghost.statusCode, 404);
      assert.equal(ghost.error.code, 'NOT_FOUND');
      assert.equal(ghost.error.details.uuid, GHOST);
      assert.equal(clash.statusCode, 409);
      assert.equal(clash.error.code, 'EMAIL_EXISTS');
      assert.deepEqual(fields(badStatus), ['customers[3].status']);
      assert.deepEqual(fields(noUuid), ['customers[4].uuid']);
      assert.equal(rc.data.status, 'inactive');
      assert.deepEqual(rc.data.contacts, c.contacts, 'contacts are not changed by an update');
      assert.equal(notUuid.statusCode, 400, JSON.stringify(notUuid));
      assert.equal(notUuid.error.errors[0].message, 'Invalid UUID format');
      assert.deepEqual(fields(notUuid), ['customers[6].uuid']);

      assert.deepEqual(assertSuccess(await count.getCustomer(a.uuid)), ra.data);
      assert.deepEqual(assertSuccess(await count.getCustomer(b.uuid)), b, 'the failed rows changed nothing');
    });

    it('rows apply in order: a later row sees an earlier one', async () => {
      const a = await createCustomer(count);
      const b = await createCustomer(count);
      const freed = a.email;
      const data = assertBulk(
        await count.bulkUpdate([
          { uuid: a.uuid, email: uniqueEmail('moved') },
          { uuid: b.uuid, email: freed },
          { uuid: a.uuid, customer: 'Twice' },
        ]),
        { succeeded: 3, failed: 0 },
      );
      assert.equal(data.results[1].data.email, freed);
      assert.equal(data.results[2].data.customer, 'Twice');
      assert.equal(data.results[2].data.email, data.results[0].data.email);
    });

    it('more than 100 rows is a 400', async () => {
      const a = await createCustomer(count);
      const rows = Array.from({ length: 101 }, () => ({ uuid: a.uuid, customer: 'Never' }));
      assertError(await count.bulkUpdate(rows), 400, 'VALIDATION_ERROR', ['customers']);
      assert.equal(assertSuccess(await count.getCustomer(a.uuid)).customer, a.customer);
      assertBulk(await count.bulkUpdate(rows.slice(0, 100)), { succeeded: 100, failed: 0 });
    });
  });
});
