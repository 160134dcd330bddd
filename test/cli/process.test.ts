/**
 * The process contract of the `clientele` CLI, as tools outside the repository see it: the real
 * `bin/clientele.js` spawned as child processes, each on its own temporary data directory.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { cliHarness, logMsg, withTimeout, type Served } from '../helpers/cli.ts';

/** 32 random bytes in base62 are at least 43 characters. */
const TEST_KEY = /^sk_test_[0-9A-Za-z]{43,}$/;
const LIVE_KEY = /^sk_live_[0-9A-Za-z]{43,}$/;
const ANY_KEY = /sk_(?:test|live)_[0-9A-Za-z]+/g;
const TENANT_ID = /^biz_[0-9A-Za-z]+$/;
const CHILD_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// Child processes and temp directories, always cleaned up

const { tempDir, cli, startServe } = cliHarness({ prefix: 'clientele-cli-', timeoutMs: CHILD_TIMEOUT_MS });

/** A command that must succeed and print exactly one JSON document on stdout. */
async function cliJson(dataDir: string, args: string[]): Promise<any> {
  const r = await cli(dataDir, args);
  assert.equal(r.code, 0, `clientele ${args.join(' ')} exited ${r.code}\nstderr: ${r.stderr}`);
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `clientele ${args.join(' ')} printed ${lines.length} lines, expected one JSON line:\n${r.stdout}`);
  return JSON.parse(lines[0]!);
}

// ---------------------------------------------------------------------------------------------
// HTTP against the child server

const bearer = (key: string) => `Bearer ${key}`;
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

interface Reply {
  status: number;
  body: any;
  text: string;
}

async function api(base: string, method: string, path: string, authorization: string | null, form?: Record<string, string>): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (authorization !== null) headers.authorization = authorization;
  let body: string | undefined;
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text };
}

/** Creates a customer; asserts 200. */
async function createCustomer(base: string, key: string, form: Record<string, string>): Promise<any> {
  const r = await api(base, 'POST', '/v1/customers', bearer(key), form);
  assert.equal(r.status, 200, `create failed: ${r.text}`);
  assert.equal(r.body.object, 'customer');
  return r.body;
}

async function listIds(base: string, key: string): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const r = await api(base, 'GET', `/v1/customers?limit=100${after ? `&starting_after=${after}` : ''}`, bearer(key));
    assert.equal(r.status, 200, r.text);
    for (const c of r.body.data as { id: string }[]) ids.push(c.id);
    if (!r.body.has_more) return ids;
    after = ids[ids.length - 1];
  }
}

async function assertUnauthenticated(base: string, key: string, message: string): Promise<void> {
  const r = await api(base, 'GET', '/v1/customers', bearer(key));
  assert.equal(r.status, 401, `${message}: ${r.text}`);
  assert.equal(r.body?.error?.type, 'invalid_request_error', message);
}

async function assertWorks(base: string, key: string, message: string): Promise<void> {
  const r = await api(base, 'GET', '/v1/customers', bearer(key));
  assert.equal(r.status, 200, `${message}: ${r.text}`);
  assert.equal(r.body.object, 'list', message);
}

type RawOutcome = { status: number; text: string } | { error: string };

/** One request on a fresh connection (no keep-alive pool): what a new client would get. */
function freshRequest(port: number, host: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const req = httpRequest(
      { host, port, path, method: init.method ?? 'GET', agent: false, headers: { connection: 'close', ...(init.headers ?? {}) }, timeout: 5000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end(init.body);
  });
}

function errorCode(err: unknown): string {
  const e = err as { code?: string; name?: string; cause?: { code?: string; name?: string; message?: string } };
  return e.cause?.code ?? e.code ?? e.cause?.name ?? e.name ?? String(err);
}

/** Whether this machine can bind the address (127.0.0.2 is local on Linux, not on macOS). */
function canBind(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(0, host, () => s.close(() => resolve(true)));
  });
}

function sqliteBytes(dataDir: string): Buffer {
  const files = readdirSync(dataDir).filter((f) => f.startsWith('clientele.sqlite'));
  assert.ok(files.includes('clientele.sqlite'), `no clientele.sqlite in the data dir: ${files.join(', ')}`);
  return Buffer.concat(files.map((f) => readFileSync(join(dataDir, f))));
}

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

