import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { suiteServer } from '../../helpers/server.ts';

/** Property: whatever arrives, the answer is a 2xx or a Stripe-shaped 4xx — never a 5xx, never a crash. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

const KNOWN = [
  'name', 'email', 'phone', 'description', 'balance', 'address', 'shipping', 'metadata', 'preferred_locales',
  'tax_exempt', 'invoice_prefix', 'invoice_settings', 'next_invoice_sequence', 'expand', 'tax_id_data', 'tax_ids',
  'contacts', 'status', 'website', 'business_name', 'default_source', 'external_id', 'limit', 'starting_after',
  'ending_before', 'created', 'query', 'page',
];
const SUB = ['line1', 'city', 'country', 'name', 'address', 'value', 'type', 'gte', 'lt', '0', '1', 'k', 'is_primary', 'custom_fields'];

const scalar = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', 'US', 'us', 'XX', 'true', 'false', '0', '-1', '1.5', 'null', 'a@b.co', 'not-an-email', 'cus_00000000000000000', '9'.repeat(30)),
  fc.integer().map(String),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...SUB), tie('v'), { maxKeys: 3 })),
})).v;
const params = fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN), fc.string({ maxLength: 8 })), value, { maxKeys: 5 });

/** Bracket encoding as Stripe's SDK writes it. */
function toForm(data: unknown, prefix = ''): string[] {
  if (data === null || typeof data !== 'object') return [`${encodeURIComponent(prefix)}=${encodeURIComponent(String(data))}`];
  const entries = Array.isArray(data) ? data.map((v, i) => [String(i), v] as const) : Object.entries(data);
  return entries.flatMap(([k, v]) => toForm(v, prefix ? `${prefix}[${k}]` : k));
}

describe('fuzzing the native API', () => {
  const ctx = suiteServer();

  const check = async (res: { status: number; headers: Headers; body: any; text: string }, what: string) => {
    assert.ok(res.status < 500, `${what} → ${res.status} ${res.text}`);
    assert.match(res.headers.get('request-id') ?? '', /^req_/, what);
    if (res.status >= 400) assert.equal(typeof res.body?.error?.message, 'string', `${what} → ${res.text}`);
  };

  it('create, with form and JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(params, fc.boolean(), async (p, asJson) => {
        const init = asJson ? { json: p } : { form: toForm(p).join('&') };
        await check(await ctx.server.request('POST', '/v1/customers', init), `create ${JSON.stringify(init)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('update, with form and JSON bodies', async () => {
    const c = await ctx.stripe.customers.create({ name: 'target' });
    await fc.assert(
      fc.asyncProperty(params, fc.boolean(), fc.constantFrom('POST', 'PATCH'), async (p, asJson, method) => {
        const init = asJson ? { json: p } : { form: toForm(p).join('&') };
        await check(await ctx.server.request(method, `/v1/customers/${c.id}`, init), `update ${JSON.stringify(init)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('list, search and retrieve, with random query strings and ids', async () => {
    await fc.assert(
      fc.asyncProperty(params, fc.constantFrom('/v1/customers', '/v1/customers/search'), async (p, path) => {
        const qs = toForm(p).join('&');
        await check(await ctx.server.request('GET', `${path}?${qs}`), `GET ${path}?${qs}`);
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), async (id) => {
        const path = `/v1/customers/${encodeURIComponent(id)}`;
        await check(await ctx.server.request('GET', path), `GET ${path}`);
        await check(await ctx.server.request('DELETE', path), `DELETE ${path}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('search, with random query-language text', async () => {
    const token = fc.constantFrom('email', 'name', 'metadata["k"]', 'created', ':', '~', '>', '>=', '"', "'", 'AND', 'OR', '-', ' ', 'null', '123', '"abc"', '\\', '[', ']');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(token, fc.string({ maxLength: 4 })), { maxLength: 12 }), async (parts) => {
        const query = encodeURIComponent(parts.join(''));
        await check(await ctx.server.request('GET', `/v1/customers/search?query=${query}`), `search ${parts.join('')}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves the store consistent: no two live customers share an e-mail', async () => {
    const all = await ctx.stripe.customers.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
    const emails = all.map((c) => c.email?.toLowerCase()).filter((e): e is string => !!e);
    assert.equal(new Set(emails).size, emails.length);
  });
});
