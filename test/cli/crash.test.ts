/**
 * Crash durability: a real `clientele serve` child process under a write load from 32 concurrent
 * clients is killed with SIGKILL at a random moment, then restarted on the same store (the same
 * data directory on SQLite, the same database on PostgreSQL). After every restart, through the
 * HTTP API of the new process:
 *
 *   - every write that had been answered 2xx is there, field for field (the customer's state is
 *     exactly the body of its last acknowledged write, unless a later write whose answer was lost
 *     to the kill applied on top of it: then exactly that write, applied whole);
 *   - a write answered with an error (here: updates and creates that take an e-mail another
 *     customer holds, refused 409 from inside the store's transaction) left nothing behind;
 *   - a write whose answer was lost (a network error: the kill) either applied completely or not
 *     at all, never partly: every write sets several fields at once, all carrying one token;
 *   - every committed write has exactly one event (the outbox), and after the last round every
 *     event reaches a webhook receiver at least once, each customer's in order (duplicates counted);
 *   - checkInvariants: no two live customers share an e-mail, the store's own rows agree with
 *     what the API lists, /healthz answers 200, no server logged a 5xx other than 503.
 *
 * Each customer is written by one client loop at a time, sequentially, so the order of the writes
 * to it is known; a loop stops at its first network error. Ownership is redistributed every round,
 * so customers written before earlier crashes are written again after them.
 *
 * 20 rounds per store (CRASH_ROUNDS), one store for all of them; the kill comes 150–1200 ms after
 * the load starts, drawn from a seeded PRNG: CRASH_SEED=<n> repeats a run's choices (not its
 * timing, which the machine decides).
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createTestDatabase, ownPostgresForFile, PG_SKIP_REASON, type TestDatabase } from '../helpers/postgres.ts';
import { cliHarness, withTimeout, type Served } from '../helpers/cli.ts';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';
import { toPrefixed } from '../../src/formats/ids.ts';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 20);
const CLIENTS = 32;
const KILL_MIN_MS = 150;
const KILL_MAX_MS = 1200;
/** Anchor customers: written once before the first round, never again; their e-mails are what conflicting writes take. */
const ANCHORS = 3;
const SEED = process.env.CRASH_SEED !== undefined ? Number(process.env.CRASH_SEED) >>> 0 : randomBytes(4).readUInt32BE(0);
/** Generous: the child compiles its TypeScript through tsx at every start. */
const CHILD_TIMEOUT_MS = 45_000;
/** A request that has not been answered in this long is a hang, recorded as an unknown outcome. */
const REQUEST_TIMEOUT_MS = 20_000;
/** A killed server's claims lapse after 2 × the webhook timeout + 5 s (15 s here); then they are sent again. The receiver shares this busy process: a generous timeout keeps its slow answers from counting as failures. */
const WEBHOOK_ENV = { CLIENTELE_WEBHOOK_ALLOW_PRIVATE: '1', CLIENTELE_WEBHOOK_TIMEOUT_MS: '5000' };
const DRAIN_TIMEOUT_MS = 120_000;

// SIGTERM drains requests for up to 10 s (serve.ts), then finishes the deliveries in flight.
const { tempDir, startServe } = cliHarness({ prefix: 'clientele-crash-', timeoutMs: CHILD_TIMEOUT_MS, stopTimeoutMs: 30_000 });

ownPostgresForFile();