// ---------------------------------------------------------------------------------------------

describe('clientele serve + tenants/keys commands on one data dir', () => {
  let dir: string;
  let server: Served;
  /** The default tenant's keys, from serve's banner. */
  let defaultKeys: { test: string; live: string };
  let defaultTenantId: string;
  let acme: { id: string; keys: { test: string; live: string }; clients: Record<'test' | 'live', { client_id: string; client_secret: string }> };
  /** The default tenant's second test key (the first one still works for an hour). */
  let gracedKey: string;
  /** Every secret key any command printed. */
  const printedKeys: string[] = [];

  before(async () => {
    dir = tempDir();
    server = await startServe(dir);
  });
  after(async () => {
    if (server) await server.stop().catch(() => undefined);
  });

  it('first start on an empty store creates tenant "default" and prints its test and live keys once', () => {
    const keys = server.banner.match(ANY_KEY) ?? [];
    assert.equal(keys.length, 2, `expected exactly two keys in the banner:\n${server.banner}`);
    const test = keys.find((k) => k.startsWith('sk_test_'));
    const live = keys.find((k) => k.startsWith('sk_live_'));
    assert.ok(test && live, `one test and one live key expected:\n${server.banner}`);
    assert.match(test, TEST_KEY);
    assert.match(live, LIVE_KEY);
    assert.notEqual(test.slice('sk_test_'.length), live.slice('sk_live_'.length));
    assert.match(server.banner, /"default"/);
    const id = /\b(biz_[0-9A-Za-z]+)\b/.exec(server.banner)?.[1];
    assert.ok(id, `the banner names the tenant id:\n${server.banner}`);
    defaultKeys = { test, live };
    defaultTenantId = id;
    printedKeys.push(test, live);
  });

  it('keeps the keys file, the data directory and the database files private to this user', () => {
    assert.ok(server.keysFile, 'stdout is not a terminal: the keys go to a file the log names');
    assert.equal(dirname(server.keysFile), dir);
    assert.match(server.stdout(), /"keysFile":/);
    const mode = (path: string) => statSync(path).mode & 0o777;
    assert.equal(mode(server.keysFile), 0o600);
    assert.equal(mode(dir), 0o700);
    for (const name of readdirSync(dir)) {
      if (statSync(join(dir, name)).isFile()) assert.equal(mode(join(dir, name)), 0o600, name);
    }
    assert.ok(existsSync(join(dir, 'clientele.sqlite-wal')), 'sanity: the WAL exists');
  });

  it('PORT=0 listens on an ephemeral port, on 127.0.0.1 when HOST is unset', async () => {
    assert.equal(server.host, '127.0.0.1');
    assert.ok(server.port > 0 && server.port !== 4242, `port ${server.port}`);
    // Not reachable on a non-loopback address of this machine, when it has one.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external) {
      const r = await freshRequest(server.port, external.address, '/healthz');
      assert.ok('error' in r, `the default bind must be loopback only, but ${external.address}:${server.port} answered ${JSON.stringify(r)}`);
    }
  });

  it('GET /healthz → 200 {"status":"ok"}', async () => {
    const r = await api(server.url, 'GET', '/healthz', null);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'ok' });
  });

  it('the printed test key authenticates, as Bearer and as HTTP Basic user name', async () => {
    for (const authorization of [bearer(defaultKeys.test), basic(defaultKeys.test)]) {
      const r = await api(server.url, 'GET', '/v1/customers', authorization);
      assert.equal(r.status, 200, `${authorization.split(' ')[0]}: ${r.text}`);
      assert.equal(r.body.object, 'list');
      assert.ok(Array.isArray(r.body.data));
    }
    const none = await api(server.url, 'GET', '/v1/customers', null);
    assert.equal(none.status, 401);
    assert.equal(none.body.error.type, 'invalid_request_error');
  });

  it('the live key sees the live data set, not the test one', async () => {
    const made = await createCustomer(server.url, defaultKeys.test, { email: 'mode@example.com', description: 'test mode' });
    assert.equal(made.livemode, false);
    assert.ok((await listIds(server.url, defaultKeys.test)).includes(made.id));
    assert.ok(!(await listIds(server.url, defaultKeys.live)).includes(made.id), 'a test-mode customer is listed with the live key');
    const viaLive = await api(server.url, 'GET', `/v1/customers/${made.id}`, bearer(defaultKeys.live));
    assert.equal(viaLive.status, 404, viaLive.text);
    const live = await createCustomer(server.url, defaultKeys.live, { email: 'mode@example.com' });
    assert.equal(live.livemode, true);
    assert.ok(!(await listIds(server.url, defaultKeys.test)).includes(live.id));
  });

  it('email uniqueness is enforced by default: the second customer with one e-mail gets 409', async () => {
    await createCustomer(server.url, defaultKeys.test, { email: 'twice@example.com' });
    const r = await api(server.url, 'POST', '/v1/customers', bearer(defaultKeys.test), { email: 'twice@example.com' });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.body.error.code, 'resource_already_exists');
    assert.equal(r.body.error.param, 'email');
    assert.equal(r.body.error.type, 'invalid_request_error');
  });

  it('tenants create --json prints one JSON object while the server runs; its keys work there at once', async () => {
    const out = await cliJson(dir, ['tenants', 'create', '--name', 'Acme', '--json']);
    assert.deepEqual(Object.keys(out), ['tenant', 'keys', 'clients']);
    assert.deepEqual(Object.keys(out.tenant), ['id', 'name']);
    assert.deepEqual(Object.keys(out.keys), ['test', 'live']);
    for (const mode of ['test', 'live'] as const) {
      assert.deepEqual(Object.keys(out.clients[mode]), ['client_id', 'client_secret']);
      assert.match(out.clients[mode].client_id, new RegExp(`^cli_${mode}_[0-9A-Za-z]{20,}$`));
      assert.match(out.clients[mode].client_secret, new RegExp(`^cs_${mode}_[0-9A-Za-z]{43,}$`));
    }
    // Client secrets are encrypted with a key file only this user can read, and never stored in clear.
    assert.equal(statSync(join(dir, 'master.key')).mode & 0o777, 0o600);
    assert.ok(!sqliteBytes(dir).toString('latin1').includes(out.clients.test.client_secret), 'client secret stored in clear');
    assert.match(out.tenant.id, TENANT_ID);
    assert.notEqual(out.tenant.id, defaultTenantId);
    assert.equal(out.tenant.name, 'Acme');
    assert.match(out.keys.test, TEST_KEY);
    assert.match(out.keys.live, LIVE_KEY);
    assert.equal(new Set([...printedKeys, out.keys.test, out.keys.live]).size, printedKeys.length + 2, 'keys are all distinct');
    acme = { id: out.tenant.id, keys: { test: out.keys.test, live: out.keys.live }, clients: out.clients };
    printedKeys.push(acme.keys.test, acme.keys.live);

    // No restart: the running server knows the new tenant.
    await assertWorks(server.url, acme.keys.test, 'new test key on the running server');
    await assertWorks(server.url, acme.keys.live, 'new live key on the running server');
    // And it is a tenant of its own: it does not see the default tenant's customers.
    assert.deepEqual(await listIds(server.url, acme.keys.test), []);
  });

  it('tenants list --json lists both tenants; tenants update --email-uniqueness off takes effect at once', async () => {
    const [list, updated] = await Promise.all([
      cliJson(dir, ['tenants', 'list', '--json']),
      // Concurrent on purpose: `list` may see Acme's setting before or after the update.
      cliJson(dir, ['tenants', 'update', '--tenant', acme.id, '--email-uniqueness', 'off', '--json']),
    ]);
    assert.ok(Array.isArray(list), `tenants list --json prints an array: ${JSON.stringify(list)}`);
    assert.deepEqual(
      (list as { id: string; name: string }[]).map((t) => [t.id, t.name]).sort(),
      [[defaultTenantId, 'default'], [acme.id, 'Acme']].sort(),
    );
    const listedDefault = (list as { id: string; settings: { email_uniqueness: string } }[]).find((t) => t.id === defaultTenantId);
    assert.equal(listedDefault?.settings.email_uniqueness, 'enforced');

    assert.equal(updated.id, acme.id);
    assert.equal(updated.settings.email_uniqueness, 'off');
    // The running server applies the new setting without a restart.
    const a = await createCustomer(server.url, acme.keys.test, { email: 'shared@example.com' });
    const b = await createCustomer(server.url, acme.keys.test, { email: 'shared@example.com' });
    assert.notEqual(a.id, b.id);
    // The default tenant still enforces.
    await createCustomer(server.url, defaultKeys.test, { email: 'shared@example.com' });
    const dup = await api(server.url, 'POST', '/v1/customers', bearer(defaultKeys.test), { email: 'shared@example.com' });
    assert.equal(dup.status, 409, dup.text);
    assert.equal(dup.body.error.code, 'resource_already_exists');
    assert.equal(dup.body.error.param, 'email');
  });

  it('clients roll: the old client gets no more tokens, the new one does, the other mode is untouched', async () => {
    const grant = async (c: { client_id: string; client_secret: string }) =>
      (
        await fetch(`${server.url}/asset/v0/auth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ ...c, grant_type: 'client_credentials', business_id: acme.id }).toString(),
        })
      ).status;
    assert.equal(await grant(acme.clients.test), 200);
    const out = await cliJson(dir, ['clients', 'roll', '--tenant', acme.id, '--mode', 'test', '--json']);
    assert.deepEqual(Object.keys(out), ['tenant', 'mode', 'client_id', 'client_secret']);
    assert.match(out.client_id, /^cli_test_/);
    assert.notEqual(out.client_id, acme.clients.test.client_id);
    assert.equal(await grant(acme.clients.test), 401, 'the rolled client stops at once');
    assert.equal(await grant({ client_id: out.client_id, client_secret: out.client_secret }), 200);
    assert.equal(await grant(acme.clients.live), 200, 'live is untouched');
    acme.clients.test = { client_id: out.client_id, client_secret: out.client_secret };
    printedKeys.push(out.client_secret);
  });

  it('keys roll: the old key fails at once (401), the new one works, the other mode is untouched; --expire-in keeps the old key', async () => {
    const [rolled, graced] = await Promise.all([
      cliJson(dir, ['keys', 'roll', '--tenant', acme.id, '--mode', 'test', '--json']),
      cliJson(dir, ['keys', 'roll', '--tenant', defaultTenantId, '--mode', 'test', '--expire-in', '3600', '--json']),
    ]);
    for (const out of [rolled, graced]) {
      assert.equal(out.mode, 'test');
      assert.match(out.key, TEST_KEY);
      printedKeys.push(out.key);
    }
    assert.equal(rolled.tenant, acme.id);
    assert.equal(graced.tenant, defaultTenantId);
    assert.equal(new Set(printedKeys).size, printedKeys.length, 'rolled keys are new');

    await assertUnauthenticated(server.url, acme.keys.test, 'the rolled-over test key, with no grace period');
    await assertWorks(server.url, rolled.key, 'the new test key');
    await assertWorks(server.url, acme.keys.live, 'the live key after rolling the test key');
    // The new key reaches the same data as the old one did.
    assert.equal((await listIds(server.url, rolled.key)).length, 2);

    await assertWorks(server.url, defaultKeys.test, 'the old test key within --expire-in 3600');
    await assertWorks(server.url, graced.key, 'the new test key (with a grace period on the old)');
    await assertWorks(server.url, defaultKeys.live, 'the default live key');
    acme.keys.test = rolled.key;
    gracedKey = graced.key;
  });

  it('secret keys are never stored or logged in clear', async () => {
    const bytes = sqliteBytes(dir).toString('latin1');
    assert.ok(bytes.includes('Acme'), 'sanity: the store files hold the tenants');
    for (const key of printedKeys) {
      assert.ok(!bytes.includes(key), `a secret key is stored in clear in the SQLite files: ${key.slice(0, 12)}…`);
      // Not even the random part without its prefix.
      assert.ok(!bytes.includes(key.slice(8)), `the random part of a secret key is stored in the SQLite files: ${key.slice(0, 12)}…`);
    }
    // The server printed the default keys once (the banner) and no key ever since, though
    // every key has been presented to it in Authorization headers by now.
    const logs = server.stdout();
    for (const key of printedKeys) {
      assert.equal(occurrences(logs, key), 0, `a secret key appears in the server's log: ${key.slice(0, 12)}…`);
      assert.equal(occurrences(server.stderr(), key), 0, `a secret key appears on the server's stderr: ${key.slice(0, 12)}…`);
    }
    // Not even the first start's: stdout is the JSON log, which log shippers collect.
    assert.equal(occurrences(server.stdout(), defaultKeys.test), 0);
    assert.equal(occurrences(server.stdout(), defaultKeys.live), 0);
  });

  /** What each request of the SIGTERM burst got. */
  type Outcome =
    | { kind: 'ok'; id: string; description: string }
    | { kind: 'status'; status: number; text: string }
    /** The connection failed before any response arrived. */
    | { kind: 'no-response'; code: string }
    /** Headers arrived, then the body was cut off. */
    | { kind: 'torn'; code: string };
  const burstOutcomes: Outcome[] = [];
  /** 127.0.0.2 is local on Linux, not on macOS; there, HOST is still set, to 127.0.0.1. */
  let restartHost = '127.0.0.1';
  before(async () => {
    if (await canBind('127.0.0.2')) restartHost = '127.0.0.2';
  });

  it('SIGTERM during a burst of creates: stops accepting, exits 0, no response torn, every acknowledged create durable', async (t) => {
    const N = 50;
    let signalFirst!: () => void;
    const firstSettled = new Promise<void>((resolve) => (signalFirst = resolve));
    const burst = Array.from({ length: N }, async (_, i) => {
      let res: Response;
      try {
        res = await fetch(`${server.url}/v1/customers`, {
          method: 'POST',
          headers: { authorization: bearer(defaultKeys.test), 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ email: `burst-${i}@example.com`, description: `burst ${i}`, 'metadata[burst]': String(i) }).toString(),
        });
      } catch (err) {
        burstOutcomes[i] = { kind: 'no-response', code: errorCode(err) };
        signalFirst();
        return;
      }
      try {
        const text = await res.text();
        if (res.status === 200) {
          const body = JSON.parse(text) as { id: string; description: string };
          burstOutcomes[i] = { kind: 'ok', id: body.id, description: body.description };
        } else {
          burstOutcomes[i] = { kind: 'status', status: res.status, text };
        }
      } catch (err) {
        burstOutcomes[i] = { kind: 'torn', code: errorCode(err) };
      } finally {
        signalFirst();
      }
    });

    // Once the server has answered one request of the burst, the rest are in flight: stop it now.
    await firstSettled;
    assert.ok(server.child.kill('SIGTERM'));
    await server.waitForLine((l) => /shutting down/.test(logMsg(l) ?? ''), 5000, 'shutdown log line');
    // A new client after the shutdown began is not served.
    const late = await freshRequest(server.port, server.host, '/v1/customers', {
      method: 'POST',
      headers: { authorization: bearer(defaultKeys.test), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'description=late',
    });
    await Promise.all(burst);
    const exit = await withTimeout(server.exited, 5000, 'serve exiting after SIGTERM');

    const of = <K extends Outcome['kind']>(kind: K) => burstOutcomes.filter((o): o is Extract<Outcome, { kind: K }> => o.kind === kind);
    const oks = of('ok');
    t.diagnostic(
      `burst of ${N}: ${oks.length} × 200; other statuses: [${of('status').map((s) => s.status).join(',')}]; ` +
        `no response: [${of('no-response').map((e) => e.code).join(',')}]; torn: [${of('torn').map((e) => e.code).join(',')}]; ` +
        `late request: ${JSON.stringify(late)}`,
    );

    assert.equal(burstOutcomes.filter(Boolean).length, N);
    assert.deepEqual(exit, { code: 0, signal: null }, `serve's exit after SIGTERM\nstderr: ${server.stderr()}`);
    assert.ok(!('status' in late && late.status === 200), `a request on a new connection after shutdown began was served: ${JSON.stringify(late)}`);
    assert.ok(oks.length > 0, 'sanity: some of the burst was served');
    for (const [i, o] of burstOutcomes.entries()) if (o.kind === 'ok') assert.equal(o.description, `burst ${i}`);
    assert.deepEqual(of('torn'), [], 'responses cut off mid-body during shutdown');
    for (const s of of('status')) {
      assert.ok(s.status >= 400, `unexpected status ${s.status}`);
      assert.doesNotThrow(() => JSON.parse(s.text), `an error response that is not JSON: ${s.status} ${s.text}`);
    }

    // Restart on the same data dir (bound to another loopback address where there is one, for the
    // HOST test below): no new keys, and every acknowledged customer is there.
    server = await startServe(dir, { HOST: restartHost });
    assert.deepEqual(server.banner.match(ANY_KEY) ?? [], [], `a second start printed keys:\n${server.banner}`);
    assert.doesNotMatch(server.banner, /Created tenant/);
    const stored = new Set(await listIds(server.url, defaultKeys.test));
    for (const ok of oks) assert.ok(stored.has(ok.id), `customer ${ok.id} got a 200 before shutdown but is gone after restart`);

    // And nothing was committed whose client did not get a 200, nor the late request.
    const burstStored: string[] = [];
    for (const id of stored) {
      const r = await api(server.url, 'GET', `/v1/customers/${id}`, bearer(defaultKeys.test));
      if (typeof r.body?.metadata?.burst === 'string') burstStored.push(id);
      assert.notEqual(r.body?.description, 'late', 'the request sent after shutdown began was stored');
    }
    assert.deepEqual(burstStored.sort(), oks.map((o) => o.id).sort(), 'stored burst customers = the acknowledged ones');

    // The keys issued before the restart still work (they are in the store, not the process).
    await assertWorks(server.url, acme.keys.test, 'a rolled key after restart');
    await assertWorks(server.url, gracedKey, 'the graced default key after restart');
  });

  it(
    'SIGTERM: every request already sent gets a response, and a refusal is a Stripe error envelope',
    () => {
      assert.equal(burstOutcomes.filter(Boolean).length, 50, 'the burst ran');
      // Refused connections were never accepted; anything else without a response was dropped.
      const dropped = burstOutcomes.filter((o) => o.kind === 'no-response' && o.code !== 'ECONNREFUSED');
      assert.deepEqual(dropped, [], 'requests sent before SIGTERM that got no response at all');
      for (const o of burstOutcomes) {
        if (o.kind !== 'status') continue;
        const body = JSON.parse(o.text) as { error?: { type?: unknown; message?: unknown } };
        assert.equal(typeof body.error?.type, 'string', `a ${o.status} during shutdown is not a Stripe error envelope: ${o.text}`);
        assert.equal(typeof body.error?.message, 'string', o.text);
      }
    },
  );

  it('HOST is honoured: the restarted server listens on HOST only (127.0.0.2 where the machine has it)', async () => {
    assert.equal(server.host, restartHost);
    const there = await freshRequest(server.port, restartHost, '/healthz');
    assert.deepEqual('status' in there ? [there.status, JSON.parse(there.text)] : there, [200, { status: 'ok' }]);
    if (restartHost !== '127.0.0.1') {
      const elsewhere = await freshRequest(server.port, '127.0.0.1', '/healthz');
      assert.deepEqual(elsewhere, { error: 'ECONNREFUSED' }, `HOST=${restartHost} must not listen on 127.0.0.1`);
    }
  });

  it('after a clean shutdown the store files still hold no key in clear', async () => {
    const final = await server.stop();
    assert.deepEqual(final, { code: 0, signal: null });
    const bytes = sqliteBytes(dir).toString('latin1');
    for (const key of printedKeys) assert.ok(!bytes.includes(key.slice(8)), `secret key in clear in the store: ${key.slice(0, 12)}…`);
  });
});

describe('clientele: usage errors and migrate', () => {
  it('usage errors exit non-zero with usage on stderr; migrate exits 0 with a confirmation', async () => {
    const dir = tempDir();
    const fresh = tempDir();
    const [noName, unknown, migrated] = await Promise.all([
      cli(dir, ['tenants', 'create']),
      cli(dir, ['frobnicate']),
      cli(fresh, ['migrate']),
    ]);

    assert.equal(noName.code, 2, `tenants create without --name: ${noName.stderr}`);
    assert.match(noName.stderr, /Usage: clientele/);
    assert.match(noName.stderr, /--name/);
    assert.equal(noName.stdout, '');

    assert.ok(unknown.code !== 0 && unknown.code !== null, `unknown command exited ${unknown.code}`);
    assert.match(unknown.stderr, /frobnicate/);
    assert.equal(unknown.stdout, '');

    // Refused usage touches no store.
    assert.deepEqual(readdirSync(dir), []);

    assert.equal(migrated.code, 0, `migrate: ${migrated.stderr}`);
    assert.match(migrated.stdout, /migrat/i);
    assert.ok(readdirSync(fresh).includes('clientele.sqlite'), 'migrate creates the store');
  });
});
