/**
 * The console's defences, over HTTP: cookies, CSRF, sign-in limits, sessions that end (sign-out,
 * a rolled key, a spent admin link), tenant and mode isolation, escaping, headers, no open
 * redirect. On both stores (test/run.ts runs test/console on each).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.ts';
import { openTestStore } from '../helpers/stores.ts';
import { ConsoleClient, csrfIn } from './console-client.ts';

describe('console: security', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server?.close());

  it('the session cookie is HttpOnly, SameSite=Strict, scoped to /console, eight hours; the page has a CSP without inline scripts', async () => {
    const browser = new ConsoleClient(server.url);
    const signedIn = await browser.signIn(server.tenant.keys.test);
    const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('clientele_session='))!;
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Strict/);
    assert.match(cookie, /; Path=\/console/);
    assert.match(cookie, /; Max-Age=28800/);
    assert.doesNotMatch(cookie, /; Secure/, 'plain HTTP here; Secure under TLS');
    const page = await browser.get('/console/customers');
    const csp = page.headers.get('content-security-policy')!;
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.doesNotMatch(page.text, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script element');
    assert.doesNotMatch(page.text, /\son[a-z]+="/i, 'no inline event handler');
    assert.doesNotMatch(page.text, /style="/, 'no inline style');
  });

  it('every form needs its CSRF token: without it, or with another session\'s, nothing is written', async () => {
    const browser = new ConsoleClient(server.url);
    await browser.signIn(server.tenant.keys.test);
    const email = `csrf.${Date.now()}@example.com`;
    for (const token of [undefined, 'forged', csrfIn((await new ConsoleClient(server.url).get('/console/sign-in')).text, '/console/sign-in')]) {
      const res = await browser.post('/console/customers', { ...(token ? { _csrf: token } : {}), email });
      assert.equal(res.status, 403, res.text.slice(0, 200));
    }
    const other = new ConsoleClient(server.url);
    await other.signIn(server.tenant.keys.test);
    const foreignToken = csrfIn((await other.get('/console/customers/new')).text, '/console/customers');
    assert.equal((await browser.post('/console/customers', { _csrf: foreignToken, email })).status, 403);
    assert.equal((await server.request('GET', `/v1/customers?email=${encodeURIComponent(email)}`)).body.data.length, 0);
    // The sign-in form itself: a double-submit token.
    const blind = await fetch(`${server.url}/console/sign-in`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `key=${server.tenant.keys.test}` });
    assert.equal(blind.status, 403);
    assert.equal(blind.headers.getSetCookie().some((c) => c.startsWith('clientele_session=')), false);
  });

  it('failed sign-ins are limited per address: after 10 in five minutes, a 429, even with a good key', async () => {
    const fresh = await startServer(undefined, { store: { store: server.store, kind: server.storeKind } });
    try {
      const browser = new ConsoleClient(fresh.url);
      for (let i = 0; i < 10; i++) assert.equal((await browser.submit('/console/sign-in', '/console/sign-in', { key: `sk_test_wrong${i}` })).status, 401);
      const limited = await browser.submit('/console/sign-in', '/console/sign-in', { key: server.tenant.keys.test });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
    } finally {
      await fresh.close();
    }
  });

  it('sign-out ends the session on the server: the old cookie no longer opens anything', async () => {
    const browser = new ConsoleClient(server.url);
    await browser.signIn(server.tenant.keys.test);
    const stolen = browser.cookieHeader();
    const out = await browser.submit('/console/customers', '/console/sign-out', {});
    assert.equal(out.status, 303);
    const replay = await fetch(`${server.url}/console/customers`, { redirect: 'manual', headers: { cookie: stolen } });
    assert.equal(replay.status, 303);
    assert.match(replay.headers.get('location')!, /^\/console\/sign-in/);
  });

  it('a session ends when the key it signed in with stops working', async () => {
    const tenant = await server.newTenant('Rolled console');
    const browser = new ConsoleClient(server.url);
    await browser.signIn(tenant.keys.test);
    assert.equal((await browser.get('/console/customers')).status, 200);
    await server.tenants.rollKey(tenant.id, 'test', 0);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // expiry is in whole seconds
    assert.equal((await browser.get('/console/customers')).status, 303);
  });

  it('a tenant sees its own customers in its own mode only', async () => {
    const other = await server.newTenant('Other console');
    const theirs = await server.request('POST', '/v1/customers', { key: other.keys.test, form: 'name=Theirs&email=theirs%40example.com' });
    const live = await server.request('POST', '/v1/customers', { key: server.tenant.keys.live, form: 'name=LiveOne' });
    const browser = new ConsoleClient(server.url);
    await browser.signIn(server.tenant.keys.test);
    for (const id of [theirs.body.id, live.body.id]) {
      assert.equal((await browser.get(`/console/customers/${id}`)).status, 404);
      assert.equal((await browser.get(`/console/customers/${id}/edit`)).status, 404);
      const form = await browser.get('/console/customers/new');
      assert.equal((await browser.post(`/console/customers/${id}`, { _csrf: csrfIn(form.text, '/console/customers'), name: 'Hijacked' })).status, 404);
      assert.equal((await browser.post(`/console/customers/${id}/delete`, { _csrf: csrfIn(form.text, '/console/customers') })).status, 404);
    }
    const list = await browser.get('/console/customers?q=Theirs');
    assert.doesNotMatch(list.text, new RegExp(`${theirs.body.id}|theirs@example`));
    assert.match(list.text, /No customers match/);
    assert.equal((await server.request('GET', `/v1/customers/${theirs.body.id}`, { key: other.keys.test })).body.name, 'Theirs');
  });

  it('tenant pages and admin pages are apart; a one-time link is spent by its first use', async () => {
    const tenantBrowser = new ConsoleClient(server.url);
    await tenantBrowser.signIn(server.tenant.keys.test);
    assert.equal((await tenantBrowser.get('/console/tenants')).status, 403);
    const link = await server.app.consoleSessions.createAdminLink();
    const admin = new ConsoleClient(server.url);
    const opened = await admin.submit(`/console/admin-link?token=${link.token}`, '/console/admin-link', { token: link.token });
    assert.equal(opened.status, 303);
    assert.equal(opened.location, '/console/tenants');
    assert.equal((await admin.get('/console/tenants')).status, 200);
    assert.equal((await admin.get('/console/customers')).status, 403);
    const again = new ConsoleClient(server.url);
    assert.equal((await again.submit(`/console/admin-link?token=${link.token}`, '/console/admin-link', { token: link.token })).status, 400);
    assert.equal((await new ConsoleClient(server.url).get('/console/tenants')).status, 303, 'signed out: to the sign-in page');
  });

  it('a store that does not answer: a 503 page that says so, and no stack or detail of the error', async () => {
    const own = await openTestStore(server.storeKind);
    const down = await startServer(own.kind, { store: { store: own.store, kind: own.kind } });
    try {
      const tenant = await down.newTenant('Going down');
      const browser = new ConsoleClient(down.url);
      await browser.signIn(tenant.keys.test);
      await own.store.close();
      const page = await browser.get('/console/customers');
      assert.equal(page.status, 503);
      assert.match(page.text, /not answering/);
      assert.doesNotMatch(page.text, /at .*\.ts:\d+|Error:/);
    } finally {
      await down.close().catch(() => {});
      await own.destroy().catch(() => {});
    }
  });

  it('the consent page never redirects to a URI the application did not register, and only the chosen workspace gets a code', async () => {
    const { app: partner } = await server.app.partners.createApp('Consent check', ['https://partner.example/cb']);
    const browser = new ConsoleClient(server.url);
    await browser.signIn(server.tenant.keys.test);
    const ask = (q: Record<string, string>) => browser.get(`/console/oauth/authorize?${new URLSearchParams(q)}`);
    const refused: Record<string, string>[] = [
      { clientId: partner.id, redirectUri: 'https://evil.example/cb', state: 's' },
      { clientId: partner.id, redirectUri: 'https://partner.example/cb' },
      { clientId: 'pcl_' + '0'.repeat(24), redirectUri: 'https://partner.example/cb', state: 's' },
    ];
    for (const q of refused) {
      const page = await ask(q);
      assert.equal(page.status, 400, JSON.stringify(q));
      assert.equal(page.location, null);
    }
    const good = await ask({ clientId: partner.id, redirectUri: 'https://partner.example/cb', state: 's' });
    assert.equal(good.status, 200);
    assert.match(good.headers.get('content-security-policy')!, /form-action 'self' https:\/\/partner\.example;/);
    const csrf = csrfIn(good.text, '/console/oauth/authorize');
    const tampered = await browser.post('/console/oauth/authorize', { _csrf: csrf, clientId: partner.id, redirectUri: 'https://evil.example/cb', state: 's', decision: 'approve', workspace: `${server.tenant.wireId}:test` });
    assert.equal(tampered.status, 400);
    assert.equal(tampered.location, null);
    const other = await server.newTenant('Not mine');
    const foreign = await browser.post('/console/oauth/authorize', { _csrf: csrf, clientId: partner.id, redirectUri: 'https://partner.example/cb', state: 's', decision: 'approve', workspace: `${other.wireId}:test` });
    assert.equal(foreign.status, 400, 'a tenant key consents for its own workspace only');
    const live = await browser.post('/console/oauth/authorize', { _csrf: csrf, clientId: partner.id, redirectUri: 'https://partner.example/cb', state: 's', decision: 'approve', workspace: `${server.tenant.wireId}:live` });
    assert.equal(live.status, 400, 'and its own mode only');
    const approved = await browser.post('/console/oauth/authorize', { _csrf: csrf, clientId: partner.id, redirectUri: 'https://partner.example/cb', state: 's', decision: 'approve', workspace: `${server.tenant.wireId}:test` });
    assert.equal(approved.status, 303);
    assert.match(approved.location!, /^https:\/\/partner\.example\/cb\?code=pac_[^&]+&state=s$/);
    assert.equal((await browser.post('/console/oauth/authorize', { clientId: partner.id, redirectUri: 'https://partner.example/cb', state: 's', decision: 'approve', workspace: `${server.tenant.wireId}:test` })).status, 403, 'no CSRF token, no code');
  });

  it('text from customers is escaped; the next parameter never leaves the console', async () => {
    await server.request('POST', '/v1/customers', { form: `name=${encodeURIComponent('<script>alert(1)</script><img src=x onerror=alert(2)>')}&email=xss%40example.com` });
    const browser = new ConsoleClient(server.url);
    await browser.signIn(server.tenant.keys.test);
    const list = await browser.get('/console/customers?q=xss%40example.com');
    assert.match(list.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src=x onerror=alert\(2\)&gt;/);
    assert.doesNotMatch(list.text, /<script>alert|<img src=x/);
    // A notice comes by code only: a crafted link cannot make the console say something else.
    const spoof = await browser.get('/console/customers?done=Your+account+is+locked%3A+call+555-0100');
    assert.doesNotMatch(spoof.text, /account is locked/);
    assert.match((await browser.get('/console/customers?done=customer_deleted')).text, /role="status">Customer deleted\.</);
    for (const next of ['https://evil.example/', '//evil.example/', '/\\evil.example', '/v1/customers']) {
      const b = new ConsoleClient(server.url);
      const res = await b.submit(`/console/sign-in?next=${encodeURIComponent(next)}`, '/console/sign-in', { key: server.tenant.keys.test, next });
      assert.equal(res.location, '/console/customers', next);
    }
  });
});