// ---------------------------------------------------------------------------------------------
// Seeded randomness: one stream per (store, round, client), so a client's choices do not depend
// on how the loops interleave.

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: a uniform float in [0, 1) per call. */
function prng(...parts: (string | number)[]): () => number {
  let a = fnv1a(`${SEED}/${parts.join('/')}`);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

// ---------------------------------------------------------------------------------------------
// HTTP

/** A customer as the native API prints it. */
type Wire = Record<string, any> & { id: string };
type Params = Record<string, unknown>;

type Outcome =
  /** A whole 2xx response: the write is acknowledged. */
  | { kind: 'ack'; status: number; body: any }
  /** A whole non-2xx response: the write was refused. */
  | { kind: 'error'; status: number; body: any; text: string }
  /** No whole response (connection reset or refused, timeout): it may or may not have applied. */
  | { kind: 'unknown'; error: string };

/** Bracket notation, as Stripe's SDKs send it: `address[city]=…`, `metadata[k]=…`. */
function toForm(params: Params): string {
  const out = new URLSearchParams();
  const walk = (prefix: string, value: unknown) => {
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}[${k}]` : k, v);
    } else {
      out.append(prefix, value === null ? '' : String(value));
    }
  };
  walk('', params);
  return out.toString();
}

async function send(base: string, key: string, method: string, path: string, params?: Params, encoding: 'form' | 'json' = 'form'): Promise<Outcome> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  let body: string | undefined;
  if (params) {
    headers['content-type'] = encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
    body = encoding === 'json' ? JSON.stringify(params) : toForm(params);
  }
  let status: number;
  let text: string;
  try {
    const res = await fetch(base + path, { method, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...(body !== undefined ? { body } : {}) });
    status = res.status;
    text = await res.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return { kind: 'unknown', error: e.cause?.code ?? e.cause?.message ?? e.name ?? e.message };
  }
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return status >= 200 && status < 300 ? { kind: 'ack', status, body: parsed } : { kind: 'error', status, body: parsed, text };
}

async function getJson(base: string, key: string | null, path: string): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(base + path, { headers: key ? { authorization: `Bearer ${key}` } : {}, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

// ---------------------------------------------------------------------------------------------
// The model: every customer the test ever wrote, and every write of the current round

interface Write {
  round: number;
  client: number;
  seq: number;
  /** Carried by every field the write sets: two tokens on one customer would be a write applied in part. */
  token: string;
  kind: 'create' | 'update' | 'delete';
  /** Takes an anchor's e-mail: must be refused 409, and leave nothing behind. */
  conflict: boolean;
  params?: Params;
  encoding: 'form' | 'json';
  /** ms after the load started. */
  sentAt: number;
  answeredAt?: number;
  outcome?: Outcome;
}

interface Tracked {
  /** The token of the create; every customer keeps it as metadata.marker, which finds it when its create's answer was lost. */
  marker: string;
  anchor: boolean;
  /** cus_…, once an answer or the list after a restart told it. */
  id: string | null;
  /** The state verified after the last restart (or acknowledged before round 1, for anchors); 'absent' until created. */
  state: Wire | 'absent';
  /** This round's writes, in the order they were sent (one client, sequentially). */
  pending: Write[];
}

const describeWrite = (w: Write) =>
  `${w.conflict ? 'conflicting ' : ''}${w.kind} ${w.token} (${w.encoding}, sent at ${Math.round(w.sentAt)} ms, ` +
  (w.outcome?.kind === 'ack'
    ? `answered ${w.outcome.status} at ${Math.round(w.answeredAt!)} ms)`
    : w.outcome?.kind === 'error'
      ? `answered ${w.outcome.status} ${w.outcome.text.slice(0, 200)})`
      : `no answer: ${w.outcome?.kind === 'unknown' ? w.outcome.error : 'never settled'})`);

/** What a customer may look like after the restart. */
type Expect =
  | { kind: 'absent'; by: string }
  | { kind: 'deleted'; by: string }
  /** Exactly this body, as an answer printed it (or as verified after the previous restart). */
  | { kind: 'exact'; body: Wire; by: string }
  /** A create whose answer was lost, applied: the fields it sent. */
  | { kind: 'created'; params: Params; by: string }
  /** An update whose answer was lost, applied whole on top of `base`. */
  | { kind: 'updated'; base: Wire; params: Params; by: string };

type Observed = { kind: 'live'; body: Wire } | { kind: 'deleted' } | { kind: 'absent' };

const ADDRESS_FIELDS = ['city', 'country', 'line1', 'line2', 'postal_code', 'state'] as const;

/** The address a whole-replacement `address` parameter leaves: the fields not given are null. */
function addressOf(param: Record<string, string>): Record<string, string | null> {
  return Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, param[f] ?? null]));
}

/** Stripe's metadata merge: "" removes a key, others set theirs, the rest stay. */
function mergeMetadata(current: Record<string, string>, patch: Record<string, string>): Record<string, string> {
  const out = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}

/** The fields each write of this test sets. */
function fieldsOf(params: Params, base: Wire | null): Record<string, unknown> {
  return {
    name: params.name,
    phone: params.phone,
    description: params.description,
    address: addressOf(params.address as Record<string, string>),
    metadata: mergeMetadata(base ? (base.metadata as Record<string, string>) : {}, params.metadata as Record<string, string>),
    ...(params.email !== undefined ? { email: params.email } : {}),
  };
}

/** Why `observed` is not what `expect` allows, or null when it is. */
function mismatch(expect: Expect, observed: Observed): string | null {
  switch (expect.kind) {
    case 'absent':
    case 'deleted':
      return observed.kind === expect.kind ? null : `expected ${expect.kind}, found ${observed.kind}`;
    case 'exact': {
      if (observed.kind !== 'live') return `expected the customer, found ${observed.kind}`;
      const diff = Object.keys({ ...expect.body, ...observed.body }).filter((k) => !isDeepStrictEqual(expect.body[k], observed.body[k]));
      return diff.length === 0 ? null : `fields differ: ${diff.map((k) => `${k}: ${JSON.stringify(observed.body[k])} instead of ${JSON.stringify(expect.body[k])}`).join('; ')}`;
    }
    case 'created': {
      if (observed.kind !== 'live') return `expected the customer, found ${observed.kind}`;
      const want = fieldsOf(expect.params, null);
      const diff = Object.keys(want).filter((k) => !isDeepStrictEqual(want[k], observed.body[k]));
      if (observed.body.object !== 'customer' || observed.body.livemode !== false) diff.push('object/livemode');
      return diff.length === 0 ? null : `fields differ: ${diff.map((k) => `${k}: ${JSON.stringify(observed.body[k])} instead of ${JSON.stringify(want[k])}`).join('; ')}`;
    }
    case 'updated': {
      if (observed.kind !== 'live') return `expected the customer, found ${observed.kind}`;
      const want: Record<string, unknown> = { ...expect.base, ...fieldsOf(expect.params, expect.base) };
      const diff = Object.keys({ ...want, ...observed.body }).filter((k) => k !== 'updated' && !isDeepStrictEqual(want[k], observed.body[k]));
      if (!(observed.body.updated >= expect.base.updated)) diff.push('updated');
      return diff.length === 0 ? null : `fields differ: ${diff.map((k) => `${k}: ${JSON.stringify(observed.body[k])} instead of ${JSON.stringify(want[k])}`).join('; ')}`;
    }
  }
}

/** The write tokens a customer's fields carry: more than one means a write applied in part. */
function tokensOf(c: Wire): Set<string> {
  const found = [c.name, c.phone, c.description, c.address?.line1, c.address?.city, c.metadata?.last]
    .filter((v): v is string => typeof v === 'string')
    .map((v) => /r\d+c\d+s\d+/.exec(v)?.[0] ?? `?${v}`);
  return new Set(found);
}

function describeObserved(o: Observed): string {
  if (o.kind !== 'live') return o.kind;
  const { id, email, name, phone, description, address, metadata, updated } = o.body;
  return JSON.stringify({ id, email, name, phone, description, address, metadata, updated });
}

// ---------------------------------------------------------------------------------------------
// One store under test

interface StoreUnderTest {
  kind: 'sqlite' | 'postgres';
  dataDir: string;
  env: Record<string, string>;
  /** Reads the store directly (SQLite `?` placeholders, PostgreSQL `$1`), bypassing the server. */
  query(sql: string, params?: unknown[]): Promise<Record<string, any>[]>;
}

/** What a round hands to checkInvariants: extend it when a check needs more (history rows, idempotency keys, …). */
interface RoundContext {
  store: StoreUnderTest;
  round: number;
  key: string;
  /** The server restarted after this round's kill. */
  server: Served;
  /** The server this round killed. */
  killed: Served;
  /** Every live customer, as the restarted server lists them. */
  live: Wire[];
  /** This round's writes. */
  writes: Write[];
  /** Every customer the test tracks, after this round's verification (deleted and never-created ones dropped). */
  tracked: Tracked[];
}

interface Invariant {
  name: string;
  /** The violations found; empty when the invariant holds. */
  check(ctx: RoundContext): Promise<string[]>;
}

/** Log lines of requests answered 5xx other than 503, and errors logged as unhandled or fatal. */
function serverErrors(server: Served): string[] {
  return server
    .stdout()
    .split('\n')
    .filter((l) => /"statusCode":5(?!03)\d\d/.test(l) || /unhandled error/.test(l) || /"level":(?:50|60)/.test(l));
}

/**
 * Invariants checked after every restart, beside the per-write verification. Add new ones here:
 * `ctx.store.query` reads the store directly.
 */
const INVARIANTS: Invariant[] = [
  {
    name: 'the restarted server answers /healthz 200',
    async check(ctx) {
      const r = await getJson(ctx.server.url, null, '/healthz');
      return r.status === 200 && r.body?.status === 'ok' ? [] : [`/healthz answered ${r.status} ${r.text}`];
    },
  },
  {
    name: 'no two live customers share an e-mail (case-insensitively; uniqueness is enforced for the default tenant)',
    async check(ctx) {
      const byEmail = new Map<string, string[]>();
      for (const c of ctx.live) {
        if (typeof c.email !== 'string') continue;
        const k = c.email.toLowerCase();
        byEmail.set(k, [...(byEmail.get(k) ?? []), c.id]);
      }
      return [...byEmail].filter(([, ids]) => ids.length > 1).map(([email, ids]) => `${email} is held by ${ids.join(', ')}`);
    },
  },
  {
    name: "the store's own rows agree with the API: the same live customers, by e-mail",
    async check(ctx) {
      const rows = await ctx.store.query(`SELECT email FROM customers WHERE deleted_at IS NULL AND mode = 'test'`);
      const stored = rows.map((r) => String(r.email)).sort();
      const listed = ctx.live.map((c) => String(c.email)).sort();
      if (isDeepStrictEqual(stored, listed)) return [];
      const s = new Set(stored);
      const l = new Set(listed);
      return [
        `the store holds ${stored.length} live test-mode customers, the API lists ${listed.length}; ` +
          `only in the store: ${JSON.stringify(stored.filter((e) => !l.has(e)).slice(0, 5))}, only listed: ${JSON.stringify(listed.filter((e) => !s.has(e)).slice(0, 5))}`,
      ];
    },
  },
  {
    name: 'every customer has exactly one history entry per write, numbered 1..version (history is written in the write\'s transaction)',
    async check(ctx) {
      const rows = await ctx.store.query(
        `SELECT c.id, c.version, count(h.version) AS entries, min(h.version) AS low, max(h.version) AS high
           FROM customers c LEFT JOIN customer_history h ON h.tenant_id = c.tenant_id AND h.mode = c.mode AND h.customer_id = c.id
          GROUP BY c.id, c.version`,
      );
      return rows
        .filter((r) => Number(r.entries) !== Number(r.version) || Number(r.low) !== 1 || Number(r.high) !== Number(r.version))
        .slice(0, 5)
        .map((r) => `customer ${r.id} at version ${r.version} has ${r.entries} history entries (${r.low}..${r.high})`);
    },
  },
  {
    name: 'every committed write has exactly one event, versions 1..version (the outbox is in the write\'s transaction)',
    async check(ctx) {
      const rows = await ctx.store.query(
        `SELECT c.id, c.version, count(e.id) AS events, count(DISTINCT e.customer_version) AS versions, min(e.customer_version) AS low, max(e.customer_version) AS high
           FROM customers c LEFT JOIN events e ON e.tenant_id = c.tenant_id AND e.mode = c.mode AND e.customer_id = c.id
          GROUP BY c.id, c.version`,
      );
      return rows
        .filter((r) => Number(r.events) !== Number(r.version) || Number(r.versions) !== Number(r.version) || Number(r.low) !== 1 || Number(r.high) !== Number(r.version))
        .slice(0, 5)
        .map((r) => `customer ${r.id} at version ${r.version} has ${r.events} events (${r.versions} distinct versions, ${r.low}..${r.high})`);
    },
  },
  {
    name: 'no server process answered or logged a 5xx other than 503',
    async check(ctx) {
      return [...serverErrors(ctx.killed).map((l) => `killed server: ${l}`), ...serverErrors(ctx.server).map((l) => `restarted server: ${l}`)];
    },
  },
];

async function checkInvariants(ctx: RoundContext): Promise<string[]> {
  const out: string[] = [];
  for (const inv of INVARIANTS) {
    for (const v of await inv.check(ctx)) out.push(`invariant "${inv.name}": ${v}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The rounds

