import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { suiteServer, type TestServer } from '../../helpers/server.ts';
import type { CountClient } from './count-client.ts';
import { countClient, createCustomer, rawSigned, type Res } from './helpers.ts';

/** Property: whatever a correctly signed request carries, the answer is a 2xx or a Count-shaped 4xx — never a 5xx. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);

const FIELDS = [
  'customer', 'email', 'mainPhone', 'website', 'status', 'billingAddress', 'shippingAddress', 'contacts', 'uuid', 'createdAt',
  'updatedAt', 'customers', 'name', 'phone',
];
const SUB = ['street', 'city', 'state', 'zipCode', 'country', 'name', 'firstName', 'lastName', 'email', 'phone', 'isPrimary', '__proto__', 'constructor', '0', ''];

const scalar = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', ' ', 'US', 'us', 'XX', 'active', 'inactive', 'a@b.co', 'A@B.CO', 'not-an-email', '\u0000', '💥', '9'.repeat(300)),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...SUB), tie('v'), { maxKeys: 4 })),
})).v;
const body = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), value, { maxKeys: 6 });
const queryKey = fc.oneof(fc.constantFrom('search', 'page', 'limit', 'orderBy', 'orderDirection', 'email', 'page[]', 'limit[a]'), fc.string({ maxLength: 6 }));
const queryValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', '0', '1', '20', '100', '101', '10000', '10001', '-1', '1.5', '1e3', '9007199254740993', 'ASC', 'desc', 'customer', 'createdAt', '%', '%ZZ', '%00'),
  fc.nat().map(String),
);

describe('fuzzing the Count surface (signed requests)', () => {
  const ctx = suiteServer();
  let server: TestServer;
  let count: CountClient;
  let target: any;

  before(async () => {
    server = ctx.server;
    count = countClient(server);
    target = await createCustomer(count);
  });

  const check = (res: Res, what: string) => {
    assert.ok(res.status < 500, `${what} → ${res.status} ${res.text}`);
    assert.match(res.headers.get('request-id') ?? '', /^req_/, what);
    if (res.status >= 400) {
      assert.equal(res.body?.status, 'error', `${what} → ${res.text}`);
      assert.equal(typeof res.body?.message, 'string', `${what} → ${res.text}`);
      assert.equal(typeof res.body?.code, 'string', `${what} → ${res.text}`);
    } else {
      assert.equal(res.body?.status, 'success', `${what} → ${res.text}`);
    }
  };

  it('create, update and bulk, with random JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('POST /customers', 'PUT /customers/:id', 'POST /customers/bulk', 'PATCH /customers/bulk'), async (json, route) => {
        const [method, path] = route.split(' ') as [string, string];
        const res = await count.request(method, path.replace(':id', target.uuid), json);
        check(res, `${route} ${JSON.stringify(json)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('bulk, with random rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 5 }), fc.boolean(), async (rows, update) => {
        const res = update ? await count.bulkUpdate(rows.map((r) => ({ uuid: target.uuid, ...r }))) : await count.bulkCreate(rows);
        check(res, `bulk ${JSON.stringify(rows)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('well-typed bodies of random content: mostly accepted, never a 5xx', async () => {
    const text = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constant(null));
    const address = fc.oneof(
      fc.constant(null),
      fc.record({ street: text, city: text, state: text, zipCode: text, country: fc.oneof(fc.constantFrom('US', 'gb', 'DE', 'xx', ''), text) }, { requiredKeys: [] }),
    );
    const fields = fc.record(
      { mainPhone: text, website: text, status: fc.constantFrom('active', 'inactive'), billingAddress: address, shippingAddress: address },
      { requiredKeys: [] },
    );
    let n = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 30 }), fields, fields, async (name, create, update) => {
        n += 1;
        const made = await count.createCustomer({ customer: name, email: `typed-${n}-${Date.now()}@example.com`, ...create });
        check(made, `create ${JSON.stringify(create)}`);
        if (made.status !== 201) return;
        const res = await count.updateCustomer(made.body.data.uuid, update);
        check(res, `update ${JSON.stringify(update)}`);
        if (res.status === 200) accepted += 1;
      }),
      { numRuns: RUNS },
    );
    assert.ok(accepted > RUNS / 4, `only ${accepted} of ${RUNS} accepted: the generator misses the happy path`);
  });

  it('any JSON value or raw text as a signed body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string({ maxLength: 40 })), fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE'), async (text, method) => {
        const path = method === 'POST' ? '/customers' : method === 'PATCH' ? '/customers/bulk' : `/customers/${target.uuid}`;
        check(await rawSigned(server, { method, path, body: text }), `${method} ${path} ${text}`);
      }),
      { numRuns: RUNS },
    );
    // The target survived everything but DELETE, which may have removed it: make a new one for the next properties.
    target = await createCustomer(count);
  });

  it('list and find-by-email, with random query strings (not signed)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 }), fc.boolean(), fc.constantFrom('/customers', '/customers/find-by-email'), async (pairs, encode, path) => {
        const qs = pairs.map(([k, v]) => (encode ? `${encodeURIComponent(k)}=${encodeURIComponent(v)}` : `${k}=${v}`)).join('&');
        let res: Res;
        try {
          res = await rawSigned(server, { method: 'GET', path: `${path}?${qs}`, signPath: path });
        } catch (err) {
          if (!encode) return; // fetch itself refuses some raw URLs
          throw err;
        }
        check(res, `GET ${path}?${qs}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('retrieve, update and delete, with random uuids', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 40 }), fc.uuid(), fc.string({ unit: 'grapheme', maxLength: 20 })), async (id) => {
        const path = `/customers/${encodeURIComponent(id)}`;
        check(await count.request('GET', path), `GET ${path}`);
        check(await count.request('PUT', path, { customer: 'x' }), `PUT ${path}`);
        check(await count.request('DELETE', path), `DELETE ${path}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('random signing headers: a 401, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(fc.string({ maxLength: 40 })), fc.option(fc.string({ maxLength: 20 })), fc.option(fc.string({ maxLength: 70 })), async (id, ts, sig) => {
        const headers: Record<string, string> = {};
        const clean = (s: string) => s.replace(/[^\x20-\x7e]/g, '');
        if (id !== null) headers['x-client-id'] = clean(id);
        if (ts !== null) headers['x-timestamp'] = clean(ts);
        if (sig !== null) headers['x-signature'] = clean(sig);
        const res = await fetch(`${server.url}/count/partners/customers`, { headers });
        const text = await res.text();
        check({ status: res.status, headers: res.headers, body: JSON.parse(text), text }, JSON.stringify(headers));
        assert.equal(res.status, 401);
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves the store consistent: no two live customers share an e-mail', async () => {
    const emails: string[] = [];
    for (let page = 1; ; page++) {
      const res = await count.listCustomers({ page, limit: 100 });
      emails.push(...res.body.data.records.map((c: any) => c.email?.toLowerCase()).filter((e: unknown): e is string => !!e));
      if (page >= res.body.data.totalPages) break;
    }
    assert.equal(new Set(emails).size, emails.length);
  });
});
