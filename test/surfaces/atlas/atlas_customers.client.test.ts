import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer } from '../../helpers/server.ts';
import { ATLAS, uniqueEmail } from './helpers.ts';

/**
 * A small Atlas client, written the way an Atlas user would from its docs: a fetch wrapper
 * with a base URL (https://api.atlas.co/functions/v1, swapped for ours) and a Bearer key,
 * sending JSON on every request. Nothing in it knows it is not talking to Atlas.
 */
interface AtlasAddress { line1: string | null; line2: string | null; city: string | null; state: string | null; postal_code: string | null; country: string | null }
interface AtlasCustomer {
  id: string;
  object: 'customer';
  email: string | null;
  name: string | null;
  phone: string | null;
  description: string | null;
  billing_address: AtlasAddress | null;
  shipping_address: AtlasAddress | null;
  default_payment_method: string | null;
  tax_exempt: boolean;
  tax_ids: { type: string; value: string }[];
  metadata: Record<string, string>;
  created: number;
}
interface AtlasList { object: 'list'; data: AtlasCustomer[]; has_more: boolean; total_count: number }

class AtlasError extends Error {
  constructor(readonly status: number, readonly error: { type: string; code: string | null; message: string; param: string | null; request_id: string | null; doc_url: string | null }) {
    super(error.message);
  }
}

class Atlas {
  constructor(private readonly apiKey: string, private readonly baseUrl = 'https://api.atlas.co/functions/v1') {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { Authorization: `Bearer ${this.apiKey}`, 'Content-Type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const data = await res.json();
    if (!res.ok) throw new AtlasError(res.status, data.error);
    return data as T;
  }

  customers = {
    create: (params: Partial<AtlasCustomer> & { email: string }) => this.call<AtlasCustomer>('POST', '/customers', params),
    retrieve: (id: string) => this.call<AtlasCustomer>('GET', `/customers/${encodeURIComponent(id)}`),
    update: (id: string, params: Record<string, unknown>) => this.call<AtlasCustomer>('PATCH', `/customers/${encodeURIComponent(id)}`, params),
    del: (id: string) => this.call<{ id: string; object: 'customer'; deleted: true }>('DELETE', `/customers/${encodeURIComponent(id)}`),
    list: (params: { limit?: number; offset?: number; email?: string } = {}) => {
      const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
      return this.call<AtlasList>('GET', `/customers${query ? `?${query}` : ''}`);
    },
  };
}

describe('an Atlas client, pointed at Clientele', () => {
  const ctx = suiteServer();
  const client = (key = ctx.server.tenant.keys.test) => new Atlas(key, ctx.server.url + ATLAS);

  it('creates, updates, lists, retrieves and deletes a customer', async () => {
    const atlas = client();
    const email = uniqueEmail('client');
    const created = await atlas.customers.create({
      email,
      name: 'Jenny Rosen',
      billing_address: { line1: '510 Townsend St', line2: null, city: 'San Francisco', state: 'CA', postal_code: '94103', country: 'US' },
      metadata: { crm_id: '42' },
    });
    assert.match(created.id, /^cus_/);
    assert.equal(created.email, email);
    assert.equal(created.billing_address?.city, 'San Francisco');

    const updated = await atlas.customers.update(created.id, {
      phone: '+1 415 555 0100',
      shipping_address: { line1: '1 Market St', city: 'San Francisco', state: 'CA', postal_code: '94105', country: 'US' },
      default_payment_method: 'pm_card_visa',
      tax_exempt: true,
      metadata: { tier: 'gold' },
    });
    assert.equal(updated.name, 'Jenny Rosen', 'untouched');
    assert.equal(updated.phone, '+1 415 555 0100');
    assert.equal(updated.shipping_address?.line1, '1 Market St');
    assert.equal(updated.default_payment_method, 'pm_card_visa');
    assert.equal(updated.tax_exempt, true);
    assert.deepEqual(updated.metadata, { crm_id: '42', tier: 'gold' });

    const found = await atlas.customers.list({ email: email.toUpperCase() });
    assert.equal(found.total_count, 1);
    assert.deepEqual(found.data, [updated]);

    assert.deepEqual(await atlas.customers.retrieve(created.id), updated);

    assert.deepEqual(await atlas.customers.del(created.id), { id: created.id, object: 'customer', deleted: true });
    await assert.rejects(atlas.customers.retrieve(created.id), (err: unknown) => {
      assert.ok(err instanceof AtlasError);
      assert.equal(err.status, 404);
      assert.equal(err.error.type, 'invalid_request_error');
      assert.equal(err.error.param, 'customer_id');
      return true;
    });
    assert.equal((await atlas.customers.list({ email })).total_count, 0);
  });

  it('walks every page with limit and offset, newest first, without gaps or repeats', async () => {
    const t = await ctx.server.newTenant('Client paging');
    const atlas = client(t.keys.test);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.unshift((await atlas.customers.create({ email: uniqueEmail('page'), name: `p${i}` })).id);
    const seen: string[] = [];
    let offset = 0;
    for (;;) {
      const page = await atlas.customers.list({ limit: 3, offset });
      assert.equal(page.total_count, 7);
      seen.push(...page.data.map((c) => c.id));
      if (!page.has_more) break;
      offset += page.data.length;
    }
    assert.deepEqual(seen, ids);
  });

  it('gets errors it can act on: status, code and the field at fault', async () => {
    const atlas = client();
    const email = uniqueEmail('dup');
    await atlas.customers.create({ email });
    const dup = await atlas.customers.create({ email }).catch((e: AtlasError) => e);
    assert.ok(dup instanceof AtlasError);
    assert.deepEqual([dup.status, dup.error.type, dup.error.param], [400, 'validation_error', 'email']);
    const c = await atlas.customers.create({ email: uniqueEmail() });
    const bad = await atlas.customers.update(c.id, { billing_address: { country: 'Atlantis' } }).catch((e: AtlasError) => e);
    assert.ok(bad instanceof AtlasError);
    assert.deepEqual([bad.status, bad.error.type, bad.error.param], [400, 'validation_error', 'billing_address.country']);
    const missing = await atlas.customers.create({ name: 'No e-mail' } as unknown as { email: string }).catch((e: AtlasError) => e);
    assert.ok(missing instanceof AtlasError);
    assert.deepEqual([missing.status, missing.error.type, missing.error.code, missing.error.param], [400, 'validation_error', 'missing_required_param', 'email']);
    assert.match(missing.error.request_id ?? '', /^req_/);
    const unauth = await new Atlas('sk_test_' + 'x'.repeat(40), ctx.server.url + ATLAS).customers.list().catch((e: AtlasError) => e);
    assert.ok(unauth instanceof AtlasError);
    assert.deepEqual([unauth.status, unauth.error.type], [401, 'authentication_error']);
  });
});