interface Summary {
  store: string;
  rounds: number;
  serverStarts: number;
  /** Writes sent, by kind. */
  sent: { create: number; update: number; delete: number; conflicting: number };
  /** Answered 2xx. */
  acked: number;
  /** Acknowledged writes consistent with the state found after the restart. */
  ackedIntact: number;
  /** Of those, the last acknowledged write of its customer in its round: its whole answer compared with what the restart shows. */
  ackedComparedWhole: number;
  /** Acknowledged less than 100 ms before the SIGKILL (or read just after it). */
  ackedLast100ms: number;
  /** Customers not written in a round, found exactly as the previous restart showed them (summed over rounds). */
  untouchedIntact: number;
  /** Answered with an error; all 409 for the conflicting writes, or a violation. */
  refused: Record<number, number>;
  /** No answer (the kill): applied whole, or not at all. */
  unknown: { total: number; applied: number; notApplied: number };
  verificationRequests: number;
  liveAtEnd: number;
  killDelays: number[];
  restartMs: number[];
  wallMs: number;
  /** Webhooks: events recorded, events the receiver got, deliveries it got in all (the excess are duplicates), customers whose events arrived out of order. */
  webhooks: { events: number; received: number; deliveries: number; outOfOrder: number; drainMs: number };
}

const ms = (n: number) => `${Math.round(n)} ms`;

