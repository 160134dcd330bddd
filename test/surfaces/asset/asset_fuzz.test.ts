import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { suiteServer, type TestServer } from '../../helpers/server.ts';
import { ASSET, customersPath, tokenFor } from './helpers.ts';

/** Property: whatever arrives, the answer is a 2xx or an Asset-shaped 4xx — never a 5xx. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

const KNOWN = [
  'name', 'external_id', 'email', 'billing_address', 'shipping_address', 'phone_number', 'page_size', 'page_token',
  'client_id', 'client_secret', 'grant_type', 'business_id', 'expires_in',
];
const SUB = ['street_1', 'street_2', 'city', 'state', 'postal_code', 'country', '0', 'x'];

const scalar = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', 'US', 'us', 'XX', 'true', '0', '-1', '1.5', '101', 'a@b.co', 'not-an-email', 'cus_00000000000000000', 'client_credentials', 'bi4w'),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...SUB), tie('v'), { maxKeys: 3 })),
})).v;
const params = fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN), fc.string({ maxLength: 8 })), value, { maxKeys: 5 });

function toQuery(data: Record<string, unknown>): string {
  return Object.entries(data)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'object' ? JSON.stringify(v) : String(v))}`)
    .join('&');
}

describe('fuzzing the Asset surface', () => {
  const ctx = suiteServer();
  let server: TestServer;
  let token: string;
  let base: string;
  let id: string;

  before(async () => {
    server = ctx.server;
    token = await tokenFor(server, server.tenant);
    base = customersPath(server.tenant);
    id = (await server.request('POST', base, { key: token, json: { name: 'target' } })).body.data.id;
  });

  const check = (res: { status: number; headers: Headers; body: any; text: string }, what: string, oauth = false) => {
    assert.ok(res.status < 500, `${what} → ${res.status} ${res.text}`);
    if (res.status >= 400) {
      if (oauth) assert.equal(typeof res.body?.error, 'string', `${what} → ${res.text}`);
      else assert.ok(typeof res.body?.detail === 'string' || Array.isArray(res.body?.detail), `${what} → ${res.text}`);
    }
  };

  it('create and update with random JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(params, fc.constantFrom('POST', 'PATCH'), async (p, method) => {
        const path = method === 'POST' ? base : `${base}/${id}`;
        check(await server.request(method, path, { key: token, json: p }), `${method} ${JSON.stringify(p)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('list with random query strings, retrieve with random ids', async () => {
    await fc.assert(
      fc.asyncProperty(params, async (p) => {
        const qs = toQuery(p);
        check(await server.request('GET', `${base}?${qs}`, { key: token }), `GET ?${qs}`);
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.string({ maxLength: 30 }), async (biz, cus) => {
        const path = `${ASSET}/business/${encodeURIComponent(biz)}/customers/${encodeURIComponent(cus)}`;
        check(await server.request('GET', path, { key: token }), `GET ${path}`);
        check(await server.request('GET', `${base}/${encodeURIComponent(cus)}`, { key: token }), `GET ${cus}`);
        check(await server.request('GET', `${base}?page_token=${encodeURIComponent(cus)}`, { key: token }), `page_token ${cus}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('the token endpoint with random forms and JSON', async () => {
    await fc.assert(
      fc.asyncProperty(params, fc.boolean(), async (p, asJson) => {
        const init = asJson ? { json: p } : { form: toQuery(p) };
        check(await server.request('POST', `${ASSET}/auth/token`, { key: null, ...init }), `token ${JSON.stringify(p)}`, true);
      }),
      { numRuns: RUNS },
    );
  });

  it('random Authorization headers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ maxLength: 70 }).map((s) => `Bearer at_${s}`)), async (authorization) => {
        const headers = { authorization: authorization.replace(/[\r\n\0]/g, '') };
        let res;
        try {
          res = await server.request('GET', base, { key: null, headers });
        } catch {
          return; // fetch refuses some header values before sending them
        }
        check(res, `Authorization: ${authorization}`);
        assert.ok(res.status === 401 || res.status === 200, `${authorization} → ${res.status}`);
      }),
      { numRuns: RUNS },
    );
  });
});
