/**
 * `clientele erase`, as an operator runs it beside a serving server, on both stores: the
 * tombstone names `cli`, the server then shows no value, the store holds none, and erasing again
 * prints the same tombstone. Wrong arguments and unknown customers are refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { cliHarness, type Served } from '../helpers/cli.ts';
import { createTestDatabase, ownPostgresForFile, PG_SKIP_REASON, type TestDatabase } from '../helpers/postgres.ts';
import { STORE_KINDS } from '../helpers/stores.ts';
import { findStoredValues } from '../helpers/stored-values.ts';

const { tempDir, cli, startServe } = cliHarness({ prefix: 'clientele-erase-', timeoutMs: 30_000 });
ownPostgresForFile();

describe('clientele erase', () => {
  for (const kind of STORE_KINDS) {
    describe(kind, { skip: kind === 'postgres' ? PG_SKIP_REASON : false }, () => {
      let dir: string;
      let env: Record<string, string>;
      let db: TestDatabase | undefined;
      let served: Served;
      let tenant: { id: string; keys: { test: string; live: string } };

      const api = async (method: string, path: string, key: string, json?: unknown) => {
        const res = await fetch(served.url + path, {
          method,
          headers: { authorization: `Bearer ${key}`, ...(json ? { 'content-type': 'application/json' } : {}) },
          ...(json ? { body: JSON.stringify(json) } : {}),
        });
        return { status: res.status, body: (await res.json()) as any };
      };
      const erase = (...args: string[]) => cli(dir, ['erase', '--tenant', tenant.id, ...args], env);

      before(async () => {
        dir = tempDir();
        if (kind === 'postgres') db = await createTestDatabase();
        env = db ? { DATABASE_URL: db.url } : {};
        const made = await cli(dir, ['tenants', 'create', '--name', 'Erasures', '--json'], env);
        assert.equal(made.code, 0, made.stderr);
        const created = JSON.parse(made.stdout);
        tenant = { id: created.tenant.id, keys: created.keys };
        served = await startServe(dir, env);
      });
      after(async () => {
        await served?.stop();
        await db?.drop();
      });

      it('erases a customer: the tombstone names cli, the server shows nothing, the store holds nothing; again prints the same', async () => {
        const tok = randomBytes(5).toString('hex');
        const values = [`Cli${tok}Name`, `cli.${tok}@example.com`, `Street ${tok}`, `meta${tok}`];
        const made = await api('POST', '/v1/customers', tenant.keys.test, { name: values[0], email: values[1], address: { line1: values[2] }, metadata: { k: values[3] } });
        assert.equal(made.status, 200);
        assert.equal((await api('POST', `/v1/customers/${made.body.id}`, tenant.keys.test, { name: `${values[0]}2` })).status, 200);

        const first = await erase('--customer', made.body.id, '--mode', 'test', '--json');
        assert.equal(first.code, 0, first.stderr);
        const tombstone = JSON.parse(first.stdout);
        assert.deepEqual({ ...tombstone, erased_at: 0 }, { id: made.body.id, object: 'customer', deleted: true, erased: true, erased_at: 0, erased_by: 'cli' });
        const again = await erase('--customer', made.body.id, '--mode', 'test', '--json');
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(JSON.parse(again.stdout), tombstone);

        assert.deepEqual((await api('GET', `/v1/customers/${made.body.id}`, tenant.keys.test)).body, { id: made.body.id, object: 'customer', deleted: true });
        const history = (await api('GET', `/v1/customers/${made.body.id}/history`, tenant.keys.test)).body.data;
        assert.deepEqual(history.map((e: any) => [e.action, e.surface, e.actor.type, e.changes.length]), [
          ['erased', 'cli', 'system', 2],
          ['updated', 'native', 'api_key', 0],
          ['created', 'native', 'api_key', 0],
        ]);
        const location = db ? db.url : join(dir, 'clientele.sqlite');
        assert.deepEqual(await findStoredValues(kind, location, [...values, tok]), []);
      });

      it('looks in live mode unless --mode says test; a customer of the other mode is not found', async () => {
        const live = await api('POST', '/v1/customers', tenant.keys.live, { name: 'Live one' });
        const wrongMode = await erase('--customer', live.body.id, '--mode', 'test');
        assert.equal(wrongMode.code, 1);
        assert.match(wrongMode.stderr, /No such customer/);
        const erased = await erase('--customer', live.body.id);
        assert.equal(erased.code, 0, erased.stderr);
        assert.match(erased.stdout, new RegExp(`^Erased ${live.body.id} \\(${tenant.id}, live\\) at \\S+ by cli\\n$`));
      });

      it('refuses missing or malformed arguments, an unknown tenant and an unknown customer', async () => {
        const noCustomer = await erase();
        assert.equal(noCustomer.code, 2);
        assert.match(noCustomer.stderr, /erase needs --customer/);
        const badMode = await erase('--customer', 'cus_00000000000000000', '--mode', 'staging');
        assert.equal(badMode.code, 2);
        const unknown = await erase('--customer', 'cus_00000000000000000');
        assert.equal(unknown.code, 1);
        assert.match(unknown.stderr, /No such customer: 'cus_00000000000000000'/);
        const notAnId = await erase('--customer', 'someone@example.com');
        assert.equal(notAnId.code, 1);
        const noTenant = await cli(dir, ['erase', '--tenant', 'biz_00000000000000000', '--customer', 'cus_00000000000000000'], env);
        assert.equal(noTenant.code, 1);
        assert.match(noTenant.stderr, /No such tenant/);
      });
    });
  }
});