/**
 * The two stores run side by side, each round's load starting together: then the two restarts
 * (the bulk of the wall time: each child compiles and loads the app) overlap with each other
 * rather than with the other store's load, which on a 2-core machine makes them twice as slow.
 * Only a matter of speed: a store that finishes, fails or is skipped leaves, and a store never
 * waits more than BARRIER_MAX_WAIT_MS for the other.
 */
class Barrier {
  private readonly parties: Set<string>;
  private readonly waiting = new Map<string, () => void>();
  constructor(parties: string[]) {
    this.parties = new Set(parties);
  }
  arrive(party: string): Promise<void> {
    if (!this.parties.has(party)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.leave(party), BARRIER_MAX_WAIT_MS);
      this.waiting.set(party, () => {
        clearTimeout(timer);
        resolve();
      });
      this.release();
    });
  }
  leave(party: string): void {
    this.parties.delete(party);
    this.waiting.get(party)?.();
    this.waiting.delete(party);
    this.release();
  }
  private release(): void {
    if (this.waiting.size === 0 || ![...this.parties].every((p) => this.waiting.has(p))) return;
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const go of all) go();
  }
}
const BARRIER_MAX_WAIT_MS = 60_000;
const roundStart = new Barrier(['sqlite', ...(PG_SKIP_REASON ? [] : ['postgres'])]);

function keyFromBanner(banner: string): string {
  const key = /sk_test_[0-9A-Za-z]+/.exec(banner)?.[0];
  assert.ok(key, `the first start prints the test key:\n${banner}`);
  return key;
}

/** Every live customer, through list pagination (newest first). */
async function listAll(base: string, key: string, summary: Summary): Promise<Wire[]> {
  const all: Wire[] = [];
  let after: string | undefined;
  for (;;) {
    const r = await getJson(base, key, `/v1/customers?limit=100${after ? `&starting_after=${after}` : ''}`);
    summary.verificationRequests++;
    assert.equal(r.status, 200, `list after restart: ${r.text}`);
    all.push(...r.body.data);
    if (!r.body.has_more) return all;
    after = r.body.data[r.body.data.length - 1].id;
  }
}

function createParams(token: string, round: number, client: number, seq: number, rng: () => number, email: string): Params {
  return {
    email,
    name: `Create ${token}`,
    phone: `tel ${token}`,
    description: `create ${token}`,
    address: { line1: `${token} Main St`, line2: `Suite ${token}`, city: `City ${token}`, postal_code: String(10000 + Math.floor(rng() * 89999)), state: 'CA', country: pick(rng, ['US', 'FR', 'DE', 'GB']) },
    metadata: { marker: token, round: String(round), client: String(client), seq: String(seq), last: token },
  };
}

function updateParams(token: string, seq: number, rng: () => number): Params {
  // The address is replaced whole: sometimes without line2/state, which must then read null.
  const address: Record<string, string> = { line1: `${token} Update Ave`, city: `City ${token}`, postal_code: String(10000 + Math.floor(rng() * 89999)), country: pick(rng, ['US', 'FR', 'DE', 'GB', 'JP']) };
  if (rng() < 0.5) Object.assign(address, { line2: `Floor ${token}`, state: 'NY' });
  return {
    name: `Update ${token}`,
    phone: `tel ${token}`,
    description: `update ${token}`,
    address,
    // One key set, another removed, `last` moved, the rest kept.
    metadata: { last: token, [`k${seq % 3}`]: token, [`k${(seq + 1) % 3}`]: '' },
  };
}

async function runStore(t: TestContext, store: StoreUnderTest): Promise<Summary> {
  try {
    return await runRounds(t, store);
  } finally {
    roundStart.leave(store.kind);
  }
}

