import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { suiteServer } from '../../helpers/server.ts';
import { CP, createCustomer } from './helpers.ts';

/** Property: whatever arrives, the answer is a 2xx or a CheckoutPage-shaped 4xx — never a 5xx. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const FIELDS = [
  'name', 'companyName', 'email', 'phone', 'billingEmail', 'address', 'shipping', 'taxId', 'taxIdType',
  'id', 'sellerId', 'stripeCustomerId', 'createdAt', 'updatedAt', '__proto__', 'constructor',
];
const SUB = ['line1', 'line2', 'city', 'state', 'postalCode', 'postal_code', 'country', 'name', 'phone', 'address'];
const QUERY = ['limit', 'starting_after', 'ending_before', 'search', 'page', 'limit[]', 'search[a]'];

const scalar = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('', 'US', 'us', 'XX', 'a@b.co', 'A@B.CO', 'not-an-email', '\u0000', 'x\u0000y', '\ud800', 'x'.repeat(256), '0'.repeat(24), '01'.repeat(12)),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...SUB), tie('v'), { maxKeys: 4 })),
})).v;
const body = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), value, { maxKeys: 5 }),
  value,
);
const queryValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', '0', '1', '20', '100', '101', '-1', '1.5', 'abc', '%00', '%ZZ', '0'.repeat(24), 'ff'.repeat(12)),
  fc.integer().map(String),
);

describe('fuzzing the CheckoutPage surface', () => {
  const ctx = suiteServer();

  const check = (res: { status: number; body: any; text: string }, what: string) => {
    assert.ok(res.status < 500, `${what} → ${res.status} ${res.text}`);
    if (res.status === 401) return;
    if (res.status >= 400) {
      assert.equal(res.body?.status, 'error', `${what} → ${res.text}`);
      assert.equal(res.body?.type, 'error', what);
      assert.ok(Array.isArray(res.body?.errors), what);
      for (const e of res.body.errors) assert.deepEqual(Object.keys(e), ['param', 'message', 'value'], what);
    } else {
      assert.ok(res.body && 'data' in res.body, `${what} → ${res.text}`);
    }
  };

  it('PATCH with random JSON bodies', async () => {
    const id = await createCustomer(ctx.server, { name: 'target', email: 'target@example.com' });
    await createCustomer(ctx.server, { email: 'a@b.co' });
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom(id, '0'.repeat(24), 'nope'), async (json, target) => {
        const res = await ctx.server.request('PATCH', `${CP}/customers/${target}`, { json });
        check(res, `PATCH ${target} ${JSON.stringify(json)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('GET /customers with random query strings', async () => {
    const id = await createCustomer(ctx.server, { name: 'listed' });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY), fc.string({ maxLength: 6 })), fc.oneof(queryValue, fc.constant(id))), { maxLength: 5 }), async (pairs) => {
        // Half encoded properly, the rest raw: malformed escapes must be refused, not crash.
        const qs = pairs.map(([k, v], i) => (i % 2 ? `${encodeURIComponent(k)}=${encodeURIComponent(v)}` : `${k}=${v}`)).join('&');
        let res;
        try {
          res = await ctx.server.request('GET', `${CP}/customers?${qs}`);
        } catch (err) {
          // fetch itself refuses some raw URLs (a space, say): nothing reached the server.
          if (err instanceof TypeError) return;
          throw err;
        }
        check(res, `GET ?${qs}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('GET and PATCH with random ids', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.stringMatching(/^[0-9a-fA-F]{23,25}$/)), async (id) => {
        const path = `${CP}/customers/${encodeURIComponent(id)}`;
        check(await ctx.server.request('GET', path), `GET ${path}`);
        check(await ctx.server.request('PATCH', path, { json: { name: 'x' } }), `PATCH ${path}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves the store consistent: no two live customers share an e-mail', async () => {
    const all = await ctx.server.stripe().customers.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
    const emails = all.map((c) => c.email?.toLowerCase()).filter((e): e is string => !!e);
    assert.equal(new Set(emails).size, emails.length);
  });
});
