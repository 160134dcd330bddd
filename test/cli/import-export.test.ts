/**
 * `clientele import` and `clientele export`: the real bin/clientele.js as child processes (the
 * round trip of 10,000 customers on both stores, bad rows, --strict, SIGKILL and Ctrl-C then
 * --resume, Stripe's shapes, progress lines, usage errors), and `importFile` / `exportCustomers`
 * in-process where a test must reach inside (a crash between a commit and its checkpoint; export
 * backpressure).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { exportCustomers } from '../../src/cli/export.ts';
import { main } from '../../src/cli/main.ts';
import { importFile } from '../../src/cli/import.ts';
import { newCustomer } from '../../src/domain/customers/factory.ts';
import { applyPatch } from '../../src/domain/customers/patch.ts';
import { type CustomerPatch, type CustomerScope } from '../../src/domain/customers/model.ts';
import { UnavailableError } from '../../src/domain/errors.ts';
import { DEFAULT_TENANT_SETTINGS } from '../../src/domain/tenants/tenant.ts';
import { TenantService } from '../../src/domain/tenants/tenant-service.ts';
import { SYSTEM_WRITE } from '../../src/domain/customers/write-context.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/domain/store-port.ts';
import { BIN, cliHarness, ROOT, withTimeout } from '../helpers/cli.ts';
import { createTestDatabase, ownPostgresForFile, PG_SKIP_REASON, type TestDatabase } from '../helpers/postgres.ts';
import { STORE_KINDS, type StoreKind } from '../helpers/stores.ts';
import { customerIdFromWire, tenantIdToWire } from '../../src/formats/ids.ts';

const CHILD_TIMEOUT_MS = 90_000;
const { tempDir, cli, spawnCli } = cliHarness({ prefix: 'clientele-import-', timeoutMs: CHILD_TIMEOUT_MS });

ownPostgresForFile();

// ---------------------------------------------------------------------------------------------
// Helpers

/** A data directory (and, on PostgreSQL, a database) the CLI and this process share. */
interface Place {
  kind: StoreKind;
  dir: string;
  env: Record<string, string>;
  open(): Promise<Store>;
  drop(): Promise<void>;
}

async function place(kind: StoreKind): Promise<Place> {
  const dir = tempDir();
  if (kind === 'sqlite') {
    return { kind, dir, env: {}, open: () => SqliteStore.open(join(dir, 'clientele.sqlite')), drop: async () => {} };
  }
  const db: TestDatabase = await createTestDatabase();
  return { kind, dir, env: { DATABASE_URL: db.url }, open: () => PostgresStore.open(db.url, { poolMax: 4 }), drop: () => db.drop() };
}

async function run(p: Place, args: string[]) {
  return cli(p.dir, args, p.env);
}

/** A tenant, made in-process (spawning `tenants create` costs a second; process.test.ts covers it). */
async function newTenant(store: Store, name: string): Promise<{ wire: string; scope: CustomerScope }> {
  const made = await new TenantService(store).create(name);
  return { wire: tenantIdToWire(made!.tenant.id), scope: { tenantId: made!.tenant.id, mode: 'test' } };
}

/** What `clientele export` prints, in-process. */
async function exported(store: Store, scope: CustomerScope): Promise<string> {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  await exportCustomers(store, scope, sink);
  return text;
}

/** Two exports must be the same bytes; on failure, the first line that differs. */
function sameExport(actual: string, expected: string, what: string): void {
  if (actual === expected) return;
  const a = actual.split('\n');
  const e = expected.split('\n');
  const i = a.findIndex((line, n) => line !== e[n]);
  assert.fail(`${what}: ${a.length} lines vs ${e.length}; first difference at line ${i + 1}:\n  got:      ${a[i]}\n  expected: ${e[i]}`);
}

const CITIES = [
  ['Paris', null, 'fr', '75001'], ['Springfield', 'IL', 'US', '62701'], ['Osaka', null, 'JP', '530-0001'], ['Zürich', 'ZH', 'CH', '8001'],
  ['São Paulo', 'SP', 'BR', '01000-000'], ['Toronto', 'ON', 'CA', 'M5V 2T6'],
] as const;
const NAMES = ['Jenny Rosen', 'Zoë O’Brien', '李小龍', 'Ana, María "La" García', '🎉 Party Co', 'Ada\nLovelace', 'Ørjan Ødegård'];

function address(i: number): NonNullable<CustomerPatch['address']> {
  const [city, state, country, zip] = CITIES[i % CITIES.length]!;
  return { line1: `${i} Main Street`, line2: i % 2 ? null : 'Apt 4, "rear"', city, state, postal_code: zip, country };
}