async function runRounds(t: TestContext, store: StoreUnderTest): Promise<Summary> {
  const wallStart = performance.now();
  const summary: Summary = {
    store: store.kind,
    rounds: 0,
    serverStarts: 0,
    sent: { create: 0, update: 0, delete: 0, conflicting: 0 },
    acked: 0,
    ackedIntact: 0,
    ackedComparedWhole: 0,
    ackedLast100ms: 0,
    untouchedIntact: 0,
    refused: {},
    unknown: { total: 0, applied: 0, notApplied: 0 },
    verificationRequests: 0,
    liveAtEnd: 0,
    killDelays: [],
    restartMs: [],
    wallMs: 0,
    webhooks: { events: 0, received: 0, deliveries: 0, outOfOrder: 0, drainMs: 0 },
  };
  const log = (line: string) => t.diagnostic(`[${store.kind}] ${line}`);

  let server = await startServe(store.dataDir, store.env);
  summary.serverStarts++;
  const key = keyFromBanner(server.banner);
  // Every event goes to a receiver in this process, which answers 200 whoever sends it.
  const receiver = await startReceiver();
  const endpoint = await send(server.url, key, 'POST', '/v1/webhook_endpoints', { url: receiver.url, 'enabled_events[0]': '*' });
  assert.equal(endpoint.kind, 'ack', `webhook endpoint: ${JSON.stringify(endpoint)}`);

  // Anchors: their e-mails are taken for good, so conflicting writes must be refused.
  const tracked = new Map<string, Tracked>();
  const anchors: Tracked[] = [];
  for (let i = 0; i < ANCHORS; i++) {
    const token = `r0c${i}s0`;
    const r = await send(server.url, key, 'POST', '/v1/customers', createParams(token, 0, i, 0, prng(store.kind, 'anchor', i), `anchor-${i}-${SEED}@crash.example`));
    assert.equal(r.kind, 'ack', `anchor create: ${JSON.stringify(r)}`);
    const a: Tracked = { marker: token, anchor: true, id: (r as { body: Wire }).body.id, state: (r as { body: Wire }).body, pending: [] };
    tracked.set(a.marker, a);
    anchors.push(a);
  }

  for (let round = 1; round <= ROUNDS; round++) {
    const roundRng = prng(store.kind, round);
    const killDelay = KILL_MIN_MS + Math.floor(roundRng() * (KILL_MAX_MS - KILL_MIN_MS + 1));
    summary.killDelays.push(killDelay);

    // Hand out the live customers: each is written by one client loop this round.
    const owned: Tracked[][] = Array.from({ length: CLIENTS }, () => []);
    for (const tr of tracked.values()) {
      if (tr.anchor || tr.state === 'absent') continue;
      owned[Math.floor(roundRng() * CLIENTS)]!.push(tr);
    }

    await roundStart.arrive(store.kind);
    const writes: Write[] = [];
    let killed = false;
    let killAt = Infinity;
    const loadStart = performance.now();
    const now = () => performance.now() - loadStart;
    const violations: string[] = [];

    const clientLoop = async (client: number) => {
      const rng = prng(store.kind, round, client);
      const mine = owned[client]!;
      for (let seq = 0; !killed; seq++) {
        const token = `r${round}c${client}s${seq}`;
        const encoding = rng() < 0.5 ? 'json' : 'form';
        const r = rng();
        let w: Write;
        let target: Tracked;
        let method: string;
        let path: string;
        if (mine.length === 0 || r < 0.4) {
          // A create; one in twenty takes an anchor's e-mail (upper-cased: uniqueness ignores case).
          const conflict = r < 0.02;
          const email = conflict ? String((pick(rng, anchors).state as Wire).email).toUpperCase() : `c-${token}-${SEED}@crash.example`;
          w = { round, client, seq, token, kind: 'create', conflict, params: createParams(token, round, client, seq, rng, email), encoding, sentAt: now() };
          target = { marker: token, anchor: false, id: null, state: 'absent', pending: [] };
          tracked.set(token, target);
          method = 'POST';
          path = '/v1/customers';
        } else {
          target = pick(rng, mine);
          method = 'POST';
          path = `/v1/customers/${target.id}`;
          if (r < 0.87) {
            // An update of several fields; about one in sixteen also takes an anchor's e-mail.
            const conflict = r < 0.43;
            const params = updateParams(token, seq, rng);
            if (conflict) params.email = String((pick(rng, anchors).state as Wire).email).toUpperCase();
            w = { round, client, seq, token, kind: 'update', conflict, params, encoding, sentAt: now() };
          } else {
            w = { round, client, seq, token, kind: 'delete', conflict: false, encoding, sentAt: now() };
            method = 'DELETE';
          }
        }
        target.pending.push(w);
        writes.push(w);
        summary.sent[w.kind]++;
        if (w.conflict) summary.sent.conflicting++;

        const outcome = await send(server.url, key, method, path, w.params, encoding);
        w.outcome = outcome;
        w.answeredAt = now();
        if (outcome.kind === 'unknown') {
          if (!killed) violations.push(`client ${client}: ${describeWrite(w)}: a network error before the kill`);
          return;
        }
        if (outcome.kind === 'error') continue;
        if (w.kind === 'create') {
          target.id = outcome.body.id;
          if (!w.conflict) mine.push(target);
        } else if (w.kind === 'delete') {
          mine.splice(mine.indexOf(target), 1);
        }
      }
    };

    const loops = Promise.all(Array.from({ length: CLIENTS }, (_, c) => clientLoop(c)));
    const victim = server;
    const timer = setTimeout(() => {
      killed = true;
      killAt = now();
      victim.child.kill('SIGKILL');
    }, killDelay);
    await withTimeout(loops, REQUEST_TIMEOUT_MS + 10_000, `round ${round}: the client loops`);
    if (!killed) {
      clearTimeout(timer);
      killed = true;
      violations.push(`the server died by itself before the kill (${victim.child.exitCode ?? victim.child.signalCode})\nstderr: ${victim.stderr()}`);
      victim.child.kill('SIGKILL');
    }
    const exit = await withTimeout(victim.exited, 10_000, `round ${round}: the killed server exiting`);
    if (exit.signal !== 'SIGKILL' && violations.length === 0) violations.push(`the killed server exited ${JSON.stringify(exit)}, not by SIGKILL`);

    const restartStart = performance.now();
    server = await startServe(store.dataDir, store.env);
    summary.serverStarts++;
    const restartMs = performance.now() - restartStart;
    summary.restartMs.push(restartMs);
    assert.doesNotMatch(server.banner, /sk_test_/, 'a restart on the same store must not provision the tenant again');

    // ---- Verification, through the restarted server.
    const live = await listAll(server.url, key, summary);
    const byId = new Map<string, Wire>();
    const byMarker = new Map<string, Wire>();
    for (const c of live) {
      if (byId.has(c.id)) violations.push(`the list shows ${c.id} twice`);
      byId.set(c.id, c);
      if (typeof c.metadata?.marker === 'string') byMarker.set(c.metadata.marker, c);
    }
    const accounted = new Set<string>();
    let roundAcked = 0;
    let roundRefused = 0;
    let roundUnknown = 0;
    let roundApplied = 0;

    for (const tr of [...tracked.values()]) {
      // What the restart may show: the last acknowledged state, or that plus the write in flight.
      let cur: Expect = tr.state === 'absent' ? { kind: 'absent', by: 'never created' } : { kind: 'exact', body: tr.state, by: 'as verified after the previous restart' };
      let inFlight: { write: Write; applied: Expect | null } | null = null;
      const trViolations: string[] = [];
      for (const w of tr.pending) {
        const o = w.outcome!;
        if (o.kind === 'ack') {
          summary.acked++;
          roundAcked++;
          if (killAt - w.answeredAt! < 100) summary.ackedLast100ms++;
          if (w.conflict) trViolations.push(`${describeWrite(w)}: took an e-mail a live anchor holds and was acknowledged`);
          // The answer itself must show the write.
          const shown: Observed = w.kind === 'delete' ? (o.body?.deleted === true && o.body?.id === tr.id ? { kind: 'deleted' } : { kind: 'live', body: o.body }) : { kind: 'live', body: o.body };
          const should = applyTo(cur, w);
          if (should) {
            const why = should.kind === 'exact' ? null : mismatch(should, shown);
            if (why) trViolations.push(`${describeWrite(w)}: its 2xx answer does not show the write: ${why}`);
          }
          cur = w.kind === 'delete' ? { kind: 'deleted', by: describeWrite(w) } : { kind: 'exact', body: o.body, by: describeWrite(w) };
        } else if (o.kind === 'error') {
          summary.refused[o.status] = (summary.refused[o.status] ?? 0) + 1;
          roundRefused++;
          const expected = w.conflict && o.status === 409 && o.body?.error?.code === 'resource_already_exists' && o.body?.error?.param === 'email';
          if (!expected) trViolations.push(`${describeWrite(w)}: an unexpected refusal`);
        } else {
          summary.unknown.total++;
          roundUnknown++;
          inFlight = { write: w, applied: w.conflict ? null : applyTo(cur, w) };
        }
      }
      const allowed: Expect[] = [cur, ...(inFlight?.applied ? [inFlight.applied] : [])];

      let observed: Observed;
      if (tr.id !== null) {
        const c = byId.get(tr.id);
        if (c) observed = { kind: 'live', body: c };
        else {
          const r = await getJson(server.url, key, `/v1/customers/${tr.id}`);
          summary.verificationRequests++;
          if (r.status === 200 && r.body?.deleted === true) observed = { kind: 'deleted' };
          else if (r.status === 404) observed = { kind: 'absent' };
          else {
            trViolations.push(`retrieve ${tr.id}: ${r.status} ${r.text} although the list does not show it`);
            observed = { kind: 'absent' };
          }
        }
      } else {
        const c = byMarker.get(tr.marker);
        observed = c ? { kind: 'live', body: c } : { kind: 'absent' };
      }
      if (observed.kind === 'live') accounted.add(observed.body.id);

      const matched = allowed.find((e) => mismatch(e, observed) === null);
      if (!matched) {
        const tokens = observed.kind === 'live' ? tokensOf(observed.body) : new Set<string>();
        trViolations.push(
          `customer ${tr.id ?? '(id never answered)'} marker ${tr.marker}: after the restart ${describeObserved(observed)}` +
            (tokens.size > 1 ? ` — MIXED TOKENS ${[...tokens].join(', ')}: a write applied in part` : '') +
            `; allowed: ${allowed.map((e) => `[${e.kind}, after ${e.by}: ${mismatch(e, observed)}]`).join(' or ')}` +
            `; this round's writes: ${tr.pending.map(describeWrite).join(' → ') || 'none'}`,
        );
      } else if (observed.kind === 'live' && tokensOf(observed.body).size !== 1) {
        trViolations.push(`customer ${observed.body.id}: tokens ${[...tokensOf(observed.body)].join(', ')}`);
      }
      if (inFlight && matched) {
        if (matched === inFlight.applied) {
          summary.unknown.applied++;
          roundApplied++;
        } else summary.unknown.notApplied++;
      }
      if (trViolations.length === 0) {
        const acks = tr.pending.filter((w) => w.outcome?.kind === 'ack');
        summary.ackedIntact += acks.length;
        if (acks.length > 0) summary.ackedComparedWhole++;
        if (tr.pending.length === 0) summary.untouchedIntact++;
      }
      violations.push(...trViolations);

      // The state found becomes the next round's starting point.
      tr.pending = [];
      if (observed.kind === 'live') {
        tr.id = observed.body.id;
        tr.state = observed.body;
      } else {
        tracked.delete(tr.marker);
      }
    }
    for (const c of live) {
      if (!accounted.has(c.id)) violations.push(`a live customer no write of the test can explain: ${describeObserved({ kind: 'live', body: c })}`);
    }

    violations.push(
      ...(await checkInvariants({ store, round, key, server, killed: victim, live, writes, tracked: [...tracked.values()] })),
    );
    summary.rounds++;
    log(
      `round ${round}: kill at ${ms(killAt)} (drawn ${killDelay} ms); ${writes.length} writes sent, ${roundAcked} acknowledged, ${roundRefused} refused 409, ` +
        `${roundUnknown} cut off by the kill (${roundApplied} of them had applied); restart ${ms(restartMs)}; ${live.length} live customers` +
        (violations.length ? `; ${violations.length} VIOLATIONS` : ''),
    );
    if (violations.length > 0) {
      log(formatSummary(summary, performance.now() - wallStart));
      assert.fail(`[${store.kind}] round ${round}, seed ${SEED}: ${violations.length} violations:\n  ${violations.slice(0, 30).join('\n  ')}`);
    }
  }

  summary.liveAtEnd = tracked.size;
  await drainWebhooks(store, receiver, summary, log, server, key, (endpoint as { body: { id: string } }).body.id);
  await receiver.close();
  const exit = await server.stop();
  assert.deepEqual(exit, { code: 0, signal: null }, `the last server stops on SIGTERM with exit 0\nstderr: ${server.stderr()}`);
  summary.wallMs = performance.now() - wallStart;
  return summary;
}

