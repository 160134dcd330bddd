import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { suiteServer } from '../../helpers/server.ts';
import { ATLAS, atlas, type Res } from './helpers.ts';

/** Property: whatever arrives, the answer is a 2xx or an Atlas-shaped 4xx — never a 5xx, never a crash. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

const FIELDS = [
  'email', 'name', 'phone', 'description', 'billing_address', 'shipping_address', 'default_payment_method', 'tax_exempt',
  'metadata', 'tax_ids', 'id', 'object', 'created',
];
const SUB = ['line1', 'line2', 'city', 'state', 'postal_code', 'country', 'k', '', '__proto__', 'constructor', 'a[b]', '0'];

const scalar = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', ' ', 'US', 'us', 'XX', 'true', 'a@b.co', 'A@B.CO', 'not-an-email', 'cus_00000000000000000', '9'.repeat(30), '\u0000', '💥'),
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
const queryValue = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', '0', '1', '10', '100', '101', '-1', '1.5', '1e3', '9007199254740993', 'a@b.co', '%', '%ZZ', '[]'), fc.nat().map(String));
const queryKey = fc.oneof(fc.constantFrom('limit', 'offset', 'email', 'limit[]', 'email[a]', 'offset[0]', 'starting_after'), fc.string({ maxLength: 6 }));

describe('fuzzing the Atlas surface', () => {
  const ctx = suiteServer();

  const check = (res: Res, what: string) => {
    assert.ok(res.status < 500, `${what} → ${res.status} ${res.text}`);
    assert.match(res.headers.get('request-id') ?? '', /^req_/, what);
    if (res.status >= 400) {
      assert.equal(typeof res.body?.error?.message, 'string', `${what} → ${res.text}`);
      assert.equal(typeof res.body?.error?.type, 'string', `${what} → ${res.text}`);
    }
  };

  it('create, with random JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (json) => check(await atlas(ctx.server, 'POST', '/customers', { json }), `create ${JSON.stringify(json)}`)),
      { numRuns: RUNS },
    );
  });

  it('create and update, with well-typed bodies of random content: mostly accepted, never a 5xx', async () => {
    const text = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constant(null));
    const address = fc.oneof(
      fc.constant(null),
      fc.record(
        { line1: text, line2: text, city: text, state: text, postal_code: text, country: fc.oneof(fc.constantFrom('US', 'gb', 'DE', 'xx', ''), text) },
        { requiredKeys: [] },
      ),
    );
    const fields = fc.record(
      {
        name: text,
        phone: text,
        description: text,
        billing_address: address,
        shipping_address: address,
        default_payment_method: text,
        tax_exempt: fc.oneof(fc.boolean(), fc.constant(null)),
        metadata: fc.oneof(fc.constant(null), fc.dictionary(fc.string({ minLength: 0, maxLength: 12 }), text, { maxKeys: 5 })),
      },
      { requiredKeys: [] },
    );
    let n = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fields, fields, async (create, update) => {
        n += 1;
        const made = await atlas(ctx.server, 'POST', '/customers', { json: { email: `typed-${n}-${Date.now()}@example.com`, ...create } });
        check(made, `create ${JSON.stringify(create)}`);
        if (made.status !== 200) return;
        const res = await atlas(ctx.server, 'PATCH', `/customers/${made.body.id}`, { json: update });
        check(res, `update ${JSON.stringify(update)}`);
        if (res.status === 200) accepted += 1;
      }),
      { numRuns: RUNS },
    );
    assert.ok(accepted > RUNS / 4, `only ${accepted} of ${RUNS} accepted: the generator misses the happy path`);
  });

  it('update, with random JSON bodies', async () => {
    const c = await atlas(ctx.server, 'POST', '/customers', { json: { email: 'fuzz-target@example.com' } });
    assert.equal(c.status, 200);
    await fc.assert(
      fc.asyncProperty(body, async (json) => check(await atlas(ctx.server, 'PATCH', `/customers/${c.body.id}`, { json }), `update ${JSON.stringify(json)}`)),
      { numRuns: RUNS },
    );
    assert.equal((await atlas(ctx.server, 'GET', `/customers/${c.body.id}`)).status, 200);
  });

  it('any JSON value or raw text as a body', async () => {
    const c = await atlas(ctx.server, 'POST', '/customers', { json: { email: 'fuzz-raw@example.com' } });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json().map((j) => j), fc.string({ maxLength: 40 })), fc.constantFrom('POST', 'PATCH', 'DELETE'), async (text, method) => {
        const path = method === 'POST' ? '/customers' : `/customers/${c.body.id}`;
        const res = await fetch(`${ctx.server.url}${ATLAS}${path}`, {
          method,
          headers: { authorization: `Bearer ${ctx.server.tenant.keys.test}`, 'content-type': 'application/json' },
          body: text,
        });
        const raw = await res.text();
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          parsed = undefined;
        }
        check({ status: res.status, headers: res.headers, body: parsed, text: raw }, `${method} ${path} ${text}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('list, with random query strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 }), fc.boolean(), async (pairs, encode) => {
        const qs = pairs.map(([k, v]) => (encode ? `${encodeURIComponent(k)}=${encodeURIComponent(v)}` : `${k}=${v}`)).join('&');
        let res: Res;
        try {
          res = await atlas(ctx.server, 'GET', `/customers?${qs}`);
        } catch (err) {
          // fetch itself refuses some raw URLs; that is not the server's answer.
          if (!encode) return;
          throw err;
        }
        check(res, `GET /customers?${qs}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('retrieve, update and delete, with random ids', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.stringMatching(/^cus_[0-9A-Za-z]{15,19}$/)), async (id) => {
        const path = `/customers/${encodeURIComponent(id)}`;
        check(await atlas(ctx.server, 'GET', path), `GET ${path}`);
        check(await atlas(ctx.server, 'PATCH', path, { json: { name: 'x' } }), `PATCH ${path}`);
        check(await atlas(ctx.server, 'DELETE', path), `DELETE ${path}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves the store consistent: no two live customers share an e-mail', async () => {
    const emails: string[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = (await atlas(ctx.server, 'GET', `/customers?limit=100&offset=${offset}`)).body;
      emails.push(...page.data.map((c: any) => c.email?.toLowerCase()).filter((e: unknown): e is string => !!e));
      if (!page.has_more) break;
    }
    assert.equal(new Set(emails).size, emails.length);
  });
});
