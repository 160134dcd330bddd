/**
 * `clientele tenants settings` (alias `tenants update`): rate-limit overrides, Stripe's numbers for
 * the native API, history retention; a running server applies them at once, and
 * CLIENTELE_RATE_LIMITS=off switches every limit off. Then the background sweep that serve runs
 * every 10 minutes (src/cli/sweep.ts), on both stores.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sweepExpired } from '../../src/cli/sweep.ts';
import { cliHarness, type Served } from '../helpers/cli.ts';
import { PG_SKIP_REASON } from '../helpers/postgres.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { STORE_KINDS } from '../helpers/stores.ts';
import { customerIdFromWire } from '../../src/formats/ids.ts';

const CHILD_TIMEOUT_MS = 20_000;
const { tempDir, cli, startServe } = cliHarness({ prefix: 'clientele-settings-', timeoutMs: CHILD_TIMEOUT_MS });

async function cliJson(dataDir: string, args: string[], env: Record<string, string> = {}): Promise<any> {
  const r = await cli(dataDir, args, env);
  assert.equal(r.code, 0, `clientele ${args.join(' ')} exited ${r.code}\nstderr: ${r.stderr}`);
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `expected one JSON line:\n${r.stdout}`);
  return JSON.parse(lines[0]!);
}

const atlasList = async (base: string, key: string) =>
  (await fetch(`${base}/atlas/functions/v1/customers`, { headers: { authorization: `Bearer ${key}` } })).status;

describe('clientele tenants settings', () => {
  let dir: string;
  let tenant: { id: string; keys: { test: string; live: string } };

  before(async () => {
    dir = tempDir();
    const made = await cliJson(dir, ['tenants', 'create', '--name', 'Settings', '--json']);
    tenant = { id: made.tenant.id, keys: made.keys };
  });

  it('sets rate-limit overrides, Stripe numbers for the native API and history retention', async () => {
    const out = await cliJson(dir, [
      'tenants', 'settings', '--tenant', tenant.id,
      '--rate-limit', 'count.client=10/60',
      '--rate-limit', 'atlas.concurrent=5',
      '--rate-limit', 'checkoutpage.store=off',
      '--native-rate-limits', 'stripe',
      '--history-retention-days', '90',
      '--event-retention-days', '7',
      '--webhook-disable-after-days', '3',
      '--asset-account', 'acme-holdings',
      '--json',
    ]);
    assert.equal(out.id, tenant.id);
    assert.deepEqual(out.settings, {
      email_uniqueness: 'enforced',
      history_retention_days: 90,
      event_retention_days: 7,
      webhook_disable_after_days: 3,
      asset_account: 'acme-holdings',
      native_rate_limits: 'stripe',
      rate_limits: {
        'count.client': { max: 10, window_seconds: 60 },
        'atlas.concurrent': { max: 5, window_seconds: 0 },
        'checkoutpage.store': null,
      },
    });
    // Later flags merge with what is there; `default` removes an override; `forever` clears retention.
    const next = await cliJson(dir, [
      'tenants', 'update', '--tenant', tenant.id,
      '--rate-limit', 'count.client=default',
      '--rate-limit', 'atlas.key=2/1',
      '--native-rate-limits', 'off',
      '--history-retention-days', 'forever',
      '--asset-account', 'none',
      '--json',
    ]);
    assert.deepEqual(next.settings, {
      email_uniqueness: 'enforced',
      history_retention_days: null,
      event_retention_days: 7,
      webhook_disable_after_days: 3,
      asset_account: null,
      native_rate_limits: 'off',
      rate_limits: {
        'atlas.concurrent': { max: 5, window_seconds: 0 },
        'checkoutpage.store': null,
        'atlas.key': { max: 2, window_seconds: 1 },
      },
    });
  });

  it('without flags shows the settings and every limit in force', async () => {
    const r = await cli(dir, ['tenants', 'settings', '--tenant', tenant.id]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /history_retention_days=forever/);
    assert.match(r.stdout, /rate limit overrides: .*atlas\.key=2\/1/);
    assert.match(r.stdout, /count\.client: 100 requests per minute per client id/);
    assert.match(r.stdout, /checkoutpage\.store: off/);
    assert.match(r.stdout, /native\.read: off/);
    assert.match(r.stdout, /atlas\.concurrent: 5 requests in flight at once per API key/);
  });

  it('refuses bad flags with exit 2 and writes nothing', async () => {
    const before = await cliJson(dir, ['tenants', 'settings', '--tenant', tenant.id, '--json']);
    const bad: [string[], RegExp][] = [
      [['--rate-limit', 'nope=1/60'], /unknown rate limit 'nope'/],
      [['--rate-limit', 'count.client=10'], /MAX\/SECONDS/],
      [['--rate-limit', 'count.client=10/0'], /MAX\/SECONDS/],
      [['--rate-limit', 'atlas.concurrent=5/60'], /MAX \(requests in flight at once\)/],
      [['--native-rate-limits', 'on'], /--native-rate-limits is stripe or off/],
      [['--history-retention-days', '0'], /--history-retention-days/],
      [['--history-retention-days', '1.5'], /--history-retention-days/],
      [['--event-retention-days', 'forever'], /--event-retention-days is a whole number of days/],
      [['--webhook-disable-after-days', '0'], /--webhook-disable-after-days is a whole number of days from 1 to 365/],
      // A good flag beside a bad one is not applied either.
      [['--history-retention-days', '30', '--rate-limit', 'x=1/1'], /unknown rate limit/],
    ];
    for (const [flags, message] of bad) {
      const r = await cli(dir, ['tenants', 'settings', '--tenant', tenant.id, ...flags]);
      assert.equal(r.code, 2, `${flags.join(' ')}: exit ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, message, flags.join(' '));
    }
    const r = await cli(dir, ['tenants', 'settings', '--rate-limit', 'atlas.key=1/1']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs --tenant/);
    assert.deepEqual(await cliJson(dir, ['tenants', 'settings', '--tenant', tenant.id, '--json']), before);
  });

  describe('a running server', () => {
    let served: Served;
    before(async () => {
      served = await startServe(dir);
    });
    after(async () => {
      await served?.stop();
    });

    it('applies a limit set through the CLI at once', async () => {
      await cliJson(dir, ['tenants', 'settings', '--tenant', tenant.id, '--rate-limit', 'atlas.key=2/60', '--json']);
      const got = [await atlasList(served.url, tenant.keys.test), await atlasList(served.url, tenant.keys.test), await atlasList(served.url, tenant.keys.test)];
      assert.deepEqual(got, [200, 200, 429]);
      await cliJson(dir, ['tenants', 'settings', '--tenant', tenant.id, '--rate-limit', 'atlas.key=off', '--json']);
      assert.equal(await atlasList(served.url, tenant.keys.test), 200);
    });
  });

  describe('a server with CLIENTELE_RATE_LIMITS=off', () => {
    let served: Served;
    before(async () => {
      await cliJson(dir, ['tenants', 'settings', '--tenant', tenant.id, '--rate-limit', 'atlas.key=1/60', '--json']);
      served = await startServe(dir, { CLIENTELE_RATE_LIMITS: 'off' });
    });
    after(async () => {
      await served?.stop();
    });

    it('applies no limit at all, and says so in its log', async () => {
      const got = await Promise.all(Array.from({ length: 5 }, () => atlasList(served.url, tenant.keys.test)));
      assert.deepEqual(got, [200, 200, 200, 200, 200]);
      assert.match(served.stdout(), /CLIENTELE_RATE_LIMITS=off/);
    });
  });

  it('serve refuses a CLIENTELE_RATE_LIMITS that is neither on nor off', async () => {
    const r = await cli(dir, ['serve'], { CLIENTELE_RATE_LIMITS: 'maybe', PORT: '0' });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /CLIENTELE_RATE_LIMITS must be on or off/);
  });
});

describe('the background sweep', () => {
  for (const kind of STORE_KINDS) {
    describe(kind, { skip: kind === 'postgres' ? PG_SKIP_REASON : false }, () => {
      let server: TestServer;
      before(async () => {
        server = await startServer(kind);
      });
      after(async () => server?.close());

      it('deletes expired tokens and idempotency keys, and history past each tenant’s retention only', async () => {
        const kept = await server.newTenant('Keeps history');
        const trimmed = await server.newTenant('Trims history');
        await server.store.updateTenantSettings(trimmed.id, { history_retention_days: 1 });
        const ids: Record<string, string> = {};
        for (const t of [kept, trimmed]) {
          const made = await server.request('POST', '/v1/customers', { key: t.keys.test, form: 'name=A', headers: { 'idempotency-key': `sweep-${t.id}` } });
          assert.equal(made.status, 200, made.text);
          assert.equal((await server.request('POST', `/v1/customers/${made.body.id}`, { key: t.keys.test, form: 'name=B' })).status, 200);
          ids[t.id] = made.body.id;
        }
        const history = async (tenantId: string) =>
          (await server.store.listCustomerHistory({ tenantId, mode: 'test' }, customerIdFromWire(ids[tenantId]!)!, { limit: 100 })).data.length;
        assert.equal(await history(kept.id), 2);
        assert.equal(await history(trimmed.id), 2);
        const c = kept.clients.test;
        const form = new URLSearchParams({ client_id: c.client_id, client_secret: c.client_secret, grant_type: 'client_credentials', expires_in: '60' });
        assert.equal((await server.request('POST', '/asset/v0/auth/token', { key: null, form: form.toString() })).status, 200);

        const logged: { level: string; obj: unknown; msg: string }[] = [];
        const log = {
          info: (obj: unknown, msg: string) => logged.push({ level: 'info', obj, msg }),
          debug: (obj: unknown, msg: string) => logged.push({ level: 'debug', obj, msg }),
          warn: (obj: unknown, msg: string) => logged.push({ level: 'warn', obj, msg }),
        } as unknown as Parameters<typeof sweepExpired>[1];

        // Now: nothing is old enough.
        assert.deepEqual(await sweepExpired(server.store, log), { accessTokens: 0, idempotencyKeys: 0, history: 0, events: 0, sessions: 0 });
        // Two days on: the idempotency keys (24 h) have expired, and the trimmed tenant's history (1 day).
        const later = Date.now() + 2 * 86_400_000;
        const counts = await sweepExpired(server.store, log, later);
        assert.equal(counts.accessTokens, 1);
        assert.equal(counts.idempotencyKeys, 2);
        assert.equal(counts.history, 2);
        // Events are kept 30 days by default.
        assert.equal(counts.events, 0);
        assert.equal(await history(kept.id), 2);
        assert.equal(await history(trimmed.id), 0);
        assert.ok(logged.some((l) => l.level === 'info' && l.msg === 'history past retention deleted'));
        assert.ok(!logged.some((l) => l.level === 'warn'), JSON.stringify(logged));
        // Secret-free: the log names tenants by id and counts, nothing else.
        assert.doesNotMatch(JSON.stringify(logged), /sk_(test|live)_/);
      });
    });
  }
});