/**
 * After the last round: every event recorded reaches the receiver at least once (a killed
 * server's claimed deliveries go out again once their claim lapses), and each customer's events
 * first arrive in the order they happened. Duplicates (a delivery the receiver got but whose
 * record the kill prevented) are counted, not refused: delivery is at least once.
 */
async function drainWebhooks(store: StoreUnderTest, receiver: Receiver, summary: Summary, log: (line: string) => void, server: Served, key: string, endpointId: string): Promise<void> {
  const rows = await store.query('SELECT id, customer_id, customer_version FROM events');
  const expected = new Map(rows.map((r) => [toPrefixed('evt', String(r.id)), { customer: String(r.customer_id), version: Number(r.customer_version) }]));
  const started = performance.now();
  // Each body parsed once: the receiver shares this process's event loop, and a slow predicate
  // would make its answers late enough to time out.
  const seenIds = new Set<string>();
  let parsed = 0;
  const got = () => {
    for (; parsed < receiver.received.length; parsed++) seenIds.add(JSON.parse(receiver.received[parsed]!.body).id as string);
    return seenIds;
  };
  // An attempt that timed out while this process was busy verifying waits for its retry (5 s, then
  // 5 min): ask for every such retry now, through the API that exists for it.
  const retryNow = setInterval(() => void retryPending(server.url, key, endpointId), 5_000);
  try {
    await receiver.waitFor(() => got().size >= expected.size && [...expected.keys()].every((id) => seenIds.has(id)), DRAIN_TIMEOUT_MS, `${expected.size} events, ${[...expected.keys()].filter((id) => !got().has(id)).length} still missing`);
  } catch (err) {
    const missing = rows.filter((r) => !got().has(toPrefixed('evt', String(r.id)))).slice(0, 5);
    const states = [];
    for (const r of missing) {
      const deliveries = await store.query(
        `SELECT d.state, d.seq, d.attempts, d.schedule_from, d.next_attempt_at, d.claimed_by,
                (SELECT a.error FROM webhook_attempts a WHERE a.delivery_id = d.id ORDER BY a.attempt DESC LIMIT 1) AS last_error,
                (SELECT a.status_code FROM webhook_attempts a WHERE a.delivery_id = d.id ORDER BY a.attempt DESC LIMIT 1) AS last_status
           FROM webhook_deliveries d WHERE d.event_id = '${String(r.id)}'`,
      );
      const queue = await store.query(`SELECT d.state, d.seq FROM webhook_deliveries d WHERE d.customer_id = '${String(r.customer_id)}' ORDER BY d.seq`);
      states.push(`event ${String(r.id)} (v${String(r.customer_version)}): ${JSON.stringify(deliveries)}; its customer's queue ${JSON.stringify(queue)}`);
    }
    assert.fail(`[${store.kind}] ${(err as Error).message} (now ${Date.now()}):\n  ${states.join('\n  ')}`);
  }
  clearInterval(retryNow);
  summary.webhooks.drainMs = performance.now() - started;
  const firstSeen: { customer: string; version: number }[] = [];
  const seen = new Set<string>();
  for (const r of receiver.received) {
    const id = JSON.parse(r.body).id as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const event = expected.get(id);
    if (event) firstSeen.push(event);
  }
  const last = new Map<string, number>();
  const outOfOrder = new Set<string>();
  for (const { customer, version } of firstSeen) {
    if ((last.get(customer) ?? 0) > version) outOfOrder.add(customer);
    last.set(customer, version);
  }
  summary.webhooks = { ...summary.webhooks, events: expected.size, received: seen.size, deliveries: receiver.received.length, outOfOrder: outOfOrder.size };
  log(`webhooks: ${expected.size} events, all received (${receiver.received.length - seen.size} duplicates) ${ms(summary.webhooks.drainMs)} after the last round`);
  assert.equal(outOfOrder.size, 0, `[${store.kind}] customers whose events arrived out of order: ${[...outOfOrder].slice(0, 5).join(', ')}`);
}

