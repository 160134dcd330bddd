import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer } from '../../helpers/server.ts';
import { CP, createCustomer } from './helpers.ts';

/**
 * A small CheckoutPage client, written the way a CheckoutPage user would write one from the
 * documentation: a base URL, a Bearer key, JSON in and out, errors thrown with their body.
 * Pointing it at Clientele means changing the base URL only.
 */
interface Address {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}

interface Customer {
  id: string;
  name: string | null;
  companyName: string | null;
  email: string | null;
  phone: string | null;
  billingEmail: string | null;
  address: Address | null;
  shipping: { name: string | null; phone: string | null; address: Address | null } | null;
  taxId: string | null;
  taxIdType: string | null;
  sellerId: string | null;
  stripeCustomerId: string | null;
  createdAt: string;
  updatedAt: string;
}

interface CustomerList {
  data: Customer[];
  total: number;
  has_more: boolean;
}

type CustomerUpdate = Partial<Omit<Customer, 'id' | 'sellerId' | 'stripeCustomerId' | 'createdAt' | 'updatedAt'>>;

class CheckoutPageError extends Error {
  constructor(
    readonly status: number,
    readonly body: { status?: string; message?: string; errors?: { param: string; message: string; value: unknown }[]; error?: string },
  ) {
    super(`CheckoutPage API error ${status}: ${body.message ?? ''}`);
  }
}

class CheckoutPage {
  constructor(
    private readonly apiKey: string,
    private readonly baseUrl = 'https://api.checkoutpage.com/v1',
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { Authorization: `Bearer ${this.apiKey}`, Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new CheckoutPageError(res.status, json as CheckoutPageError['body']);
    return json;
  }

  readonly customers = {
    list: (params: { limit?: number; starting_after?: string; ending_before?: string; search?: string } = {}) => {
      const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
      const qs = query.toString();
      return this.call<CustomerList>('GET', `/customers${qs ? `?${qs}` : ''}`);
    },
    retrieve: async (id: string) => (await this.call<{ data: Customer }>('GET', `/customers/${encodeURIComponent(id)}`)).data,
    update: async (id: string, changes: CustomerUpdate) =>
      (await this.call<{ data: Customer }>('PATCH', `/customers/${encodeURIComponent(id)}`, changes)).data,
  };

  /** Every customer, page after page, following starting_after; `between` runs between pages. */
  async *allCustomers(params: { limit?: number; search?: string } = {}, between?: () => Promise<void>): AsyncGenerator<Customer> {
    let after: string | undefined;
    for (;;) {
      const page = await this.customers.list({ ...params, ...(after ? { starting_after: after } : {}) });
      yield* page.data;
      if (!page.has_more) return;
      after = page.data[page.data.length - 1]!.id;
      await between?.();
    }
  }
}

describe('CheckoutPage customers: a client written from the documentation', () => {
  const ctx = suiteServer();

  it('pages through a search with starting_after: every match once, none missed, newest first', async () => {
    const tenant = await ctx.server.newTenant('Client paging');
    const client = new CheckoutPage(tenant.keys.test, ctx.server.url + CP);
    const matching: string[] = [];
    for (let i = 0; i < 23; i++) {
      matching.push(await createCustomer(ctx.server, i % 2 ? { name: `Team Member ${i}` } : { name: `Person ${i}`, email: `member${i}@example.com` }, tenant.keys.test));
      await createCustomer(ctx.server, { name: `Outsider ${i}` }, tenant.keys.test);
    }
    const seen: string[] = [];
    const totals = new Set<number>();
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await client.customers.list({ search: 'MEMBER', limit: 5, ...(after ? { starting_after: after } : {}) });
      pages++;
      totals.add(page.total);
      assert.ok(page.data.length <= 5);
      seen.push(...page.data.map((c) => c.id));
      if (!page.has_more) break;
      after = page.data[page.data.length - 1]!.id;
    }
    assert.equal(pages, 5);
    assert.deepEqual([...totals], [23]);
    assert.deepEqual(seen, [...matching].reverse(), 'all matches, newest first, once each');
  });

  it('pages without gaps or duplicates while customers are being added', async () => {
    const tenant = await ctx.server.newTenant('Client paging under writes');
    const client = new CheckoutPage(tenant.keys.test, ctx.server.url + CP);
    const original: string[] = [];
    for (let i = 0; i < 12; i++) original.push(await createCustomer(ctx.server, { name: `Orig ${i}` }, tenant.keys.test));
    const seen: string[] = [];
    let added = 0;
    for await (const c of client.allCustomers({ limit: 4 }, async () => {
      await createCustomer(ctx.server, { name: `Added ${added++}` }, tenant.keys.test);
    })) {
      seen.push(c.id);
    }
    assert.equal(added, 2);
    assert.deepEqual(seen, [...original].reverse(), 'newer customers appear before the first page, not in the middle');
  });

  it('pages backwards with ending_before to where it started', async () => {
    const tenant = await ctx.server.newTenant('Client backwards');
    const client = new CheckoutPage(tenant.keys.test, ctx.server.url + CP);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await createCustomer(ctx.server, { name: `B ${i}` }, tenant.keys.test));
    const newestFirst = [...ids].reverse();
    let page = await client.customers.list({ limit: 3, starting_after: newestFirst[5] });
    assert.deepEqual(page.data.map((c) => c.id), newestFirst.slice(6, 9));
    const collected = [...page.data.map((c) => c.id)];
    while (page.data.length > 0) {
      page = await client.customers.list({ limit: 3, ending_before: page.data[0]!.id });
      collected.unshift(...page.data.map((c) => c.id));
      if (!page.has_more) break;
    }
    assert.deepEqual(collected, newestFirst.slice(0, 9));
  });

  it('retrieves and updates, and reads the errors it documents', async () => {
    const client = new CheckoutPage(ctx.server.tenant.keys.test, ctx.server.url + CP);
    const id = await createCustomer(ctx.server, { name: 'Client Customer', email: 'client@example.com' });
    const customer = await client.customers.retrieve(id);
    assert.equal(customer.name, 'Client Customer');

    const updated = await client.customers.update(id, {
      companyName: 'Client Co',
      address: { line1: '1 Road', line2: null, city: 'Town', state: null, postalCode: '12345', country: 'NL' },
    });
    assert.equal(updated.companyName, 'Client Co');
    assert.equal(updated.address?.postalCode, '12345');
    assert.equal(updated.name, 'Client Customer', 'untouched');
    assert.deepEqual(await client.customers.retrieve(id), updated);

    const notFound = await client.customers.retrieve('f'.repeat(24)).catch((e: unknown) => e);
    assert.ok(notFound instanceof CheckoutPageError);
    assert.equal(notFound.status, 404);
    assert.equal(notFound.body.message, 'Not Found');
    assert.equal(notFound.body.errors?.[0]?.param, 'customerId');

    const invalid = await client.customers.update(id, { email: 'nope' }).catch((e: unknown) => e);
    assert.ok(invalid instanceof CheckoutPageError);
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.body.errors?.map((e) => [e.param, e.value]), [['email', 'nope']]);

    const empty = await client.customers.update(id, {}).catch((e: unknown) => e);
    assert.ok(empty instanceof CheckoutPageError);
    assert.equal(empty.status, 400);

    const unauthorized = await new CheckoutPage('sk_test_revoked', ctx.server.url + CP).customers.list().catch((e: unknown) => e);
    assert.ok(unauthorized instanceof CheckoutPageError);
    assert.equal(unauthorized.status, 401);
    assert.deepEqual(unauthorized.body, { error: 'Unauthorized', message: 'Missing or invalid API key' });
  });
});
