/**
 * The console's pages over HTTP, each write checked through the API: create, delete and erase a
 * customer (history says `console` and the key), tenant settings with rate-limit overrides, a key
 * rolled with grace, a webhook delivery retried, and the host admin's tenant pages.
 */
import { after, before, describe, it } from 'node:test';
import { createHmac } from 'node:crypto';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.ts';
import { startReceiver } from '../helpers/webhook-receiver.ts';
import { ConsoleClient, csrfIn, textOf } from './console-client.ts';
import { CountClient } from '../surfaces/count/count-client.ts';
import { fromPrefixed } from '../../src/formats/ids.ts';

describe('console: pages and writes', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server?.close());

  it('creates, deletes and erases customers through the services: the API sees each write, the history names the console and the key', async () => {
    const browser = new ConsoleClient(server.url);
    await browser.signIn(server.tenant.keys.test);
    const made = await browser.submit('/console/customers/new', '/console/customers', { name: 'Made Here', email: 'made.here@example.com', 'address.city': 'Oslo', 'address.country': 'NO', metadata: 'plan=gold\nseats=4' });
    assert.equal(made.status, 303, made.text.slice(0, 300));
    const id = /\/console\/customers\/(cus_[^?]+)/.exec(made.location!)![1]!;
    const api = (await server.request('GET', `/v1/customers/${id}`)).body;
    assert.deepEqual([api.name, api.email, api.address.city, api.address.country, api.metadata], ['Made Here', 'made.here@example.com', 'Oslo', 'NO', { plan: 'gold', seats: '4' }]);
    const history = (await server.request('GET', `/v1/customers/${id}/history`)).body.data;
    assert.equal(history[0].surface, 'console');
    assert.equal(history[0].actor.type, 'api_key');
    assert.match(history[0].actor.id, /^key_/);

    const bad = await browser.submit('/console/customers/new', '/console/customers', { name: 'X', 'address.country': 'Narnia', metadata: '' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /id="err-address-country"[^>]*>[^<]*country/i, 'the domain\'s message beside the country field');
    const badMeta = await browser.submit('/console/customers/new', '/console/customers', { name: 'X', metadata: 'no equals sign' });
    assert.match(badMeta.text, /id="err-metadata"[^>]*>Line 1: write each entry as key=value/);

    // A stale form (someone saved in between) is refused, not overwritten.
    const form = await browser.get(`/console/customers/${id}/edit`);
    await server.request('POST', `/v1/customers/${id}`, { form: 'name=Changed+Elsewhere' });
    const stale = await browser.post(`/console/customers/${id}`, { _csrf: csrfIn(form.text, `/console/customers/${id}`), version: /name="version" value="(\d+)"/.exec(form.text)![1]!, name: 'Mine', email: 'made.here@example.com' });
    assert.equal(stale.status, 409);
    assert.equal((await server.request('GET', `/v1/customers/${id}`)).body.name, 'Changed Elsewhere');

    assert.equal((await browser.submit(`/console/customers/${id}/delete`, `/console/customers/${id}/delete`, {})).status, 303);
    assert.equal((await server.request('GET', `/v1/customers/${id}`)).body.deleted, true);
    const other = (await server.request('POST', '/v1/customers', { form: 'name=Erase+Me&email=erase.me%40example.com' })).body.id as string;
    assert.equal((await browser.submit(`/console/customers/${other}/delete`, `/console/customers/${other}/erase`, {})).status, 303);
    const erased = await server.request('GET', `/v1/customers/${other}/history`);
    assert.equal(erased.body.data[0].action, 'erased');
  });

  it('keyset pages: newest first, older and newer links', async () => {
    const tenant = await server.newTenant('Paged');
    for (let i = 0; i < 30; i++) await server.request('POST', '/v1/customers', { key: tenant.keys.test, form: `name=P${String(i).padStart(2, '0')}` });
    const browser = new ConsoleClient(server.url);
    await browser.signIn(tenant.keys.test);
    const first = await browser.get('/console/customers');
    const names = (html: string) => [...html.matchAll(/>(P\d\d)</g)].map((m) => m[1]);
    assert.deepEqual(names(first.text).slice(0, 3), ['P29', 'P28', 'P27']);
    assert.equal(names(first.text).length, 25);
    const older = /href="\/console\/customers(\?after=[^"]+)"/.exec(first.text)![1]!;
    const second = await browser.get(`/console/customers${older.replaceAll('&amp;', '&')}`);
    assert.deepEqual(names(second.text), ['P04', 'P03', 'P02', 'P01', 'P00']);
    const newer = /href="\/console\/customers(\?before=[^"]+)"/.exec(second.text)![1]!;
    assert.deepEqual(names((await browser.get(`/console/customers${newer}`)).text).slice(0, 2), ['P29', 'P28']);
  });

  it('settings, rate-limit overrides and a key rolled with grace', async () => {
    const tenant = await server.newTenant('Configured');
    const browser = new ConsoleClient(server.url);
    await browser.signIn(tenant.keys.test);
    const saved = await browser.submit('/console/settings', '/console/settings', {
      email_uniqueness: 'off', native_rate_limits: 'stripe', history_retention_days: '90', event_retention_days: '7', rate_limits: 'count.client=10/60, atlas.concurrent=5',
      webhook_disable_after_days: '3', asset_account: 'sneaky-join',
    });
    assert.equal(saved.status, 303, saved.text.slice(0, 400));
    const settings = (await server.store.getTenant(tenant.id))!.settings;
    assert.deepEqual(
      [settings.email_uniqueness, settings.native_rate_limits, settings.history_retention_days, settings.event_retention_days, settings.rate_limits, settings.webhook_disable_after_days],
      ['off', 'stripe', 90, 7, { 'count.client': { max: 10, window_seconds: 60 }, 'atlas.concurrent': { max: 5, window_seconds: 0 } }, 3],
    );
    assert.equal(settings.asset_account, null, "a tenant cannot join an Asset account itself: only the host admin sets it");
    const refused = await browser.submit('/console/settings', '/console/settings', { email_uniqueness: 'off', native_rate_limits: 'off', history_retention_days: '', event_retention_days: '7', webhook_disable_after_days: '5', rate_limits: 'nope=1/1' });
    assert.equal(refused.status, 400);
    assert.match(textOf(refused.text), /unknown rate limit (&#39;|')nope/);

    const rolled = await browser.submit('/console/settings', '/console/settings/roll-key', { grace: '3600' });
    const newKey = /<code class="secret">(sk_test_[^<]+)<\/code>/.exec(rolled.text)![1]!;
    assert.equal((await server.request('GET', '/v1/customers', { key: newKey })).status, 200);
    assert.equal((await server.request('GET', '/v1/customers', { key: tenant.keys.test })).status, 200, 'the old key keeps working through its grace');
    assert.equal((await browser.get('/console/settings')).status, 200, 'so does the session it opened');
  });

  it('a delivery that failed is retried now from its endpoint\'s page', async () => {
    let fail = true;
    const receiver = await startReceiver(() => ({ status: fail ? 500 : 200 }));
    try {
      const browser = new ConsoleClient(server.url);
      await browser.signIn(server.tenant.keys.test);
      const created = await browser.submit('/console/webhooks', '/console/webhooks', { url: receiver.url, events: ['customer.created'] });
      assert.match(created.text, /whsec_/);
      const endpoint = /href="\/console\/webhooks\/(we_[^"]+)"/.exec(created.text)![1]!;
      await server.request('POST', '/v1/customers', { form: 'name=Retry+Me' });
      await receiver.waitFor((r) => r.length >= 1, 10_000, 'the first attempt');
      fail = false;
      let page = await browser.get(`/console/webhooks/${endpoint}`);
      for (let i = 0; i < 20 && !/action="[^"]+\/retry"/.test(page.text); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        page = await browser.get(`/console/webhooks/${endpoint}`);
      }
      const action = /action="([^"]+\/retry)"/.exec(page.text)![1]!;
      assert.equal((await browser.post(action, { _csrf: csrfIn(page.text, action) })).status, 303);
      await receiver.waitFor((r) => r.length >= 2, 10_000, 'the retry');
      const rolled = await browser.submit(`/console/webhooks/${endpoint}`, `/console/webhooks/${endpoint}/roll-secret`, {});
      assert.match(rolled.text, /New signing secret[\s\S]*whsec_/);
    } finally {
      await receiver.close();
    }
  });

  it("a workspace's connected applications, and revoking one: its tokens stop at once, other workspaces' stay", async () => {
    const tenant = await server.newTenant('Connected');
    const other = await server.newTenant('Also connected');
    const { app: partner, secret } = await server.app.partners.createApp('Ledgerly', ['https://partner.example/cb']);
    const grant = async (t: typeof tenant) =>
      server.app.partners.exchangeCode(partner, await server.app.partners.issueCode(partner, 'https://partner.example/cb', (await server.store.getTenant(t.id))!, 'test'));
    const mine = await grant(tenant);
    const theirs = await grant(other);
    const api = (token: string) => new CountClient({ baseUrl: `${server.url}/count/partners`, clientId: partner.id, clientSecret: secret, headers: { authorization: `Bearer ${token}` } });
    assert.equal((await api(mine.accessToken).listCustomers()).status, 200);

    const browser = new ConsoleClient(server.url);
    await browser.signIn(tenant.keys.test);
    const settings = await browser.get('/console/settings');
    assert.match(textOf(settings.text), new RegExp(`Ledgerly ${partner.id}`));
    const action = /action="(\/console\/settings\/connections\/[0-9a-f]{24}\/revoke)"/.exec(settings.text)![1]!;
    const revoked = await browser.post(action, { _csrf: csrfIn(settings.text, action) });
    assert.equal(revoked.status, 303);
    assert.match((await browser.get(revoked.location!)).text, /access is revoked/);
    assert.equal((await api(mine.accessToken).listCustomers()).status, 401);
    const refresh = await new CountClient({ baseUrl: `${server.url}/count/partners`, clientId: partner.id, clientSecret: secret }).request('POST', '/refresh-user-access-token', { refresh_token: mine.refreshToken });
    assert.equal(refresh.status, 403);
    assert.equal((await api(theirs.accessToken).listCustomers()).status, 200, "another workspace's consent is untouched");
    assert.equal((await browser.post(action, { _csrf: csrfIn(settings.text, action) })).status, 404, 'gone already');
    // A workspace cannot revoke another's consent by its id, nor its own other mode's.
    const [foreign] = await server.app.partners.connections({ tenantId: other.id, mode: 'test' });
    const fresh = await browser.get('/console/settings');
    assert.equal((await browser.post(`/console/settings/connections/${foreign!.grantId}/revoke`, { _csrf: csrfIn(fresh.text, '/console/settings') })).status, 404);
    assert.equal((await api(theirs.accessToken).listCustomers()).status, 200);
    const live = new ConsoleClient(server.url);
    await live.signIn(other.keys.live);
    const livePage = await live.get('/console/settings');
    assert.doesNotMatch(livePage.text, /Ledgerly/, 'the live mode has no connection');
    assert.equal((await live.post(`/console/settings/connections/${foreign!.grantId}/revoke`, { _csrf: csrfIn(livePage.text, '/console/settings') })).status, 404);
    assert.equal((await api(theirs.accessToken).listCustomers()).status, 200);
  });

  it('a Count subscription made in the console: one event, its own secret, deliveries in Count\'s envelope', async () => {
    const receiver = await startReceiver();
    try {
      const browser = new ConsoleClient(server.url);
      await browser.signIn(server.tenant.keys.test);
      const two = await browser.submit('/console/webhooks', '/console/webhooks', { kind: 'count', url: receiver.url, events: ['customer.created', 'customer.updated'] });
      assert.equal(two.status, 400);
      assert.match(textOf(two.text), /exactly one event/);
      const made = await browser.submit('/console/webhooks', '/console/webhooks', { kind: 'count', url: receiver.url, events: ['customer.created'], secret: 'owner-chosen-secret' });
      assert.equal(made.status, 303, made.text.slice(0, 300));
      assert.match((await browser.get(made.location!)).text, /Count subscription/);
      await server.request('POST', '/v1/customers', { form: 'name=Counted' });
      await receiver.waitFor((r) => r.length >= 1, 10_000, 'the Count delivery');
      const delivery = receiver.received[0]!;
      assert.equal(JSON.parse(delivery.body).event, 'customer.created');
      const expected = createHmac('sha256', 'owner-chosen-secret').update(delivery.body).digest('hex');
      assert.equal(delivery.headers['x-webhook-signature'], `sha256=${expected}`);
    } finally {
      await receiver.close();
    }
  });

  it('the host admin creates a tenant (secrets shown once), changes its settings and rolls its client', async () => {
    const link = await server.app.consoleSessions.createAdminLink();
    const admin = new ConsoleClient(server.url);
    await admin.submit(`/console/admin-link?token=${link.token}`, '/console/admin-link', { token: link.token });
    const created = await admin.submit('/console/tenants', '/console/tenants', { name: 'Admin Made' });
    const key = /test key: <code class="secret">(sk_test_[^<]+)</.exec(created.text)![1]!;
    assert.equal((await server.request('GET', '/v1/customers', { key })).status, 200);
    const tenantId = new RegExp(`href="/console/tenants/(biz_[^"]+)">Admin Made<`).exec(created.text)![1]!;
    const saved = await admin.submit(`/console/tenants/${tenantId}`, `/console/tenants/${tenantId}/settings`, { email_uniqueness: 'off', native_rate_limits: 'off', history_retention_days: '', event_retention_days: '30', webhook_disable_after_days: '10', asset_account: 'acme-group', rate_limits: '' });
    assert.equal(saved.status, 303);
    const stored = (await server.store.getTenant(fromPrefixed('biz', tenantId)!))!.settings;
    assert.deepEqual([stored.email_uniqueness, stored.asset_account, stored.webhook_disable_after_days], ['off', 'acme-group', 10]);
    const rolled = await admin.submit(`/console/tenants/${tenantId}`, `/console/tenants/${tenantId}/roll`, { what: 'client', mode: 'live', grace: '0' });
    assert.match(rolled.text, /New live client credentials[\s\S]*cli_live_/);
  });
});