/** Customer i: every field, in many combinations, with text that CSV must quote. */
function variedPatch(i: number): CustomerPatch {
  const patch: CustomerPatch = {
    name: i % 17 === 0 ? null : `${NAMES[i % NAMES.length]} ${i}`,
    email: i % 13 === 0 ? null : i % 5 === 0 ? `User.${i}@Example.COM` : `user.${i}@example.com`,
    phone: i % 3 ? `+1 555 ${String(i).padStart(7, '0')}` : null,
    description: i % 4 === 0 ? `Line one\nline two, with "quotes" and a comma, ${i}` : i % 4 === 1 ? null : `Customer ${i}`,
    address: i % 6 === 0 ? null : address(i),
    tax_exempt: (['none', 'exempt', 'reverse'] as const)[i % 3]!,
    metadata: { set: Object.fromEntries([['plan', ['free', 'pro', 'team'][i % 3]!], ['ref', `ref-${i}`], ['ключ', 'значение 🎉'], ['quote"key', 'a,b\nc'], ['n', String(i)]].slice(0, i % 6)) },
    status: i % 4 === 0 ? 'inactive' : 'active',
  };
  if (i % 5 === 0) patch.shipping = { name: `Ship ${i}`, phone: i % 2 ? '+44 20 1234 5678' : null, address: i % 10 === 0 ? null : address(i + 1) };
  if (i % 7 === 0) patch.balance = -i * 10;
  else if (i % 3 === 0) patch.balance = i;
  if (i % 9 === 0) patch.invoice_prefix = `P${i % 100_000}`;
  if (i % 8 === 0) {
    patch.invoice_settings = {
      custom_fields: [{ name: 'PO', value: String(i) }, { name: 'VAT, "ref"', value: 'x' }],
      footer: 'Thanks, "friend"',
      default_payment_method: `pm_${i}`,
      rendering_options: i % 16 === 0 ? { amount_tax_display: 'exclude_tax', template: null } : null,
    };
  }
  if (i % 11 === 0) patch.next_invoice_sequence = (i % 50) + 2;
  if (i % 10 === 0) patch.preferred_locales = ['fr-FR', 'en'];
  else if (i % 10 === 1) patch.preferred_locales = ['de'];
  if (i % 6 === 1) patch.individual_name = `Indy ${i}`;
  if (i % 6 === 2) patch.company_name = `Company ${i}, Inc.`;
  if (i % 4 === 3) patch.external_id = `ext-${i}`;
  if (i % 8 === 5) patch.billing_email = `billing.${i}@example.com`;
  if (i % 9 === 4) patch.website = `https://example.com/${i}?a=1&b=2`;
  if (i % 7 === 2) patch.tax_ids = [{ type: 'eu_vat', value: `DE${100000000 + i}` }, { type: 'us_ein', value: '12-3456789' }];
  if (i % 9 === 0) {
    patch.contacts = [
      { name: `Contact ${i}`, email: `contact.${i}@example.com`, phone: null, is_primary: true },
      { name: null, first_name: 'Bea', last_name: 'Ortiz', email: null, phone: '+1 555 0100', is_primary: false },
    ];
  }
  if (i % 12 === 0) patch.stripe_customer_id = `cus_Stripe${i}`;
  if (i % 20 === 0) patch.default_source = `card_${i}`;
  if (i % 15 === 0) patch.seller_id = `seller_${i % 3}`;
  return patch;
}

/** `n` varied customers in `scope`, created an hour apart, some updated later, some deleted. */
async function seed(store: Store, scope: CustomerScope, n: number): Promise<void> {
  const start = Date.UTC(2023, 0, 1);
  for (let from = 0; from < n; from += 1000) {
    const batch = Array.from({ length: Math.min(1000, n - from) }, (_, k) => newCustomer(scope, variedPatch(from + k), start + (from + k) * 3_600_000));
    const outcomes = await store.insertCustomers(batch, batch.map(() => SYSTEM_WRITE));
    assert.ok(outcomes.every((o) => o.status === 'inserted'), JSON.stringify(outcomes.find((o) => o.status !== 'inserted')));
  }
  const later = start + (n + 10) * 3_600_000;
  // Concurrently (SQLite's group commit shares one fsync among them), 32 at a time: a thousand
  // at once queue on PostgreSQL's pool of 10 past its 5 s wait on a loaded machine.
  let next = 0;
  const jobs = Math.ceil(n / 10);
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let k = next++; k < jobs; k = next++) await touch(k * 10);
    }),
  );
  async function touch(i: number): Promise<void> {
    const page = await store.listCustomers(scope, { limit: 1, emailFolded: `user.${i + 1}@example.com` });
    const c = page.data[0];
    if (!c) return;
    if (i % 50 === 0) await store.deleteCustomer(scope, c.id, later, SYSTEM_WRITE);
    else await store.updateCustomer(scope, c.id, (cur) => applyPatch(cur, { description: `Updated ${i}`, metadata: { set: { updated: 'yes' } } }, later + i), SYSTEM_WRITE);
  }
}

