import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer, type TestServer, type TestTenant } from '../../helpers/server.ts';
import { SYSTEM_WRITE } from '../../../src/domain/customers/write-context.ts';
import { fromPrefixed } from '../../../src/formats/ids.ts';

/**
 * A client written the way Asset's users write one: a base URL (Asset's
 * `https://api.sandbox.getasset.com/v0`, here Clientele's `/asset/v0`), an OAuth token fetched
 * first with the client credentials, then JSON calls with `Authorization: Bearer`.
 */
class AssetClient {
  private token: { value: string; expiresAt: number } | null = null;

  constructor(
    private readonly baseUrl: string,
    private readonly credentials: { clientId: string; clientSecret: string; businessId: string },
  ) {}

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now() + 30_000) return this.token.value;
    const res = await fetch(`${this.baseUrl}/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: this.credentials.clientId,
        client_secret: this.credentials.clientSecret,
        grant_type: 'client_credentials',
        business_id: this.credentials.businessId,
        expires_in: '3600',
      }),
    });
    if (!res.ok) throw new Error(`auth failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in?: number };
    assert.equal(body.token_type, 'Bearer');
    // Asset documents expires_in as the expiry itself, in unix seconds.
    this.token = { value: body.access_token, expiresAt: (body.expires_in ?? Date.now() / 1000 + 3600) * 1000 };
    return body.access_token;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/business/${this.credentials.businessId}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${await this.accessToken()}`,
        Accept: 'application/json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  createCustomer(input: CustomerInput) {
    return this.call<{ data: Customer }>('POST', '/customers', input);
  }
  updateCustomer(id: string, input: Partial<CustomerInput>) {
    return this.call<{ data: Customer }>('PATCH', `/customers/${encodeURIComponent(id)}`, input);
  }
  getCustomer(id: string) {
    return this.call<{ data: Customer }>('GET', `/customers/${encodeURIComponent(id)}`);
  }
  listCustomers(params: { page_size?: number; page_token?: string | null } = {}) {
    const q = new URLSearchParams();
    if (params.page_size !== undefined) q.set('page_size', String(params.page_size));
    if (params.page_token) q.set('page_token', params.page_token);
    const qs = q.toString();
    return this.call<{ data: Customer[]; pagination: { next_page_token: string | null; previous_page_token: string | null } }>(
      'GET',
      `/customers${qs ? `?${qs}` : ''}`,
    );
  }
}

interface Address {
  street_1: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
  street_2?: string | null;
}
interface CustomerInput {
  name: string;
  external_id?: string | null;
  email?: string | null;
  billing_address?: Address | null;
  shipping_address?: Address | null;
  phone_number?: string | null;
}
interface Customer extends Required<CustomerInput> {
  id: string;
}

describe('Asset surface: a client as Asset users write it', () => {
  const ctx = suiteServer();
  let server: TestServer;
  let tenant: TestTenant;
  let asset: AssetClient;

  before(async () => {
    server = ctx.server;
    tenant = await server.newTenant('Asset client');
    asset = new AssetClient(`${server.url}/asset/v0`, {
      clientId: tenant.clients.test.client_id,
      clientSecret: tenant.clients.test.client_secret,
      businessId: tenant.wireId,
    });
  });

  it('create → update → list (every page, forwards and back) → retrieve', async () => {
    const created = await asset.createCustomer({
      name: 'Blue Bottle LLC',
      external_id: 'crm-42',
      email: 'billing@bluebottle.example',
      billing_address: { street_1: '300 Webster St', city: 'Oakland', state: 'CA', postal_code: '94607', country: 'US' },
      phone_number: '+1 510 555 0199',
    });
    const id = created.data.id;
    assert.match(id, /^cus_/);
    assert.equal(created.data.shipping_address, null);
    assert.equal(created.data.billing_address?.street_2, null);

    const updated = await asset.updateCustomer(id, {
      email: 'ap@bluebottle.example',
      shipping_address: { street_1: '1 Ferry Building', city: 'San Francisco', state: 'CA', postal_code: '94111', country: 'US', street_2: 'Shop 7' },
    });
    assert.equal(updated.data.email, 'ap@bluebottle.example');
    assert.equal(updated.data.name, 'Blue Bottle LLC');
    assert.equal(updated.data.external_id, 'crm-42');
    assert.equal(updated.data.shipping_address?.street_2, 'Shop 7');
    assert.equal(updated.data.billing_address?.city, 'Oakland');

    const made = [id];
    for (let i = 0; i < 22; i++) made.push((await asset.createCustomer({ name: `Customer ${i}`, email: `c${i}@example.com` })).data.id);
    const newestFirst = [...made].reverse();

    // Forwards with next_page_token until it is null.
    const pages: string[][] = [];
    let page = await asset.listCustomers({ page_size: 5 });
    assert.equal(page.pagination.previous_page_token, null);
    pages.push(page.data.map((c) => c.id));
    while (page.pagination.next_page_token) {
      page = await asset.listCustomers({ page_size: 5, page_token: page.pagination.next_page_token });
      assert.notEqual(page.pagination.previous_page_token, null, 'every later page has a previous page');
      pages.push(page.data.map((c) => c.id));
    }
    assert.deepEqual(pages.map((p) => p.length), [5, 5, 5, 5, 3]);
    assert.deepEqual(pages.flat(), newestFirst, 'every customer once, newest first, no gaps');

    // Back with previous_page_token until it is null: the same pages, in reverse.
    const back: string[][] = [page.data.map((c) => c.id)];
    while (page.pagination.previous_page_token) {
      page = await asset.listCustomers({ page_size: 5, page_token: page.pagination.previous_page_token });
      back.unshift(page.data.map((c) => c.id));
    }
    assert.deepEqual(back, pages, 'walking back retraces the same pages');
    assert.equal(page.pagination.next_page_token !== null, true, 'the first page, reached backwards, still leads forwards');

    // A page size that divides the total: the last page says there is nothing more.
    const all = await asset.listCustomers({ page_size: 23 });
    assert.equal(all.data.length, 23);
    assert.equal(all.pagination.next_page_token, null);
    assert.equal(all.pagination.previous_page_token, null);

    const fetched = await asset.getCustomer(id);
    assert.deepEqual(fetched.data, updated.data);
  });

  it('pages neither skip nor repeat while customers are created between calls', async () => {
    const t = await server.newTenant('Churn');
    const client = new AssetClient(`${server.url}/asset/v0`, {
      clientId: t.clients.test.client_id,
      clientSecret: t.clients.test.client_secret,
      businessId: t.wireId,
    });
    for (let i = 0; i < 12; i++) await client.createCustomer({ name: `o${i}` });
    const seen: string[] = [];
    let page = await client.listCustomers({ page_size: 5 });
    seen.push(...page.data.map((c) => c.id));
    while (page.pagination.next_page_token) {
      await client.createCustomer({ name: 'inserted meanwhile' });
      page = await client.listCustomers({ page_size: 5, page_token: page.pagination.next_page_token });
      seen.push(...page.data.map((c) => c.id));
    }
    assert.equal(seen.length, 12);
    assert.equal(new Set(seen).size, 12);
    // Walking back past the first page's edge finds the customers created meanwhile.
    let back = page;
    const newer: string[] = [];
    while (back.pagination.previous_page_token) {
      back = await client.listCustomers({ page_size: 5, page_token: back.pagination.previous_page_token });
      newer.push(...back.data.map((c) => c.id).filter((id) => !seen.includes(id)));
    }
    assert.equal(newer.length, 2, 'the two created while paging forwards');
  });

  it('tokens stay truthful when the customers at a page edge are deleted between calls', async () => {
    const t = await server.newTenant('Deleting');
    const client = new AssetClient(`${server.url}/asset/v0`, {
      clientId: t.clients.test.client_id,
      clientSecret: t.clients.test.client_secret,
      businessId: t.wireId,
    });
    const scope = { tenantId: t.id, mode: 'test' as const };
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await client.createCustomer({ name: `d${i}` })).data.id);
    const canonical = (id: string) => fromPrefixed('cus', id)!;

    // Forwards: the first page's customers go away; the second page has nothing before it.
    const first = await client.listCustomers({ page_size: 2 });
    for (const c of first.data) await server.app.customers.delete(scope, canonical(c.id), SYSTEM_WRITE);
    const second = await client.listCustomers({ page_size: 2, page_token: first.pagination.next_page_token });
    assert.deepEqual(second.data.map((c) => c.id), [ids[3], ids[2]]);
    assert.equal(second.pagination.previous_page_token, null, 'nothing newer is left');
    assert.notEqual(second.pagination.next_page_token, null);

    // Backwards: the last page's customers go away; the page before it has nothing after it.
    const last = await client.listCustomers({ page_size: 2, page_token: second.pagination.next_page_token });
    assert.deepEqual(last.data.map((c) => c.id), [ids[1], ids[0]]);
    assert.equal(last.pagination.next_page_token, null);
    for (const c of last.data) await server.app.customers.delete(scope, canonical(c.id), SYSTEM_WRITE);
    const back = await client.listCustomers({ page_size: 2, page_token: last.pagination.previous_page_token });
    assert.deepEqual(back.data.map((c) => c.id), [ids[3], ids[2]]);
    assert.equal(back.pagination.next_page_token, null, 'nothing older is left');
    assert.equal(back.pagination.previous_page_token, null);
  });

  it('an empty business lists no customers and no pages', async () => {
    const t = await server.newTenant('Empty');
    const client = new AssetClient(`${server.url}/asset/v0`, {
      clientId: t.clients.test.client_id,
      clientSecret: t.clients.test.client_secret,
      businessId: t.wireId,
    });
    const res = await client.listCustomers();
    assert.deepEqual(res, { data: [], pagination: { next_page_token: null, previous_page_token: null } });
  });
});
