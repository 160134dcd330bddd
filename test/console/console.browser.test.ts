/**
 * The console in a real browser (playwright-core driving Debian's Chromium, headless): sign in,
 * find a customer by search, edit it with a validation error shown beside its field, see the
 * edit in the history; create a webhook endpoint and see its delivery; a customer named
 * `<script>…` stays text; Count's whole OAuth flow with the consent in the browser; an axe-core
 * scan of every page. Screenshots for the README: CONSOLE_SCREENSHOTS=1.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.ts';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';
import { CountClient } from '../surfaces/count/count-client.ts';
import { axeViolations, CHROMIUM_SKIP, launch } from './browser.ts';

const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS === '1' ? join(import.meta.dirname, '..', '..', 'docs') : null;

describe('console in Chromium', { skip: CHROMIUM_SKIP ?? false }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const cspViolations: string[] = [];

  before(async () => {
    server = await startServer();
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const signIn = async (key: string) => {
    await page.goto(`${server.url}/console`);
    assert.match(page.url(), /\/console\/sign-in/);
    await page.getByLabel('Secret key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/console\/customers/);
  };

  it('sign in, search, edit with a validation error beside the field, see the edit in the history', async () => {
    for (const [name, email] of [['Ada Lovelace', 'ada@example.com'], ['Grace Hopper', 'grace@example.com'], ['Alan Turing', 'alan@example.com']]) {
      await server.request('POST', '/v1/customers', { form: new URLSearchParams({ name: name!, email: email!, phone: '+44 20 7946 0000', 'metadata[plan]': 'pro', 'address[city]': 'London', 'address[country]': 'GB' }).toString() });
    }
    await signIn(server.tenant.keys.test);
    const rows = (n: number) => page.waitForFunction((count) => document.querySelectorAll('#results tbody tr').length === count, n);
    await rows(3);
    await page.getByRole('searchbox', { name: 'Search' }).fill('grace');
    // htmx swaps the table as one types, and puts the search in the URL.
    await page.waitForURL(/q=grace/);
    await rows(1);
    assert.equal(await page.locator('#results tbody a').innerText(), 'Grace Hopper');
    // Stripe's query language works in the same box.
    await page.getByRole('searchbox', { name: 'Search' }).fill('email:"alan@example.com"');
    await page.waitForURL(/q=email/);
    await rows(1);
    assert.equal(await page.locator('#results tbody a').innerText(), 'Alan Turing');
    await page.getByRole('searchbox', { name: 'Search' }).fill('grace');
    await page.locator('#results a', { hasText: 'Grace Hopper' }).click();
    await page.waitForURL(/\/console\/customers\/cus_/);
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'console-customer.png'), fullPage: true });

    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('E-mail').fill('grace-at-example');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const error = page.locator('#err-email');
    await error.waitFor();
    assert.match(await error.innerText(), /Invalid email address/);
    assert.equal(await page.getByLabel('E-mail').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('E-mail').getAttribute('aria-describedby'), 'err-email');
    await page.getByLabel('E-mail').fill('grace.hopper@example.com');
    await page.getByLabel('Phone').fill('+1 202 555 0100');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/\/console\/customers\/cus_[^/]+\?done=/);
    assert.match(await page.getByRole('status').innerText(), /Changes saved/);
    const history = page.locator('.timeline li').first();
    assert.match(await history.innerText(), /v2 updated/);
    assert.match(await history.innerText(), /console/);
    assert.match(await history.innerText(), /grace@example\.com/);
    assert.match(await history.innerText(), /grace\.hopper@example\.com/);
    const id = /\/customers\/(cus_[^?/]+)/.exec(page.url())![1]!;
    const api = await server.request('GET', `/v1/customers/${id}`);
    assert.equal(api.body.email, 'grace.hopper@example.com');
    assert.equal(api.body.phone, '+1 202 555 0100');
    assert.equal(api.body.metadata.plan, 'pro', 'fields the form showed unchanged stay');
  });

  it('create a webhook endpoint and see its delivery', async () => {
    const receiver: Receiver = await startReceiver();
    try {
      await page.goto(`${server.url}/console/webhooks`);
      await page.getByLabel('URL').fill(receiver.url);
      await page.getByLabel('customer.created').check();
      await page.getByRole('button', { name: 'Create endpoint' }).click();
      const secret = await page.locator('.notice code.secret').innerText();
      assert.match(secret, /^whsec_/);
      await page.goto(`${server.url}/console/customers/new`);
      await page.getByLabel('Name').fill('Hooked Ltd');
      await page.getByLabel('E-mail').fill('hooked@example.com');
      await page.getByRole('button', { name: 'Create customer' }).click();
      await page.waitForURL(/\/console\/customers\/cus_/);
      await receiver.waitFor((r) => r.length >= 1, 10_000, 'the delivery');
      assert.equal(JSON.parse(receiver.received[0]!.body).type, 'customer.created');
      await page.goto(`${server.url}/console/webhooks`);
      await page.getByRole('link', { name: receiver.url }).click();
      for (let i = 0; i < 20 && !(await page.locator('.delivery', { hasText: 'succeeded' }).count()); i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        await page.reload();
      }
      const delivery = page.locator('.delivery').first();
      assert.match(await delivery.innerText(), /succeeded/);
      assert.match(await delivery.innerText(), /200/);
      // The customer's page shows its event and where it went.
      await page.goto(`${server.url}/console/customers?q=hooked`);
      await page.locator('#results a', { hasText: 'Hooked Ltd' }).click();
      assert.match(await page.locator('.event').first().innerText(), /customer\.created[\s\S]*succeeded/);
    } finally {
      await receiver.close();
    }
  });

  it('a customer named <script>… renders as text', async () => {
    const name = '<script>alert("xss")</script><img src=x onerror="alert(1)">';
    const made = await server.request('POST', '/v1/customers', { form: new URLSearchParams({ name, email: 'script@example.com' }).toString() });
    await page.goto(`${server.url}/console/customers?q=script%40example.com`);
    assert.equal(await page.locator('#results a').first().innerText(), name);
    await page.goto(`${server.url}/console/customers/${made.body.id}`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), name);
    assert.deepEqual(dialogs, [], 'no script ran');
    assert.equal(await page.locator('img[src="x"]').count(), 0);
  });

  it("Count's OAuth end to end: initiate → consent in the browser → code → tokens → a signed, Bearer-carrying request → refresh → the old refresh token refused", async () => {
    const callbacks: URL[] = [];
    const callback: Server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/callback') callbacks.push(url);
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Partner</title><p>Connected</p>');
    });
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    try {
      const redirectUri = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
      const partner = await server.app.partners.createApp('Ledgerly', [redirectUri]);
      const initiate = await fetch(`${server.url}/count/auth2/authorize-initiate?${new URLSearchParams({ clientId: partner.app.id, redirectUri, state: 'opaque-42' })}`);
      const consentUrl = ((await initiate.json()) as { data: { redirectUri: string } }).data.redirectUri;

      // A fresh browser: the workspace owner signs in on the way.
      const owner = await context.browser()!.newContext();
      const tab = await owner.newPage();
      await tab.goto(consentUrl);
      assert.match(await tab.locator('h1').innerText(), /Authorize Ledgerly/);
      await tab.getByRole('link', { name: 'Sign in to continue' }).click();
      await tab.getByLabel('Secret key').fill(server.tenant.keys.test);
      await tab.getByRole('button', { name: 'Sign in' }).click();
      await tab.waitForURL(/\/console\/oauth\/authorize/);
      assert.match(await tab.getByLabel('Workspace and mode').innerText(), /\(test\)/);
      await tab.getByRole('button', { name: 'Approve' }).click();
      await tab.waitForURL(/\/callback\?/);
      await owner.close();
      const back = callbacks.at(-1)!;
      assert.equal(back.searchParams.get('state'), 'opaque-42');
      const code = back.searchParams.get('code')!;
      assert.match(code, /^pac_/);

      const signer = new CountClient({ baseUrl: `${server.url}/count/partners`, clientId: partner.app.id, clientSecret: partner.secret });
      const exchanged = await signer.request('POST', '/grant-access-token', { grantType: 'authorization_code', code });
      assert.equal(exchanged.status, 200, exchanged.text);
      const tokens = exchanged.body.data.result;
      const api = new CountClient({ ...signer.options, headers: { authorization: `Bearer ${tokens.accessToken}` } });
      const listed = await api.listCustomers({ search: 'Grace' });
      assert.equal(listed.status, 200, listed.text);
      assert.equal(listed.body.data.records[0].customer, 'Grace Hopper');
      const refreshed = await signer.request('POST', '/refresh-user-access-token', { grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
      assert.equal(refreshed.status, 200, refreshed.text);
      const stale = await signer.request('POST', '/refresh-user-access-token', { grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
      assert.equal(stale.status, 403);
      assert.equal(stale.body.code, 'INVALID_REFRESH_TOKEN');
      const fresh = new CountClient({ ...signer.options, headers: { authorization: `Bearer ${refreshed.body.data.result.accessToken}` } });
      assert.equal((await fresh.listCustomers()).status, 200);

      // Denied: back with error=access_denied and no code.
      const owner2 = await context.browser()!.newContext();
      const tab2 = await owner2.newPage();
      await tab2.goto(`${server.url}/console/sign-in`);
      await tab2.getByLabel('Secret key').fill(server.tenant.keys.test);
      await tab2.getByRole('button', { name: 'Sign in' }).click();
      await tab2.waitForURL(/\/console\/customers/);
      await tab2.goto(consentUrl);
      await tab2.getByRole('button', { name: 'Deny' }).click();
      await tab2.waitForURL(/\/callback\?/);
      await owner2.close();
      assert.equal(callbacks.at(-1)!.searchParams.get('error'), 'access_denied');
      assert.equal(callbacks.at(-1)!.searchParams.get('code'), null);
    } finally {
      callback.close();
    }
  });

  it('axe-core finds no serious or critical violation on any page, at desktop and phone widths', async () => {
    const link = await server.app.consoleSessions.createAdminLink();
    const customer = (await server.request('GET', '/v1/customers?limit=1')).body.data[0].id as string;
    const endpoint = (await server.request('GET', '/v1/webhook_endpoints?limit=1')).body.data[0].id as string;
    const pages = [
      '/console/customers', `/console/customers/${customer}`, `/console/customers/${customer}/edit`, `/console/customers/${customer}/delete`,
      '/console/customers/new', '/console/webhooks', `/console/webhooks/${endpoint}`, '/console/settings',
    ];
    const problems: string[] = [];
    for (const viewport of [{ width: 1200, height: 900 }, { width: 375, height: 740 }]) {
      await page.setViewportSize(viewport);
      for (const path of pages) {
        await page.goto(server.url + path);
        for (const v of await axeViolations(page)) {
          if (v.impact === 'serious' || v.impact === 'critical') problems.push(`${viewport.width}px ${path}: ${v.id} (${v.impact}) ${v.help} ${JSON.stringify(v.nodes.slice(0, 3))}`);
        }
      }
    }
    // Signed out, and the host admin's pages.
    const anonymous = await context.browser()!.newContext();
    const tab = await anonymous.newPage();
    for (const path of ['/console/sign-in', `/console/admin-link?token=${link.token}`]) {
      await tab.goto(server.url + path);
      for (const v of await axeViolations(tab)) if (v.impact === 'serious' || v.impact === 'critical') problems.push(`${path}: ${v.id} ${v.help}`);
    }
    await tab.getByRole('button', { name: 'Sign in as host admin' }).click();
    await tab.waitForURL(/\/console\/tenants/);
    const tenantPath = new URL(await tab.getByRole('link', { name: /./ }).filter({ has: tab.locator(':scope[href^="/console/tenants/biz_"]') }).first().getAttribute('href') ?? '/console/tenants', server.url).pathname;
    for (const path of ['/console/tenants', tenantPath]) {
      await tab.goto(server.url + path);
      for (const v of await axeViolations(tab)) if (v.impact === 'serious' || v.impact === 'critical') problems.push(`${path}: ${v.id} ${v.help}`);
    }
    await anonymous.close();
    assert.deepEqual(problems, []);
    await page.setViewportSize({ width: 1200, height: 900 });
    if (SCREENSHOTS) {
      await page.goto(`${server.url}/console/customers`);
      await page.screenshot({ path: join(SCREENSHOTS, 'console-customers.png') });
    }
    assert.deepEqual(cspViolations, [], 'the CSP blocked nothing the console needs');
  });
});