/** Retries now every pending delivery of the endpoint that has been attempted and waits for its next attempt. */
async function retryPending(base: string, key: string, endpointId: string): Promise<void> {
  try {
    let after = '';
    for (;;) {
      const page = await getJson(base, key, `/v1/webhook_endpoints/${endpointId}/deliveries?limit=100${after ? `&starting_after=${after}` : ''}`);
      for (const d of page.body.data as { id: string; status: string; attempts: unknown[]; next_attempt_at: number | null }[]) {
        if (d.status === 'pending' && d.attempts.length > 0 && d.next_attempt_at !== null && d.next_attempt_at * 1000 > Date.now()) {
          await send(base, key, 'POST', `/v1/webhook_endpoints/${endpointId}/deliveries/${d.id}/retry`, {});
        }
      }
      if (!page.body.has_more) return;
      after = page.body.data[page.body.data.length - 1].id;
    }
  } catch {
    // The next tick tries again.
  }
}

/** What the restart may show if `w` (sent in state `cur`) applied: null when it cannot apply. */
function applyTo(cur: Expect, w: Write): Expect | null {
  const by = describeWrite(w);
  if (w.conflict) return null;
  if (w.kind === 'create') return cur.kind === 'absent' ? { kind: 'created', params: w.params!, by } : null;
  if (w.kind === 'delete') return { kind: 'deleted', by };
  if (cur.kind === 'exact') return { kind: 'updated', base: cur.body, params: w.params!, by };
  return null;
}