function ndjson(rows: unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

async function count(store: Store, scope: CustomerScope): Promise<number> {
  return (await store.listCustomers(scope, { limit: 1, withTotal: true })).total!;
}

// ---------------------------------------------------------------------------------------------
// The round trip, on both stores

for (const kind of STORE_KINDS) {
  describe(`import and export (${kind})`, { skip: kind === 'postgres' ? PG_SKIP_REASON : undefined }, () => {
    let p: Place;
    let store: Store;
    before(async () => {
      p = await place(kind);
      store = await p.open();
    });
    after(async () => {
      await store?.close();
      await p?.drop();
    });

    it('10,000 varied customers: export → import into a fresh tenant → export is byte-identical, as NDJSON, CSV and JSON', async () => {
      const a = await newTenant(store, 'Source');
      await seed(store, a.scope, 10_000);
      const expectedCount = await count(store, a.scope);
      assert.ok(expectedCount > 9_700 && expectedCount < 10_000, `some deleted: ${expectedCount}`);

      const csvFile = join(p.dir, 'customers.csv');
      const [first, csv, b, c, d] = await Promise.all([
        run(p, ['export', '--tenant', a.wire, '--mode', 'test']),
        run(p, ['export', '--tenant', a.wire, '--mode', 'test', '--format', 'csv', '--output', csvFile]),
        newTenant(store, 'Copy'),
        newTenant(store, 'From CSV'),
        newTenant(store, 'From JSON'),
      ]);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(csv.code, 0, csv.stderr);
      assert.equal(csv.stdout, '', 'with --output, nothing on stdout');
      const exportedA = first.stdout;
      assert.equal(exportedA.split('\n').length - 1, expectedCount);
      assert.match(first.stderr, new RegExp(`Exported ${expectedCount.toLocaleString('en-US')} customers`));
      const lines = exportedA.trimEnd().split('\n').map((l) => JSON.parse(l));
      // Oldest first.
      assert.ok(lines.every((c, n) => n === 0 || lines[n - 1].created <= c.created));
      const file = join(p.dir, 'customers.ndjson');
      writeFileSync(file, exportedA);
      // A JSON array, pretty-printed.
      const jsonFile = join(p.dir, 'customers.json');
      writeFileSync(jsonFile, JSON.stringify(lines, null, 2));

      // NDJSON, CSV and JSON into three fresh tenants at once.
      const [imported, fromCsv, fromJson] = await Promise.all([
        run(p, ['import', file, '--tenant', b.wire, '--mode', 'test', '--json']),
        run(p, ['import', csvFile, '--tenant', c.wire, '--mode', 'test']),
        run(p, ['import', jsonFile, '--tenant', d.wire, '--mode', 'test']),
      ]);
      assert.equal(imported.code, 0, imported.stderr);
      assert.equal(fromCsv.code, 0, fromCsv.stderr);
      assert.equal(fromJson.code, 0, fromJson.stderr);
      const summary = JSON.parse(imported.stdout);
      assert.deepEqual([summary.rows, summary.imported, summary.failed, summary.complete], [expectedCount, expectedCount, 0, true]);
      assert.equal(existsSync(`${file}.clientele-import`), false, 'a finished import removes its checkpoint');

      // Into the same tenant again (the first 50 rows): every row's id is taken.
      const head = join(p.dir, 'head.ndjson');
      writeFileSync(head, exportedA.split('\n').slice(0, 50).join('\n') + '\n');
      const [fromB, again] = await Promise.all([
        run(p, ['export', '--tenant', b.wire, '--mode', 'test']),
        run(p, ['import', head, '--tenant', b.wire, '--mode', 'test', '--json', '--quiet']),
      ]);
      sameExport(fromB.stdout, exportedA, 'NDJSON round trip');
      sameExport(await exported(store, c.scope), exportedA, 'CSV round trip');
      sameExport(await exported(store, d.scope), exportedA, 'JSON round trip');
      assert.equal(again.code, 1);
      assert.equal(JSON.parse(again.stdout).failed, 50);
      assert.match(again.stderr, /^line 1: id: A customer with this id already exists\.$/m);
      assert.equal(existsSync(`${head}.clientele-import`), false);

      // The history says where each customer came from.
      const someId = customerIdFromWire(lines[123].id)!;
      const [entry] = (await store.listCustomerHistory(b.scope, someId, { limit: 5 })).data;
      assert.deepEqual([entry!.action, entry!.actor, entry!.surface, entry!.requestId], ['created', 'cli:import', 'cli', 'import:customers.ndjson:124']);
    });

    it('a crash between a commit and its checkpoint: resuming imports every row exactly once', async () => {
      const t = await newTenant(store, 'Crash');
      const file = join(p.dir, 'crash.ndjson');
      const rows = Array.from({ length: 1_000 }, (_, i) => ({
        ...(i % 10 === 3 ? { id: `cus_Stripe${i}`, created: 1_600_000_000 + i } : {}),
        name: `Crash ${i}`,
        email: `crash.${i}@example.com`,
      }));
      writeFileSync(file, ndjson(rows));
      // The store commits the fifth batch, then "crashes" before the import hears of it.
      let calls = 0;
      const crashing = new Proxy(store, {
        get(target, prop, receiver) {
          if (prop !== 'insertCustomers') return Reflect.get(target, prop, receiver);
          return async (...args: Parameters<Store['insertCustomers']>) => {
            const outcomes = await target.insertCustomers(...args);
            if (++calls === 5) throw new UnavailableError('simulated crash after the commit');
            return outcomes;
          };
        },
      });
      await assert.rejects(importFile(crashing, t.scope, file, { batchSize: 100, concurrency: 1 }), /simulated crash/);
      const checkpoint = JSON.parse(readFileSync(`${file}.clientele-import`, 'utf8'));
      assert.ok(checkpoint.next.row <= 401, `the checkpoint is before the crashed batch: row ${checkpoint.next.row}`);
      assert.equal(await count(store, t.scope), 500);

      const resumed = await importFile(store, t.scope, file, { resume: true, batchSize: 100 });
      assert.equal(resumed.complete, true);
      assert.equal(resumed.failed, 0);
      assert.equal(resumed.imported + resumed.alreadyImported, 1_000);
      assert.ok(resumed.alreadyImported >= 100, `rows committed before the crash are found: ${resumed.alreadyImported}`);
      assert.equal(await count(store, t.scope), 1_000);
      const emails = new Set<string>();
      let cursor: string | undefined;
      for (;;) {
        const page = await store.listCustomers(t.scope, { limit: 100, ...(cursor ? { cursor: { after: cursor, field: ['starting_after'] } } : {}) });
        for (const c of page.data) {
          assert.ok(!emails.has(c.email!), `imported twice: ${c.email}`);
          emails.add(c.email!);
          assert.equal((await store.listCustomerHistory(t.scope, c.id, { limit: 5 })).data.length, 1);
        }
        if (!page.hasMore) break;
        cursor = page.data[page.data.length - 1]!.id;
      }
      assert.equal(emails.size, 1_000);
      assert.equal(existsSync(`${file}.clientele-import`), false);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The command's behaviour, on SQLite

describe('clientele import (the command)', () => {
  let p: Place;
  let store: Store;
  before(async () => {
    p = await place('sqlite');
    store = await p.open();
  });
  after(async () => store?.close());

  it('reports bad rows by line, imports the good ones, exits 1, and writes --errors', async () => {
    const t = await newTenant(store, 'Bad rows');
    const file = join(p.dir, 'mixed.ndjson');
    writeFileSync(
      file,
      [
        '{"name":"Good 1","email":"good1@example.com"}',
        '',
        '{"name":"Bad email","email":"not-an-email"}',
        '{"name":"Good 2","email":"good2@example.com","address":{"country":"de"}}',
        '{"address":{"country":"Atlantis"}}',
        '{not json',
        '   ',
        '{"name":"Dup","email":"GOOD1@example.com"}',
        '{"emial":"typo@example.com"}',
        '{"id":"cus_00000000000000000","deleted":true,"object":"customer"}',
        '{"name":"Good 3","balance":"12"}',
        '{"name":"Bad balance","balance":1.5}',
        '[1,2]',
      ].join('\n'),
    );
    const errors = join(p.dir, 'errors.ndjson');
    const r = await run(p, ['import', file, '--tenant', t.wire, '--mode', 'test', '--errors', errors, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const failures = r.stderr.split('\n').filter((l) => l.startsWith('line '));
    assert.deepEqual(failures, [
      'line 3: email: Invalid email address: not-an-email',
      "line 5: address[country]: Country 'Atlantis' is unknown. Use a two-letter ISO 3166-1 alpha-2 country code, such as 'US', 'EG', or 'GB'.",
      `line 6: Invalid JSON: ${(() => { try { JSON.parse('{not json'); } catch (e) { return (e as Error).message; } })()}`,
      "line 8: email: A customer with the email 'GOOD1@example.com' already exists.",
      "line 9: emial: Unknown field 'emial': not a customer field.",
      'line 12: balance: Invalid integer: 1.5.',
      'line 13: A row is a customer object, not a list.',
    ]);
    const summary = JSON.parse(r.stdout);
    assert.deepEqual([summary.rows, summary.imported, summary.failed, summary.skipped], [11, 3, 7, 1]);
    const written = readFileSync(errors, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(written.map((f) => [f.line, f.field, f.code]), [
      [3, 'email', 'email_invalid'], [5, 'address[country]', 'country_invalid'], [6, null, 'parameter_invalid'],
      [8, 'email', 'resource_already_exists'], [9, 'emial', 'parameter_invalid'], [12, 'balance', 'parameter_invalid'], [13, null, 'parameter_invalid'],
    ]);
    assert.equal(await count(store, t.scope), 3);
    const good2 = (await store.listCustomers(t.scope, { limit: 1, emailFolded: 'good2@example.com' })).data[0]!;
    assert.equal(good2.address?.country, 'DE');
  });

  it('--strict stops at the first bad row without importing it; fixed, --resume imports the rest once', async () => {
    const t = await newTenant(store, 'Strict');
    const file = join(p.dir, 'strict.csv');
    const header = 'email,name,address[city],address[country],metadata[plan]';
    const body = Array.from({ length: 30 }, (_, i) => (i === 17 ? 'bad-email,Seventeen,,,' : `s${i}@example.com,"Name ${i}, Jr.",Lyon,FR,pro`));
    writeFileSync(file, [header, ...body].join('\r\n') + '\r\n');
    const r = await run(p, ['import', file, '--tenant', t.wire, '--mode', 'test', '--strict', '--json']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^line 19: email: Invalid email address: bad-email$/m);
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('line ')).length, 1);
    const summary = JSON.parse(r.stdout);
    assert.deepEqual([summary.imported, summary.failed, summary.stopped, summary.complete], [17, 1, 'strict', false]);
    assert.equal(await count(store, t.scope), 17);
    const checkpoint = JSON.parse(readFileSync(`${file}.clientele-import`, 'utf8'));
    assert.deepEqual([checkpoint.next.row, checkpoint.next.line], [18, 19]);

    // Without --resume, the checkpoint is not overwritten.
    const refused = await run(p, ['import', file, '--tenant', t.wire, '--mode', 'test']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /unfinished import of this file .*--resume/);

    writeFileSync(file, [header, ...body.map((l, i) => (i === 17 ? 's17@example.com,Seventeen,,,' : l))].join('\r\n') + '\r\n');
    const resumed = await run(p, ['import', file, '--tenant', t.wire, '--mode', 'test', '--resume', '--strict', '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const after = JSON.parse(resumed.stdout);
    assert.deepEqual([after.imported, after.resumed_at_line, after.complete], [30, 19, true]);
    assert.equal(await count(store, t.scope), 30);
    const c = (await store.listCustomers(t.scope, { limit: 1, emailFolded: 's3@example.com' })).data[0]!;
    assert.deepEqual([c.name, c.address?.city, c.metadata], ['Name 3, Jr.', 'Lyon', { plan: 'pro' }]);
    // Nothing left to resume.
    const nothing = await run(p, ['import', file, '--tenant', t.wire, '--mode', 'test', '--resume']);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /nothing to resume/);
  });

  it('killed with SIGKILL mid-import, then --resume: every row exactly once', async () => {
    const t = await newTenant(store, 'Killed');
    const file = join(p.dir, 'big.ndjson');
    const n = 20_000;
    writeFileSync(file, ndjson(Array.from({ length: n }, (_, i) => ({ name: `Big ${i}`, email: `big.${i}@example.com`, metadata: { i: String(i) } }))));
    const child = spawnCli(p.dir, ['import', file, '--tenant', t.wire, '--mode', 'test', '--quiet', '--batch-size', '500'], p.env);
    const exited = once(child, 'exit');
    // Killed as soon as some rows are committed: most likely before the checkpoint says so.
    await withTimeout(
      (async () => {
        while ((await count(store, t.scope)) === 0) {
          if (child.exitCode !== null) assert.fail('the import ended before anything was committed');
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      })(),
      60_000,
      'a first committed batch',
    );
    child.kill('SIGKILL');
    await exited;
    const before = await count(store, t.scope);
    assert.ok(before > 0 && before < n, `killed midway: ${before} of ${n}`);
    const checkpoint = JSON.parse(readFileSync(`${file}.clientele-import`, 'utf8'));
    assert.ok(checkpoint.counts.imported <= before, 'the checkpoint never claims more than was committed');

    const resumed = await run(p, ['import', file, '--tenant', t.wire, '--mode', 'test', '--resume', '--json', '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = JSON.parse(resumed.stdout);
    assert.equal(summary.complete, true);
    assert.equal(summary.failed, 0);
    assert.equal(summary.imported + summary.already_imported, n);
    assert.ok(summary.already_imported >= before - checkpoint.counts.imported, 'rows committed after the checkpoint are found, not imported again');
    assert.equal(await count(store, t.scope), n);
  });

  it('Ctrl-C (SIGINT) commits what is in flight, writes the checkpoint and exits 130; --resume finishes', async () => {
    const t = await newTenant(store, 'Interrupted');
    const file = join(p.dir, 'int.ndjson');
    const n = 30_000;
    writeFileSync(file, ndjson(Array.from({ length: n }, (_, i) => ({ email: `int.${i}@example.com` }))));
    const child = spawnCli(p.dir, ['import', file, '--tenant', t.wire, '--mode', 'test', '--batch-size', '200'], p.env);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = once(child, 'exit');
    const checkpointPath = `${file}.clientele-import`;
    await withTimeout(
      (async () => {
        while ((await count(store, t.scope)) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      })(),
      60_000,
      'a first committed batch',
    );
    child.kill('SIGINT');
    const [code] = await exited;
    assert.equal(code, 130, stderr);
    assert.match(stdout, /Interrupted; run again with --resume/);
    const checkpoint = JSON.parse(readFileSync(checkpointPath, 'utf8'));
    assert.equal(await count(store, t.scope), checkpoint.counts.imported, 'the checkpoint counts exactly what was committed');
    const resumed = await run(p, ['import', file, '--tenant', t.wire, '--mode', 'test', '--resume', '--json', '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).imported, n);
    assert.equal(await count(store, t.scope), n);
  });

  it('prints plain progress lines when stderr is not a terminal', async () => {
    const t = await newTenant(store, 'Progress');
    const file = join(p.dir, 'progress.ndjson');
    writeFileSync(file, ndjson(Array.from({ length: 10_000 }, (_, i) => ({ name: `P ${i}`, description: `${i} `.padEnd(300, '.') }))));
    const r = await run(p, ['import', file, '--tenant', t.wire, '--mode', 'test']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('importing progress.ndjson:'));
    assert.ok(lines.length >= 3, r.stderr);
    for (const line of lines) assert.match(line, /^importing progress\.ndjson: \d+%, [\d,]+ (of ~[\d,]+ )?rows, [\d,]+ rows\/s(, ETA \d+:\d\d)?$/);
    assert.doesNotMatch(r.stderr, /\r|\x1b\[/, 'no terminal control codes');
    assert.match(r.stdout, /^Imported 10,000 of 10,000 rows into biz_\w+ \(test\) in [\d.]+ s \([\d,]+ rows\/s\); 0 failed\.$/m);
  });

  it('takes Stripe’s API objects (a list object, JSON) and Stripe’s dashboard CSV', async () => {
    const t = await newTenant(store, 'From Stripe');
    const stripeCustomer = {
      id: 'cus_NffrFeUfNV2Hib',
      object: 'customer',
      address: { city: 'South San Francisco', country: 'US', line1: '354 Oyster Point Blvd', line2: null, postal_code: '94080', state: 'CA' },
      balance: -500,
      business_name: 'Rosen Labs',
      cash_balance: null,
      created: 1680893993,
      currency: 'usd',
      default_source: 'card_1MvoXX2eZvKYlo2CxYm4q7vU',
      delinquent: false,
      description: 'Migrated',
      discount: null,
      email: 'jennyrosen@example.com',
      invoice_credit_balance: {},
      invoice_prefix: '0759376C',
      invoice_settings: { custom_fields: null, default_payment_method: 'pm_123', footer: null, rendering_options: null },
      livemode: false,
      metadata: { order_id: '6735' },
      name: 'Jenny Rosen',
      next_invoice_sequence: 3,
      phone: '+14155550100',
      preferred_locales: ['en'],
      shipping: { address: { city: 'Paris', country: 'FR', line1: '1 Rue', line2: null, postal_code: '75001', state: null }, name: 'Jenny', phone: null },
      sources: { object: 'list', data: [], has_more: false, url: '/v1/customers/cus_NffrFeUfNV2Hib/sources' },
      subscriptions: { object: 'list', data: [], has_more: false, url: '/v1/customers/cus_NffrFeUfNV2Hib/subscriptions' },
      tax: { automatic_tax: 'supported', ip_address: null, location: null },
      tax_exempt: 'none',
      tax_ids: {
        object: 'list',
        data: [{ id: 'txi_1', object: 'tax_id', country: 'DE', created: 1680893993, customer: 'cus_NffrFeUfNV2Hib', livemode: false, type: 'eu_vat', value: 'DE123456789', verification: { status: 'verified', verified_address: null, verified_name: null } }],
        has_more: false,
        url: '/v1/customers/cus_NffrFeUfNV2Hib/tax_ids',
      },
      test_clock: null,
    };
    const list = { object: 'list', url: '/v1/customers', has_more: false, data: [stripeCustomer, { ...stripeCustomer, id: 'cus_Second00000002', email: 'second@example.com', tax_ids: { object: 'list', data: [], has_more: false } }] };
    const jsonFile = join(p.dir, 'stripe-list.json');
    writeFileSync(jsonFile, JSON.stringify(list, null, 2));
    const r = await run(p, ['import', jsonFile, '--tenant', t.wire, '--mode', 'test', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).imported, 2);
    const c = (await store.listCustomers(t.scope, { limit: 1, emailFolded: 'jennyrosen@example.com' })).data[0]!;
    assert.equal(c.stripe_customer_id, 'cus_NffrFeUfNV2Hib');
    assert.equal(c.created, 1680893993);
    assert.equal(new Date(parseInt(c.id.slice(0, 12), 16)).getTime() - c.created * 1000 < 1000, true, 'the id carries the creation time');
    assert.deepEqual(
      [c.company_name, c.balance, c.invoice_prefix, c.next_invoice_sequence, c.default_source, c.invoice_settings.default_payment_method, c.currency, c.tax_ids.map(({ type, value }) => ({ type, value })), c.shipping?.address?.country, c.metadata],
      ['Rosen Labs', -500, '0759376C', 3, 'card_1MvoXX2eZvKYlo2CxYm4q7vU', 'pm_123', null, [{ type: 'eu_vat', value: 'DE123456789' }], 'FR', { order_id: '6735' }],
    );

    // The dashboard's CSV export: its column names, a UTC date, metadata columns, columns that are not customer data here.
    const csvFile = join(p.dir, 'unified_customers.csv');
    writeFileSync(
      csvFile,
      [
        'id,Description,Email,Name,Phone,Created (UTC),Delinquent,Plan,Status,Total Spend,Payment Count,Refunded Volume,Dispute Losses,Address Line1,Address Line2,Address City,Address State,Address Country,Address Zip,Shipping Name,Shipping Address Line1,Shipping Address City,Shipping Address Country,Shipping Address Zip,Tax Exempt,Preferred Locales,Balance,Currency,Business Vat ID,tag (metadata),plan (metadata)',
        'cus_DashBoard00001,"VIP, early",dash1@example.com,Dash One,+33 1 23 45 67 89,2019-12-11 21:20,false,pro,active,120.00,3,0.00,0.00,1 Rue de Rivoli,,Paris,,FR,75001,Dash One,2 Rue,Lyon,FR,69001,exempt,"fr,en",-12.50,eur,FR12345678901,vip,gold',
        'cus_DashBoard00002,,dash2@example.com,Dash Two,,2020-01-02 03:04:05,false,,,0.00,0,0.00,0.00,,,,,,,,,,,,none,,0,usd,,,',
      ].join('\n') + '\n',
    );
    const d = await run(p, ['import', csvFile, '--tenant', t.wire, '--mode', 'test', '--json']);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stderr, /Ignoring CSV columns that are not customer data here: Delinquent, Plan, Status, Total Spend, Payment Count, Refunded Volume, Dispute Losses, Currency/);
    assert.equal(JSON.parse(d.stdout).imported, 2);
    const one = (await store.listCustomers(t.scope, { limit: 1, emailFolded: 'dash1@example.com' })).data[0]!;
    assert.deepEqual(
      {
        stripe: one.stripe_customer_id, description: one.description, name: one.name, phone: one.phone, created: one.created, address: one.address,
        shipping: one.shipping, tax_exempt: one.tax_exempt, locales: one.preferred_locales, balance: one.balance, tax_ids: one.tax_ids.map(({ type, value }) => ({ type, value })), metadata: one.metadata,
      },
      {
        stripe: 'cus_DashBoard00001', description: 'VIP, early', name: 'Dash One', phone: '+33 1 23 45 67 89', created: Date.UTC(2019, 11, 11, 21, 20) / 1000,
        address: { line1: '1 Rue de Rivoli', line2: null, city: 'Paris', state: null, postal_code: '75001', country: 'FR' },
        shipping: { name: 'Dash One', phone: null, address: { line1: '2 Rue', line2: null, city: 'Lyon', state: null, postal_code: '69001', country: 'FR' } },
        tax_exempt: 'exempt', locales: ['fr', 'en'], balance: -1250, tax_ids: [{ type: 'unknown', value: 'FR12345678901' }], metadata: { tag: 'vip', plan: 'gold' },
      },
    );
    const two = (await store.listCustomers(t.scope, { limit: 1, emailFolded: 'dash2@example.com' })).data[0]!;
    assert.deepEqual([two.created, two.address, two.shipping, two.metadata], [Date.UTC(2020, 0, 2, 3, 4, 5) / 1000, null, null, {}]);
  });

  it('reads stdin with --format; an NDJSON export keeps an address whose every line is empty', async () => {
    const t = await newTenant(store, 'Stdin');
    const env: NodeJS.ProcessEnv = { ...process.env, CLIENTELE_DATA_DIR: p.dir };
    for (const name of ['DATABASE_URL', 'NODE_TEST_CONTEXT', 'CLIENTELE_TEST_DATABASE_URL']) delete env[name];
    const child = spawn(process.execPath, [BIN, 'import', '-', '--format', 'csv', '--tenant', t.wire, '--mode', 'test', '--json'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stdin.end('email,name\nstdin1@example.com,One\nstdin2@example.com,Two\n');
    const [code] = await withTimeout(once(child, 'exit'), CHILD_TIMEOUT_MS, 'import from stdin');
    assert.equal(code, 0);
    assert.deepEqual([JSON.parse(out).imported, JSON.parse(out).checkpoint], [2, null]);
    const file = join(p.dir, 'empty-address.ndjson');
    writeFileSync(file, ndjson([{ name: 'Blank address', address: { line1: null, line2: null, city: null, state: null, postal_code: null, country: null } }]));
    assert.equal((await importFile(store, t.scope, file)).imported, 1);
    const blank = (await exported(store, t.scope)).trimEnd().split('\n').map((l) => JSON.parse(l)).find((c) => c.name === 'Blank address');
    assert.deepEqual(blank.address, { city: null, country: null, line1: null, line2: null, postal_code: null, state: null });
  });

  it('refuses bad invocations with exit 2', async () => {
    const t = await newTenant(store, 'Usage');
    const file = join(p.dir, 'u.ndjson');
    writeFileSync(file, '{"name":"x"}\n');
    // Refused while reading the arguments, before anything is opened: checked in-process.
    const refused: [string[], RegExp][] = [
      [['import', file, '--mode', 'test'], /import needs --tenant/],
      [['import', file, '--tenant', t.wire], /import needs --mode test\|live/],
      [['import', '--tenant', t.wire, '--mode', 'test'], /import takes one FILE/],
      [['import', file, '--tenant', t.wire, '--mode', 'test', '--format', 'xml'], /--format is ndjson, csv, json/],
      [['import', file, '--tenant', t.wire, '--mode', 'test', '--batch-size', '0'], /--batch-size is a whole number/],
      [['export', '--tenant', t.wire, '--mode', 'test', '--format', 'xml'], /--format is ndjson or csv/],
      [['export', 'file.ndjson', '--tenant', t.wire, '--mode', 'test'], /export takes no FILE/],
      [['export', '--tenant', t.wire], /export needs --mode/],
      [['import', '-', '--tenant', t.wire, '--mode', 'test'], /needs --format/],
    ];
    for (const [args, message] of refused) await assert.rejects(main(args), message, args.join(' '));
    // Refused by the import itself: the real command, exit 2.
    writeFileSync(join(p.dir, 'x.txt'), 'x');
    const badHeader = join(p.dir, 'bad.csv');
    writeFileSync(badHeader, 'email,emial\nx@example.com,y\n');
    const cases: [string[], RegExp][] = [
      [['import', join(p.dir, 'missing.ndjson'), '--tenant', t.wire, '--mode', 'test'], /No such file/],
      [['import', join(p.dir, 'x.txt'), '--tenant', t.wire, '--mode', 'test'], /Cannot tell the format/],
      [['import', file, '--tenant', t.wire, '--mode', 'test', '--resume'], /nothing to resume/],
      [['import', badHeader, '--tenant', t.wire, '--mode', 'test'], /Unknown column 'emial'/],
      [['import', file, '--mode', 'test'], /import needs --tenant/],
    ];
    const results = await Promise.all([...cases.map(([args]) => run(p, args)), run(p, ['import', file, '--tenant', 'biz_nope', '--mode', 'test'])]);
    cases.forEach(([args, message], i) => {
      const r = results[i]!;
      assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    });
    const unknownTenant = results[cases.length]!;
    assert.equal(unknownTenant.code, 1);
    assert.match(unknownTenant.stderr, /No such tenant/);
  });
});

// ---------------------------------------------------------------------------------------------
// Export streams

describe('exportCustomers', () => {
  it('reads a page only once the output has taken the one before (backpressure): memory stays flat', async () => {
    const dir = tempDir();
    const store = await SqliteStore.open(join(dir, 'clientele.sqlite'));
    try {
      const scope: CustomerScope = { tenantId: '0123456789abcdef01234567', mode: 'test' };
      await store.createTenant({ id: scope.tenantId, name: 'E', created: 1, settings: { ...DEFAULT_TENANT_SETTINGS } }, []);
      const n = 20_000;
      for (let from = 0; from < n; from += 5000) {
        const batch = Array.from({ length: 5000 }, (_, k) => newCustomer(scope, { ...variedPatch(from + k), email: `e${from + k}@example.com` }, Date.UTC(2024, 0, 1) + (from + k) * 1000));
        await store.insertCustomers(batch, batch.map(() => SYSTEM_WRITE));
      }
      let read = 0;
      let written = 0;
      let mostAhead = 0;
      const counting = new Proxy(store, {
        get(target, prop, receiver) {
          if (prop !== 'listCustomers') return Reflect.get(target, prop, receiver);
          return async (...args: Parameters<Store['listCustomers']>) => {
            const page = await target.listCustomers(...args);
            read += page.data.length;
            mostAhead = Math.max(mostAhead, read - written);
            return page;
          };
        },
      });
      // A slow reader: a small buffer, drained a little later each time.
      const sink = new Writable({
        highWaterMark: 16 * 1024,
        write(chunk: Buffer, _encoding, done) {
          written += chunk.toString('utf8').split('\n').length - 1;
          setTimeout(done, 1);
        },
      });
      const heapBefore = process.memoryUsage().heapUsed;
      let heapPeak = heapBefore;
      const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 5);
      const summary = await exportCustomers(counting, scope, sink, { pageSize: 500 });
      clearInterval(sampler);
      assert.equal(summary.customers, n);
      assert.equal(written, n);
      // Never more than the page being written and the one just read ahead of it.
      assert.ok(mostAhead <= 1000, `read ahead of the output by ${mostAhead} customers`);
      assert.ok(heapPeak - heapBefore < 64 * 1024 * 1024, `heap grew by ${Math.round((heapPeak - heapBefore) / 1e6)} MB`);
    } finally {
      await store.close();
    }
  });
});