function formatSummary(s: Summary, wallMs: number): string {
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const sent = s.sent.create + s.sent.update + s.sent.delete;
  return (
    `SUMMARY ${s.store}, seed ${SEED}: ${s.rounds} rounds of SIGKILL under ${CLIENTS} concurrent clients, ${s.serverStarts} server starts; ` +
    `${sent} writes sent (${s.sent.create} creates, ${s.sent.update} updates, ${s.sent.delete} deletes; ${s.sent.conflicting} of them conflicting by e-mail); ` +
    `${s.acked} acknowledged 2xx, ${s.ackedIntact} of them found intact after the restarts ` +
    `(in each round, the last acknowledged write of each customer compared field for field with the restart: ${s.ackedComparedWhole}; ` +
    `earlier ones superseded by it: ${s.ackedIntact - s.ackedComparedWhole}; acknowledged in the last 100 ms before the kill: ${s.ackedLast100ms}); ` +
    `customers not written in a round found unchanged: ${s.untouchedIntact} (summed over rounds); ` +
    `refused: ${JSON.stringify(s.refused)}, none left anything behind; ` +
    `${s.unknown.total} writes cut off by the kill with no answer: ${s.unknown.applied} applied whole, ${s.unknown.notApplied} not at all, none in part; ` +
    `${s.verificationRequests} verification requests; ${s.liveAtEnd} live customers at the end; ` +
    `webhooks: ${s.webhooks.events} events, every one received (${s.webhooks.deliveries - s.webhooks.received} duplicate deliveries, ${s.webhooks.outOfOrder} customers out of order, drained ${ms(s.webhooks.drainMs)} after the last restart); ` +
    `kill delays ${Math.min(...s.killDelays)}–${Math.max(...s.killDelays)} ms; restart avg ${ms(avg(s.restartMs))}, max ${ms(Math.max(...s.restartMs))}; wall ${ms(wallMs)}`
  );
}

// ---------------------------------------------------------------------------------------------

describe('crash durability: SIGKILL under write load, restart on the same store', { concurrency: 2 }, () => {
  describe('SQLite', () => {
    let dataDir: string;
    before(() => {
      dataDir = tempDir();
    });
    after(() => roundStart.leave('sqlite'));

    it(`${ROUNDS} rounds: every acknowledged write survives, nothing refused or cut off is half-applied`, { timeout: 10 * 60_000 }, async (t) => {
      const file = join(dataDir, 'clientele.sqlite');
      const store: StoreUnderTest = {
        kind: 'sqlite',
        dataDir,
        env: WEBHOOK_ENV,
        async query(sql, params = []) {
          const db = new Database(file, { readonly: true, fileMustExist: true });
          try {
            return db.prepare(sql).all(...params) as Record<string, any>[];
          } finally {
            db.close();
          }
        },
      };
      const summary = await runStore(t, store);
      const line = formatSummary(summary, summary.wallMs);
      t.diagnostic(line);
      console.log(line);
    });
  });

  describe('PostgreSQL', { skip: PG_SKIP_REASON }, () => {
    let db: TestDatabase | undefined;
    let sql: pg.Client | undefined;
    let dataDir: string;
    before(async () => {
      db = await createTestDatabase();
      sql = new pg.Client({ connectionString: db.url });
      await sql.connect();
      dataDir = tempDir();
    });
    after(async () => {
      roundStart.leave('postgres');
      await sql?.end().catch(() => undefined);
      await db?.drop();
    });

    it(`${ROUNDS} rounds: every acknowledged write survives, nothing refused or cut off is half-applied`, { timeout: 10 * 60_000 }, async (t) => {
      const store: StoreUnderTest = {
        kind: 'postgres',
        dataDir,
        env: { DATABASE_URL: db!.url, ...WEBHOOK_ENV },
        async query(text, params = []) {
          return (await sql!.query(text, params)).rows;
        },
      };
      const summary = await runStore(t, store);
      const line = formatSummary(summary, summary.wallMs);
      t.diagnostic(line);
      console.log(line);
    });
  });
});
