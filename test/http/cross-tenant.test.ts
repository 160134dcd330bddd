/**
 * Cross-tenant and cross-mode isolation, swept over every customer route of every surface.
 *
 * Tenant A creates customers in test mode through every surface that creates, and in live mode
 * (deleting one in each mode); tenant B creates one. A principal is a tenant in one mode, with
 * every credential the surfaces take: its secret key, its Asset access token, its Count signing
 * client. Principals that do not own a customer then call every route with its id, e-mail and name:
 *
 * - single-customer routes (retrieve, HEAD, history, update with several bodies, delete; Asset
 *   under the owner's business and under the caller's own) answer 404 in the surface's format,
 *   byte for byte the answer for an id that never existed (ids and business ids normalised), and
 *   never carry the customer's data. Attackers: the other tenant in the same mode and the same
 *   tenant in the other mode (test never sees live, live never sees test);
 * - list, search, cursors and find-by-email, for all four principals, never return it, count it
 *   or accept it as a cursor; Asset's token endpoint will not scope a token to another business;
 * - Count's bulk update reports each foreign row as 404 and changes nothing;
 * - creating a customer with a foreign customer's e-mail succeeds (no uniqueness oracle) and the
 *   new customer stays in the caller's scope.
 *
 * Afterwards every victim, and its change history, is byte-identical to what its owner read
 * before the sweep. The route table below is checked against the app's own route list and
 * /openapi.json, so a route added without a sweep fails this file.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, type TestServer, type TestTenant } from '../helpers/server.ts';
import { newId } from '../../src/domain/ids.ts';
import { encodePageToken } from '../../src/surfaces/asset/page-tokens.ts';
import { SURFACES } from '../../src/server/surfaces.ts';
import { ASSET, tokenFor } from '../surfaces/asset/helpers.ts';
import { ATLAS, assertError as assertAtlasError } from '../surfaces/atlas/helpers.ts';
import { CP, assertErrorBody as assertCpErrorBody } from '../surfaces/checkoutpage/helpers.ts';
import { COUNT, countClient, assertError as assertCountError } from '../surfaces/count/helpers.ts';
import { CountClient } from '../surfaces/count/count-client.ts';
import type { PartnerAppRecord } from '../../src/domain/partners/partner.ts';
import { fromPrefixed, fromUuid, tenantIdToWire, toPrefixed, toUuid } from '../../src/formats/ids.ts';

type Mode = 'test' | 'live';
type Res = { status: number; headers: Headers; body: any; text: string };
/** Count's two ways in, both two layers: the tenant's own client with its key, a partner app with its token. */
type CountAuth = 'signed' | 'partner';
const COUNT_AUTHS: readonly CountAuth[] = ['signed', 'partner'];
const PARTNER_REDIRECT = 'https://partner.example/callback';

/** One customer id in every surface's rendering. */
interface Ids {
  hex: string; // canonical; CheckoutPage
  cus: string; // native, Asset, Atlas
  uuid: string; // Count
}

/** A tenant in one mode, with every kind of credential the surfaces take. */
interface Principal {
  label: string;
  tenant: TestTenant;
  mode: Mode;
  key: string;
  assetToken: string;
  count: CountClient;
  /** A partner application signing, with the access token this tenant and mode granted it. */
  partner: CountClient;
  /** A customer of its own, for positive controls (its name gets overwritten by them). */
  control: Ids & { email: string };
}

/** A customer whose data must never reach anyone but its owner. */
interface Victim extends Ids {
  label: string;
  owner: Principal;
  marker: string;
  email: string;
  name: string;
  deleted: boolean;
  /** Further strings only the owner may see (contacts' uuids and e-mails). */
  secrets: string[];
}

interface Target {
  ids: Ids;
  /** The business (tenant wire id) the customer belongs to. */
  biz: string;
}

interface Variant {
  label: string;
  method: string;
  call: (p: Principal, t: Target, headers?: Record<string, string>) => Promise<Res>;
  /** Deletes its target: the positive control needs a fresh customer. */
  destructive?: boolean;
  /** Sent with every call of this variant. */
  headers?: Record<string, string>;
  /** What the caller's own customer answers (the positive control); default 200. */
  ownStatus?: number;
}

/**
 * Each write route's first variant again with a stale `If-Match`: on the caller's own customer a
 * 412 (naming the current ETag), on anyone else's the plain 404 — never a 412, which would tell
 * that the customer exists and which version it is at.
 */
/** A 15-digit number, unique enough that no customer gets the same tax id twice. */
const randomTaxNumber = (): string => String(Math.floor(Math.random() * 9e14) + 1e14);

function withStaleIfMatch(route: OneRoute): OneRoute {
  const first = route.variants[0];
  if (!first || route.method === 'GET' || route.method === 'HEAD') return route;
  return { ...route, variants: [...route.variants, { ...first, label: `${first.label} If-Match stale`, headers: { 'if-match': '"v999999"' }, ownStatus: 412 }] };
}

/** A route that names one customer: each variant is called with every foreign customer's id. */
interface OneRoute {
  kind: 'one';
  method: string;
  url: string;
  notFound: (res: Res) => void;
  variants: Variant[];
}
/** Any other route: its own sweep, run once per principal against the customers it does not own. */
interface SweepRoute {
  kind: 'collection' | 'create' | 'bulk-update' | 'token';
  method: string;
  url: string;
  sweep: (p: Principal, foreign: Victim[]) => Promise<void>;
}
type Route = OneRoute | SweepRoute;
const sweepsOf = (routes: Route[], ...kinds: SweepRoute['kind'][]): SweepRoute[] =>
  routes.filter((r): r is SweepRoute => r.kind !== 'one' && kinds.includes(r.kind));

const idsOf = (hex: string): Ids => ({ hex, cus: toPrefixed('cus', hex), uuid: toUuid(hex) });
const hexOfCus = (cus: string): string => fromPrefixed('cus', cus) ?? assert.fail(`not a cus_ id: ${cus}`);
const hexOfUuid = (uuid: string): string => fromUuid(uuid) ?? assert.fail(`not a Count uuid: ${uuid}`);
const marker = (prefix = 'vq') => prefix + randomBytes(5).toString('hex');
const enc = encodeURIComponent;

/** An id and a business that exist nowhere: the answer every foreign id must be indistinguishable from. */
const FAKE = idsOf(newId());
const FAKE_BIZ = tenantIdToWire(newId());
/** Stands in for a victim's marker (same length) in e-mails and search terms that match nothing. */
const FAKE_MARKER = marker('fk');
const fakeEmail = (v: { email: string; marker: string }) => v.email.replace(v.marker, FAKE_MARKER);

function replaceAll(text: string, subs: readonly (readonly [string, string])[]): string {
  let out = text;
  for (const [from, to] of subs) out = out.split(from).join(to);
  return out;
}
/** An id's renderings to placeholders; the base62 one bare, as history entry ids (`hist_<base62>_<n>`) embed it. */
const idSubs = (ids: Ids): [string, string][] => [
  [ids.uuid, '<UUID>'],
  [ids.cus.slice('cus_'.length), '<B62>'],
  [ids.hex, '<HEX>'],
];

/** The answer's own request id (Atlas prints it in error bodies) to a placeholder. */
const requestIdSub = (res: Res): [string, string][] => {
  const id = res.headers.get('request-id');
  return id ? [[id, '<REQ>']] : [];
};

/** The same status and, once the ids that differ are replaced by placeholders, the same bytes. */
function assertSameAs(res: Res, base: Res, ownSubs: [string, string][], ownBaseSubs: [string, string][]): void {
  const resSubs = [...requestIdSub(res), ...ownSubs];
  const baseSubs = [...requestIdSub(base), ...ownBaseSubs];
  assert.equal(res.status, base.status, `status differs from the never-existing case: ${res.text} vs ${base.text}`);
  assert.equal(replaceAll(res.text, resSubs), replaceAll(base.text, baseSubs), 'body differs from the never-existing case');
  for (const name of ['etag', 'location', 'idempotent-replayed', 'content-type']) {
    const [got, want] = [res.headers.get(name), base.headers.get(name)];
    assert.equal(got === null ? null : replaceAll(got, resSubs), want === null ? null : replaceAll(want, baseSubs), `${name} header differs from the never-existing case`);
  }
  if (res.text === '' && base.text === '') {
    assert.equal(res.headers.get('content-length'), base.headers.get('content-length'), 'content-length differs from the never-existing case');
  }
}

/** No marker, e-mail, name or id of these victims in `text`, once the `echoed` victims' ids (sent by the caller) are blanked. */
function assertNoLeak(text: string, victims: readonly Victim[], echoed: readonly Victim[] = [], echoedStrings: readonly string[] = []): void {
  let t = text;
  for (const v of echoed) t = replaceAll(t, idSubs(v));
  for (const s of echoedStrings) t = t.split(s).join('<ECHO>');
  t = t.toLowerCase();
  for (const v of victims) {
    for (const s of [v.marker, v.email, v.name, v.hex, v.cus.slice('cus_'.length), v.uuid, ...v.secrets]) {
      assert.ok(!t.includes(s.toLowerCase()), `response carries ${JSON.stringify(s)} of ${v.label}: ${text.slice(0, 400)}`);
    }
  }
}

describe('cross-tenant and cross-mode isolation, on every route of every surface', () => {
  let server: TestServer;
  let principals: Principal[];
  let victims: Victim[];
  /** Every customer this file made: canonical id → the label of the principal that owns it. */
  const owners = new Map<string, string>();
  /** The owner's native retrieve and change history of each victim, before any sweep. */
  const snapshots = new Map<string, string>();
  const ownerView = async (v: Victim): Promise<string> => {
    const res = await nat(v.owner, 'GET', `/customers/${v.cus}`);
    assert.equal(res.status, 200, res.text);
    const history = await nat(v.owner, 'GET', `/customers/${v.cus}/history?limit=100`);
    assert.equal(history.status, 200, history.text);
    return `${res.text}\n${history.text}`;
  };
  let routes: Route[];
  /** The partner application every principal granted, and one no principal granted. */
  let partnerApp: { app: PartnerAppRecord; secret: string };
  let strangerApp: { app: PartnerAppRecord; secret: string };

  // ---- requests, per surface, with a principal's credentials ----
  type ExtraHeaders = Record<string, string> | undefined;
  const nat = (p: Principal, method: string, path: string, json?: unknown, headers?: ExtraHeaders) => server.request(method, '/v1' + path, { key: p.key, json, headers });
  const ast = (p: Principal, method: string, path: string, json?: unknown, headers?: ExtraHeaders) => server.request(method, ASSET + path, { key: p.assetToken, json, headers });
  const cpg = (p: Principal, method: string, path: string, json?: unknown, headers?: ExtraHeaders) => server.request(method, CP + path, { key: p.key, json, headers });
  const atl = (p: Principal, method: string, path: string, json?: unknown, headers?: ExtraHeaders) => server.request(method, ATLAS + path, { key: p.key, json, headers });
  const cnt = (p: Principal, auth: CountAuth, method: string, path: string, json?: unknown, headers?: ExtraHeaders): Promise<Res> => {
    const base = auth === 'signed' ? p.count : p.partner;
    const client = headers ? new CountClient({ ...base.options, headers: { ...base.options.headers, ...headers } }) : base;
    return client.request(method, path, json);
  };

  const own = (p: Principal, hex: string) => owners.set(hex, p.label);
  /** The never-existing cases answer the same every time: asked once per principal and request. */
  const memo = new Map<string, Promise<Res>>();
  const once = (key: string, call: () => Promise<Res>): Promise<Res> => {
    let found = memo.get(key);
    if (!found) memo.set(key, (found = call()));
    return found;
  };
  /** Count's three ways in, taken in turn across victims (every one of them still lists everything, below). */
  const authFor = (i: number): CountAuth => COUNT_AUTHS[i % COUNT_AUTHS.length]!;
  /** One victim per other business: what depends only on the business in the path is asked once. */
  const perBusiness = (p: Principal, foreign: Victim[]) =>
    foreign.filter((v, i) => crossTenant(p, v) && foreign.findIndex((w) => w.owner.tenant === v.owner.tenant) === i);
  /** One victim per other principal. */
  const perOwner = (foreign: Victim[]) => foreign.filter((v, i) => foreign.findIndex((w) => w.owner === v.owner) === i);
  const foreignTo = (p: Principal) => victims.filter((v) => v.owner !== p);
  const crossTenant = (p: Principal, v: Victim) => p.tenant.id !== v.owner.tenant.id;

  function assertOnlyOwn(p: Principal, hexes: string[], what: string): void {
    for (const hex of hexes) assert.equal(owners.get(hex), p.label, `${what} for ${p.label} lists ${hex}, which belongs to ${owners.get(hex) ?? 'no principal of this test'}`);
    assert.ok(hexes.includes(p.control.hex), `${what} for ${p.label} misses its own control customer (positive control)`);
  }

  /** A tax id of the customer when the caller owns it (made for the call), else one that names nothing. */
  async function taxIdFor(p: Principal, t: { ids: Ids }): Promise<string> {
    const made = await nat(p, 'POST', `/customers/${t.ids.cus}/tax_ids`, { type: 'ae_trn', value: randomTaxNumber() });
    return made.status === 200 ? (made.body.id as string) : 'txi_00000000000000000';
  }

  async function nativeCustomer(p: Principal, params: Record<string, unknown>): Promise<Ids> {
    const res = await nat(p, 'POST', '/customers', params);
    assert.equal(res.status, 200, res.text);
    const ids = idsOf(hexOfCus(res.body.id));
    own(p, ids.hex);
    return ids;
  }

  // ---- failures are collected, so that one run names every hole ----
  let failures: string[] = [];
  async function probe(label: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      failures.push(`${label}: ${(err as Error).message.split('\n')[0]!.slice(0, 300)}`);
    }
  }
  function report(): void {
    const found = failures;
    failures = [];
    assert.equal(found.length, 0, `${found.length} isolation failures:\n${found.slice(0, 40).join('\n')}`);
  }
  async function inPool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(width, items.length) }, async () => {
        while (next < items.length) await fn(items[next++]!);
      }),
    );
  }

  before(async () => {
    server = await startServer();
    const a = server.tenant;
    const b = await server.newTenant('Tenant B');
    partnerApp = await server.app.partners.createApp('Cross-tenant partner', [PARTNER_REDIRECT]);
    strangerApp = await server.app.partners.createApp('Stranger', [PARTNER_REDIRECT]);
    const partnerFor = async (tenant: TestTenant, mode: Mode): Promise<CountClient> => {
      const code = await server.app.partners.issueCode(partnerApp.app, PARTNER_REDIRECT, (await server.store.getTenant(tenant.id))!, mode);
      const tokens = await server.app.partners.exchangeCode(partnerApp.app, code);
      return new CountClient({ baseUrl: server.url + COUNT, clientId: partnerApp.app.id, clientSecret: partnerApp.secret, headers: { authorization: `Bearer ${tokens.accessToken}` } });
    };
    const principal = async (label: string, tenant: TestTenant, mode: Mode): Promise<Principal> => {
      const p = {
        label,
        tenant,
        mode,
        key: tenant.keys[mode],
        assetToken: await tokenFor(server, tenant, tenant.clients[mode]),
        count: countClient(server, mode, tenant.clients[mode], tenant.keys[mode]),
        partner: await partnerFor(tenant, mode),
      } as Principal;
      const email = `${marker('own')}@control.example`;
      p.control = { ...(await nativeCustomer(p, { name: `Control of ${label}`, email })), email };
      return p;
    };
    const [aTest, aLive, bTest, bLive] = await Promise.all([
      principal('A/test', a, 'test'),
      principal('A/live', a, 'live'),
      principal('B/test', b, 'test'),
      principal('B/live', b, 'live'),
    ]);
    principals = [aTest!, aLive!, bTest!, bLive!];

    // ---- the victims, made through several surfaces ----
    const made: Victim[] = [];
    const victim = (label: string, owner: Principal, ids: Ids, m: string, email: string, name: string, secrets: string[] = []): Victim => {
      own(owner, ids.hex);
      const v: Victim = { label: `${label} of ${owner.label}`, owner, ...ids, marker: m, email, name, deleted: false, secrets };
      made.push(v);
      return v;
    };
    const viaNative = async (owner: Principal, deleted = false) => {
      const m = marker();
      const email = `${m}.native@victim.example`;
      const name = `Victim ${m} Native`;
      const res = await nat(owner, 'POST', '/customers', {
        name,
        email,
        phone: '+1 555 0100',
        description: `secret ${m}`,
        metadata: { tag: m },
        external_id: `ext-${m}`,
        company_name: `${m} GmbH`,
        address: { line1: `${m} Road 1`, city: 'Paris', postal_code: '75001', country: 'FR' },
      });
      assert.equal(res.status, 200, res.text);
      const v = victim(deleted ? 'deleted native customer' : 'native customer', owner, idsOf(hexOfCus(res.body.id)), m, email, name);
      if (deleted) {
        const del = await nat(owner, 'DELETE', `/customers/${v.cus}`);
        assert.equal(del.status, 200, del.text);
        v.deleted = true;
      }
    };
    const viaAsset = async (owner: Principal) => {
      const m = marker();
      const email = `${m}.asset@victim.example`;
      const name = `Victim ${m} Asset`;
      const res = await ast(owner, 'POST', `/business/${owner.tenant.wireId}/customers`, {
        name,
        email,
        external_id: `ext-${m}`,
        phone_number: '+1 555 0101',
        billing_address: { street_1: `${m} Street 2`, city: 'Boston', postal_code: '02110', country: 'US' },
      });
      assert.equal(res.status, 200, res.text);
      victim('Asset customer', owner, idsOf(hexOfCus(res.body.data.id)), m, email, name);
    };
    const viaAtlas = async (owner: Principal) => {
      const m = marker();
      const email = `${m}.atlas@victim.example`;
      const name = `Victim ${m} Atlas`;
      const res = await atl(owner, 'POST', '/customers', {
        email,
        name,
        metadata: { tag: m },
        billing_address: { line1: `${m} Avenue 3`, city: 'Berlin', country: 'DE' },
      });
      assert.equal(res.status, 200, res.text);
      victim('Atlas customer', owner, idsOf(hexOfCus(res.body.id)), m, email, name);
    };
    const viaCount = async (owner: Principal) => {
      const m = marker();
      const email = `${m}.count@victim.example`;
      const name = `Victim ${m} Count`;
      const contactEmail = `contact.${m}@victim.example`;
      const res = await owner.count.createCustomer({
        customer: name,
        email,
        mainPhone: '+1 555 0102',
        website: `https://${m}.example`,
        billingAddress: { street: `${m} Boulevard 4`, city: 'Austin', zipCode: '73301', country: 'US' },
        contacts: [{ name: `Contact ${m}`, email: contactEmail, isPrimary: true }],
      });
      assert.equal(res.status, 201, res.text);
      // Contacts' ids, as Count prints them and as the native API does (`cont_…`).
      const contactIds = (res.body.data.contacts as { uuid: string }[]).flatMap((c) => [c.uuid, toPrefixed('cont', hexOfUuid(c.uuid))]);
      victim('Count customer', owner, idsOf(hexOfUuid(res.body.data.uuid)), m, email, name, [contactEmail, ...contactIds]);
    };
    // A's test customers through every surface that creates; fewer in live mode and in B.
    await Promise.all([viaNative(aTest!), viaAsset(aTest!), viaAtlas(aTest!), viaCount(aTest!), viaNative(aTest!, true)]);
    await Promise.all([viaCount(aLive!), viaNative(aLive!, true), viaNative(bTest!)]);
    victims = made;

    for (const v of victims) {
      const view = await ownerView(v);
      assert.equal(view.includes('"deleted":true'), v.deleted, view);
      for (const secret of v.secrets.filter((x) => x.startsWith('cont_'))) assert.ok(view.includes(secret), `contact id ${secret} is the native one`);
      snapshots.set(v.hex, view);
    }
  });

  after(async () => server?.close());


  // ---- events and webhook endpoints: keyed by their own ids, each principal's own ----
  /** A victim's newest event, as its owner sees it. */
  const eventOf = (v: Victim) =>
    once(`event ${v.label}`, () => nat(v.owner, 'GET', '/events?limit=100')).then((res) => {
      const event = res.body.data.find((e: { data: { object: { id: string } } }) => e.data.object.id === v.cus);
      return (event?.id as string | undefined) ?? assert.fail(`no event of ${v.label}`);
    });
  /** An endpoint (native) and a subscription (Count) of a victim's owner, made once per owner. */
  const endpointOf = (owner: Principal) =>
    once(`endpoint ${owner.label}`, () => nat(owner, 'POST', '/webhook_endpoints', { url: `http://127.0.0.1:9/${owner.label}`, enabled_events: ['customer.created'], description: `of ${owner.label}` }));
  const subscriptionOf = (owner: Principal) =>
    once(`subscription ${owner.label}`, () => cnt(owner, 'signed', 'POST', '/webhooks', { event: 'customer.created', callbackUrl: `http://127.0.0.1:9/${owner.label}` }));
  const FAKE_EVT = toPrefixed('evt', newId());
  const FAKE_WE = toPrefixed('we', newId());
  const FAKE_DELIVERY = toPrefixed('whdel', newId());
  const FAKE_SUB = toUuid(newId());

  /** `call(id)` with a foreign id answers exactly as with one that never existed. */
  async function sameAsNeverExisted(label: string, p: Principal, foreignId: string, fakeId: string, call: (id: string) => Promise<Res>, notFound: (res: Res) => void): Promise<void> {
    await probe(label, async () => {
      const res = await call(foreignId);
      const base = await once(`${p.label} ${label.split(' (')[0]} fake`, () => call(fakeId));
      if (label.startsWith('HEAD')) assert.equal(res.status, 404, res.text);
      else notFound(res);
      assertSameAs(res, base, [[foreignId, '<ID>']], [[fakeId, '<ID>']]);
      assertNoLeak(res.text, foreignTo(p));
    });
  }

  function webhookRoutes(): Route[] {
    const endpointRoute = (method: string, url: string, path: (id: string) => string, body?: unknown): SweepRoute => ({
      kind: 'collection',
      method,
      url,
      sweep: async (p, foreign) => {
        for (const v of perOwner(foreign)) {
          const endpoint = (await endpointOf(v.owner)).body.id as string;
          await sameAsNeverExisted(`${method} ${url} (${p.label} → ${v.owner.label})`, p, endpoint, FAKE_WE, (id) => nat(p, method, path(id), body), nativeNotFound);
          const after = await nat(v.owner, 'GET', `/webhook_endpoints/${endpoint}`);
          assert.equal(after.status, 200, `${v.owner.label}'s endpoint still there after ${method} ${url} by ${p.label}`);
          assert.equal(after.body.url, `http://127.0.0.1:9/${v.owner.label}`);
        }
      },
    });
    const subscriptionRoute = (method: string, body?: unknown): SweepRoute => ({
      kind: 'collection',
      method,
      url: '/count/partners/webhooks/:uuid',
      sweep: async (p, foreign) => {
        for (const v of perOwner(foreign)) {
          const uuid = (await subscriptionOf(v.owner)).body.data.webhook.uuid as string;
          await sameAsNeverExisted(`${method} /count/partners/webhooks/:uuid (${p.label} → ${v.owner.label})`, p, uuid, FAKE_SUB, (id) => cnt(p, 'signed', method, `/webhooks/${id}`, body), countNotFound);
          const list = await cnt(v.owner, 'signed', 'GET', '/webhooks');
          assert.ok(list.body.data.webhooks.some((w: { uuid: string; status: string }) => w.uuid === uuid && w.status === 'active'));
        }
      },
    });
    const eventsList = (method: 'GET' | 'HEAD'): SweepRoute => ({
      kind: 'collection',
      method,
      url: '/v1/events',
      sweep: async (p, foreign) => {
        if (method === 'GET') {
          await probe(`GET /v1/events (${p.label})`, async () => {
            const all = await nat(p, 'GET', '/events?limit=100');
            assert.equal(all.status, 200, all.text);
            assertOnlyOwn(p, [...new Set<string>(all.body.data.map((e: { data: { object: { id: string } } }) => hexOfCus(e.data.object.id)))], 'the events list');
            assertNoLeak(all.text, foreign);
          });
        }
        for (const v of perOwner(foreign)) {
          const event = await eventOf(v);
          for (const param of ['starting_after', 'ending_before']) {
            await sameAsNeverExisted(`${method} /v1/events?${param}= (${p.label} → ${v.owner.label})`, p, event, FAKE_EVT, (id) => nat(p, method, `/events?${param}=${id}`), nativeNotFound);
          }
        }
      },
    });
    const eventRetrieve = (method: 'GET' | 'HEAD'): SweepRoute => ({
      kind: 'collection',
      method,
      url: '/v1/events/:id',
      sweep: async (p, foreign) => {
        for (const v of perOwner(foreign)) {
          await sameAsNeverExisted(`${method} /v1/events/:id (${p.label} → ${v.owner.label})`, p, await eventOf(v), FAKE_EVT, (id) => nat(p, method, `/events/${id}`), nativeNotFound);
        }
      },
    });
    const ownOnly = (method: 'GET' | 'HEAD', url: string, list: (p: Principal) => Promise<Res>, ids: (res: Res) => string[], mine: (p: Principal) => Promise<string>): SweepRoute => ({
      kind: 'collection',
      method,
      url,
      sweep: async (p, foreign) => {
        if (method === 'HEAD') return void (await probe(`HEAD ${url} (${p.label})`, async () => assert.equal((await list(p)).status, 200)));
        await probe(`GET ${url} (${p.label})`, async () => {
          const own = await mine(p);
          const res = await list(p);
          assert.equal(res.status, 200, res.text);
          assert.deepEqual(ids(res), [own], `${p.label} sees its own only`);
          assertNoLeak(res.text, foreign);
        });
      },
    });
    const nativeEndpoints = (method: 'GET' | 'HEAD') =>
      ownOnly(method, '/v1/webhook_endpoints', (p) => nat(p, method, '/webhook_endpoints?limit=100'), (res) => res.body.data.map((e: { id: string }) => e.id), async (p) => (await endpointOf(p)).body.id);
    const countSubscriptions = (method: 'GET' | 'HEAD') =>
      ownOnly(method, '/count/partners/webhooks', (p) => cnt(p, 'signed', method, '/webhooks'), (res) => res.body.data.webhooks.map((w: { uuid: string }) => w.uuid), async (p) => (await subscriptionOf(p)).body.data.webhook.uuid);
    const creates = (method: 'POST', url: string, make: (p: Principal) => Promise<Res>): SweepRoute => ({
      kind: 'collection',
      method,
      url,
      sweep: async (p) => {
        await probe(`${method} ${url} (${p.label})`, async () => {
          const res = await make(p);
          assert.ok(res.status === 200 || res.status === 201, res.text);
        });
      },
    });
    return [
      eventsList('GET'),
      eventsList('HEAD'),
      eventRetrieve('GET'),
      eventRetrieve('HEAD'),
      nativeEndpoints('GET'),
      nativeEndpoints('HEAD'),
      creates('POST', '/v1/webhook_endpoints', (p) => endpointOf(p)),
      endpointRoute('GET', '/v1/webhook_endpoints/:id', (id) => `/webhook_endpoints/${id}`),
      endpointRoute('HEAD', '/v1/webhook_endpoints/:id', (id) => `/webhook_endpoints/${id}`),
      endpointRoute('POST', '/v1/webhook_endpoints/:id', (id) => `/webhook_endpoints/${id}`, { url: 'http://127.0.0.1:9/hijacked', disabled: true }),
      endpointRoute('DELETE', '/v1/webhook_endpoints/:id', (id) => `/webhook_endpoints/${id}`),
      endpointRoute('POST', '/v1/webhook_endpoints/:id/roll_secret', (id) => `/webhook_endpoints/${id}/roll_secret`, {}),
      endpointRoute('GET', '/v1/webhook_endpoints/:id/deliveries', (id) => `/webhook_endpoints/${id}/deliveries`),
      endpointRoute('HEAD', '/v1/webhook_endpoints/:id/deliveries', (id) => `/webhook_endpoints/${id}/deliveries`),
      endpointRoute('GET', '/v1/webhook_endpoints/:id/deliveries/:delivery_id', (id) => `/webhook_endpoints/${id}/deliveries/${FAKE_DELIVERY}`),
      endpointRoute('HEAD', '/v1/webhook_endpoints/:id/deliveries/:delivery_id', (id) => `/webhook_endpoints/${id}/deliveries/${FAKE_DELIVERY}`),
      endpointRoute('POST', '/v1/webhook_endpoints/:id/deliveries/:delivery_id/retry', (id) => `/webhook_endpoints/${id}/deliveries/${FAKE_DELIVERY}/retry`, {}),
      endpointRoute('POST', '/v1/webhook_endpoints/:id/recover', (id) => `/webhook_endpoints/${id}/recover`, { since: 0 }),
      countSubscriptions('GET'),
      countSubscriptions('HEAD'),
      creates('POST', '/count/partners/webhooks', (p) => subscriptionOf(p)),
      subscriptionRoute('PATCH', { callbackUrl: 'http://127.0.0.1:9/hijacked', status: 'paused' }),
      subscriptionRoute('DELETE'),
    ];
  }

  // ---------------------------------------------------------------------------------------------
  // The route table: every route of every surface, each with its sweep.
  // ---------------------------------------------------------------------------------------------

  const nativeNotFound = (res: Res) => {
    assert.equal(res.status, 404, res.text);
    assert.deepEqual(Object.keys(res.body ?? {}), ['error'], res.text);
    assert.equal(res.body.error.type, 'invalid_request_error', res.text);
    assert.equal(res.body.error.code, 'resource_missing', res.text);
  };
  const assetNotFound = (res: Res) => {
    assert.equal(res.status, 404, res.text);
    assert.deepEqual(Object.keys(res.body ?? {}), ['detail'], res.text);
    assert.equal(typeof res.body.detail, 'string', res.text);
    assert.match(res.body.detail, /^(Customer|Business) not found/, res.text);
  };
  const cpNotFound = (res: Res) => {
    assert.equal(res.status, 404, res.text);
    assertCpErrorBody(res.body, 'Not Found');
    assert.deepEqual(res.body.errors.map((e: { param: string }) => e.param), ['customerId'], res.text);
  };
  const atlasNotFound = (res: Res) => assertAtlasError(res, 404, { param: 'customer_id' });
  const countNotFound = (res: Res) => {
    assertCountError(res, 404, 'NOT_FOUND');
  };

  const HIJACK_NATIVE = { name: 'Hijacked', metadata: { hijacked: 'yes' } };
  const EVIL = 'Evil Street 666';

  routes = [
    // ---- native /v1 ----
    {
      kind: 'collection',
      method: 'GET',
      url: '/v1/customers',
      sweep: async (p, foreign) => {
        await probe(`GET /v1/customers (${p.label})`, async () => {
          const all = await nat(p, 'GET', '/customers?limit=100');
          assert.equal(all.status, 200, all.text);
          assert.equal(all.body.has_more, false);
          assertOnlyOwn(p, all.body.data.map((c: { id: string }) => hexOfCus(c.id)), 'the list');
          assertNoLeak(all.text, foreign);
          const mine = await nat(p, 'GET', `/customers?email=${enc(p.control.email)}`);
          assert.deepEqual(mine.body.data.map((c: { id: string }) => c.id), [p.control.cus], 'positive control: the e-mail filter finds its own');
        });
        for (const v of foreign) {
          await probe(`GET /v1/customers?email= (${p.label} → ${v.label})`, async () => {
            const res = await nat(p, 'GET', `/customers?email=${enc(v.email)}`);
            assert.equal(res.status, 200, res.text);
            assert.deepEqual(res.body.data, []);
            assertNoLeak(res.text, foreign);
          });
          for (const param of ['starting_after', 'ending_before']) {
            await probe(`GET /v1/customers?${param}= (${p.label} → ${v.label})`, async () => {
              const res = await nat(p, 'GET', `/customers?${param}=${v.cus}`);
              const base = await once(`${p.label} native ${param}`, () => nat(p, 'GET', `/customers?${param}=${FAKE.cus}`));
              nativeNotFound(res);
              assert.equal(res.body.error.param, param, res.text);
              assertSameAs(res, base, idSubs(v), idSubs(FAKE));
              assertNoLeak(res.text, foreign, [v]);
            });
          }
        }
      },
    },
    {
      kind: 'collection',
      method: 'HEAD',
      url: '/v1/customers',
      sweep: async (p, foreign) => {
        for (const v of foreign) {
          await probe(`HEAD /v1/customers?email= (${p.label} → ${v.label})`, async () => {
            const res = await nat(p, 'HEAD', `/customers?email=${enc(v.email)}`);
            const base = await once(`${p.label} native HEAD ${fakeEmail(v)}`, () => nat(p, 'HEAD', `/customers?email=${enc(fakeEmail(v))}`));
            assert.equal(res.status, 200);
            assertSameAs(res, base, [], []);
          });
        }
      },
    },
    {
      kind: 'collection',
      method: 'GET',
      url: '/v1/customers/search',
      sweep: async (p, foreign) => {
        const search = (query: string) => nat(p, 'GET', `/customers/search?limit=100&expand[]=total_count&query=${enc(query)}`);
        await probe(`GET /v1/customers/search (${p.label})`, async () => {
          const all = await search('-email:"nobody@nowhere.invalid"');
          assert.equal(all.status, 200, all.text);
          assert.equal(all.body.has_more, false);
          assertOnlyOwn(p, all.body.data.map((c: { id: string }) => hexOfCus(c.id)), 'an all-matching search');
          assertNoLeak(all.text, foreign);
          const mine = await search(`email:"${p.control.email}"`);
          assert.equal(mine.body.total_count, 1, 'positive control: search finds its own');
        });
        for (const v of foreign) {
          await probe(`GET /v1/customers/search (${p.label} → ${v.label})`, async () => {
            const res = await search(`email:"${v.email}" OR name:"${v.name}" OR metadata["tag"]:"${v.marker}" OR name~"${v.marker}" OR description~"${v.marker}"`);
            assert.equal(res.status, 200, res.text);
            assert.deepEqual(res.body.data, [], res.text);
            assert.equal(res.body.total_count, 0, res.text);
            assertNoLeak(res.text, foreign);
          });
        }
      },
    },
    {
      kind: 'collection',
      method: 'HEAD',
      url: '/v1/customers/search',
      sweep: async (p, foreign) => {
        for (const v of foreign) {
          await probe(`HEAD /v1/customers/search (${p.label} → ${v.label})`, async () => {
            const res = await nat(p, 'HEAD', `/customers/search?query=${enc(`email:"${v.email}"`)}`);
            const base = await once(`${p.label} search HEAD ${fakeEmail(v)}`, () => nat(p, 'HEAD', `/customers/search?query=${enc(`email:"${fakeEmail(v)}"`)}`));
            assert.equal(res.status, 200);
            assertSameAs(res, base, [], []);
          });
        }
      },
    },
    {
      kind: 'create',
      method: 'POST',
      url: '/v1/customers',
      sweep: async (p, foreign) => {
        await twins(p, foreign, 'POST /v1/customers', async (v) => {
          const res = await nat(p, 'POST', '/customers', { name: 'Twin', email: v.email });
          assert.equal(res.status, 200, res.text);
          return hexOfCus(res.body.id);
        });
      },
    },
    { kind: 'one', method: 'GET', url: '/v1/customers/:id', notFound: nativeNotFound, variants: [{ label: 'retrieve', method: 'GET', call: (p, t, h) => nat(p, 'GET', `/customers/${t.ids.cus}`, undefined, h) }] },
    { kind: 'one', method: 'HEAD', url: '/v1/customers/:id', notFound: nativeNotFound, variants: [{ label: 'HEAD', method: 'HEAD', call: (p, t, h) => nat(p, 'HEAD', `/customers/${t.ids.cus}`, undefined, h) }] },
    {
      kind: 'one',
      method: 'POST',
      url: '/v1/customers/:id',
      notFound: nativeNotFound,
      variants: [
        { label: 'update', method: 'POST', call: (p, t, h) => nat(p, 'POST', `/customers/${t.ids.cus}`, HIJACK_NATIVE, h) },
        { label: 'update with no parameters', method: 'POST', call: (p, t, h) => nat(p, 'POST', `/customers/${t.ids.cus}`, undefined, h) },
      ],
    },
    {
      kind: 'one',
      method: 'PATCH',
      url: '/v1/customers/:id',
      notFound: nativeNotFound,
      variants: [
        { label: 'update', method: 'PATCH', call: (p, t, h) => nat(p, 'PATCH', `/customers/${t.ids.cus}`, HIJACK_NATIVE, h) },
        { label: 'update with {}', method: 'PATCH', call: (p, t, h) => nat(p, 'PATCH', `/customers/${t.ids.cus}`, {}, h) },
      ],
    },
    // A customer's change history holds its field values, before and after every write.
    { kind: 'one', method: 'GET', url: '/v1/customers/:id/history', notFound: nativeNotFound, variants: [{ label: 'history', method: 'GET', call: (p, t, h) => nat(p, 'GET', `/customers/${t.ids.cus}/history?limit=100`, undefined, h) }] },
    { kind: 'one', method: 'HEAD', url: '/v1/customers/:id/history', notFound: nativeNotFound, variants: [{ label: 'HEAD history', method: 'HEAD', call: (p, t, h) => nat(p, 'HEAD', `/customers/${t.ids.cus}/history`, undefined, h) }] },
    {
      kind: 'one',
      method: 'DELETE',
      url: '/v1/customers/:id',
      notFound: nativeNotFound,
      variants: [{ label: 'delete', method: 'DELETE', destructive: true, call: (p, t, h) => nat(p, 'DELETE', `/customers/${t.ids.cus}`, undefined, h) }],
    },
    // Tax ids: the caller's own customer gets one made for the call; another's gets an id that is not its.
    { kind: 'one', method: 'GET', url: '/v1/customers/:id/tax_ids', notFound: nativeNotFound, variants: [{ label: 'list tax ids', method: 'GET', call: (p, t, h) => nat(p, 'GET', `/customers/${t.ids.cus}/tax_ids`, undefined, h) }] },
    { kind: 'one', method: 'HEAD', url: '/v1/customers/:id/tax_ids', notFound: nativeNotFound, variants: [{ label: 'HEAD tax ids', method: 'HEAD', call: (p, t, h) => nat(p, 'HEAD', `/customers/${t.ids.cus}/tax_ids`, undefined, h) }] },
    {
      kind: 'one',
      method: 'POST',
      url: '/v1/customers/:id/tax_ids',
      notFound: nativeNotFound,
      variants: [{ label: 'add tax id', method: 'POST', call: (p, t, h) => nat(p, 'POST', `/customers/${t.ids.cus}/tax_ids`, { type: 'ae_trn', value: randomTaxNumber() }, h) }],
    },
    { kind: 'one', method: 'GET', url: '/v1/customers/:id/tax_ids/:tax_id', notFound: nativeNotFound, variants: [{ label: 'retrieve tax id', method: 'GET', call: async (p, t, h) => nat(p, 'GET', `/customers/${t.ids.cus}/tax_ids/${await taxIdFor(p, t)}`, undefined, h) }] },
    { kind: 'one', method: 'HEAD', url: '/v1/customers/:id/tax_ids/:tax_id', notFound: nativeNotFound, variants: [{ label: 'HEAD tax id', method: 'HEAD', call: async (p, t, h) => nat(p, 'HEAD', `/customers/${t.ids.cus}/tax_ids/${await taxIdFor(p, t)}`, undefined, h) }] },
    {
      kind: 'one',
      method: 'DELETE',
      url: '/v1/customers/:id/tax_ids/:tax_id',
      notFound: nativeNotFound,
      variants: [{ label: 'remove tax id', method: 'DELETE', call: async (p, t, h) => nat(p, 'DELETE', `/customers/${t.ids.cus}/tax_ids/${await taxIdFor(p, t)}`, undefined, h) }],
    },
    {
      kind: 'one',
      method: 'POST',
      url: '/v1/customers/:id/erase',
      notFound: nativeNotFound,
      variants: [{ label: 'erase', method: 'POST', destructive: true, call: (p, t, h) => nat(p, 'POST', `/customers/${t.ids.cus}/erase`, undefined, h) }],
    },

    // ---- Asset /asset/v0 ----
    {
      kind: 'token',
      method: 'POST',
      url: '/asset/v0/auth/token',
      sweep: async (p, foreign) => {
        const grant = (fields: Record<string, string>) => server.request('POST', `${ASSET}/auth/token`, { key: null, form: new URLSearchParams(fields).toString() });
        const credentials = p.tenant.clients[p.mode];
        for (const v of perBusiness(p, foreign)) {
          {
            await probe(`POST /asset/v0/auth/token for another business (${p.label} → ${v.label})`, async () => {
              const res = await grant({ ...credentials, grant_type: 'client_credentials', business_id: v.owner.tenant.wireId });
              const base = await grant({ ...credentials, grant_type: 'client_credentials', business_id: FAKE_BIZ });
              assert.equal(res.status, 400, res.text);
              assert.equal(res.body.error, 'invalid_scope', res.text);
              assert.equal(res.body.access_token, undefined);
              assertSameAs(res, base, [[v.owner.tenant.wireId, '<BIZ>']], [[FAKE_BIZ, '<BIZ>']]);
            });
          }
        }
        for (const v of perOwner(foreign)) {
          await probe(`POST /asset/v0/auth/token with the owner's secret (${p.label} → ${v.label})`, async () => {
            const theirs = v.owner.tenant.clients[v.owner.mode];
            const res = await grant({ client_id: credentials.client_id, client_secret: theirs.client_secret, business_id: p.tenant.wireId });
            assert.equal(res.status, 401, res.text);
            assert.equal(res.body.error, 'invalid_client', res.text);
          });
        }
        await probe(`POST /asset/v0/auth/token (${p.label}, positive control)`, async () => {
          const res = await grant({ ...credentials, business_id: p.tenant.wireId });
          assert.equal(res.status, 200, res.text);
        });
      },
    },
    {
      kind: 'collection',
      method: 'GET',
      url: '/asset/v0/business/:business_id/customers',
      sweep: async (p, foreign) => {
        const mine = `/business/${p.tenant.wireId}/customers`;
        await probe(`GET ${ASSET}/business/:own/customers (${p.label})`, async () => {
          const all = await ast(p, 'GET', `${mine}?page_size=100`);
          assert.equal(all.status, 200, all.text);
          assert.equal(all.body.pagination.next_page_token, null);
          assertOnlyOwn(p, all.body.data.map((c: { id: string }) => hexOfCus(c.id)), 'the Asset list');
          assertNoLeak(all.text, foreign);
        });
        for (const v of perBusiness(p, foreign)) {
          await probe(`GET ${ASSET}/business/:other/customers (${p.label} → ${v.label})`, async () => {
            const res = await ast(p, 'GET', `/business/${v.owner.tenant.wireId}/customers`);
            const base = await ast(p, 'GET', `/business/${FAKE_BIZ}/customers`);
            assetNotFound(res);
            assertSameAs(res, base, [[v.owner.tenant.wireId, '<BIZ>']], [[FAKE_BIZ, '<BIZ>']]);
            assertNoLeak(res.text, foreign);
          });
        }
        for (const v of foreign) {
          for (const direction of ['next', 'previous'] as const) {
            await probe(`GET ${ASSET}/business/:own/customers?page_token=${direction}(foreign) (${p.label} → ${v.label})`, async () => {
              const token = encodePageToken(direction, v.hex);
              const fake = encodePageToken(direction, FAKE.hex);
              const res = await ast(p, 'GET', `${mine}?page_token=${token}`);
              const base = await once(`${p.label} asset ${fake}`, () => ast(p, 'GET', `${mine}?page_token=${fake}`));
              assert.equal(res.status, 422, res.text);
              assertSameAs(res, base, [[token, '<TOKEN>'], ...idSubs(v)], [[fake, '<TOKEN>'], ...idSubs(FAKE)]);
              assertNoLeak(res.text, foreign, [v], [token]);
            });
          }
        }
      },
    },
    {
      kind: 'collection',
      method: 'HEAD',
      url: '/asset/v0/business/:business_id/customers',
      sweep: async (p, foreign) => {
        await probe(`HEAD ${ASSET}/business/:own/customers (${p.label})`, async () => {
          assert.equal((await ast(p, 'HEAD', `/business/${p.tenant.wireId}/customers`)).status, 200);
        });
        for (const v of perBusiness(p, foreign)) {
          await probe(`HEAD ${ASSET}/business/:other/customers (${p.label} → ${v.label})`, async () => {
            const res = await ast(p, 'HEAD', `/business/${v.owner.tenant.wireId}/customers`);
            const base = await ast(p, 'HEAD', `/business/${FAKE_BIZ}/customers`);
            assert.equal(res.status, 404);
            assertSameAs(res, base, [], []);
          });
        }
      },
    },
    {
      kind: 'create',
      method: 'POST',
      url: '/asset/v0/business/:business_id/customers',
      sweep: async (p, foreign) => {
        for (const v of perBusiness(p, foreign)) {
          await probe(`POST ${ASSET}/business/:other/customers (${p.label} → ${v.label})`, async () => {
            const intruder = `${marker('in')}@intruder.example`;
            const res = await ast(p, 'POST', `/business/${v.owner.tenant.wireId}/customers`, { name: 'Intruder', email: intruder });
            const base = await ast(p, 'POST', `/business/${FAKE_BIZ}/customers`, { name: 'Intruder', email: intruder });
            assetNotFound(res);
            assertSameAs(res, base, [[v.owner.tenant.wireId, '<BIZ>']], [[FAKE_BIZ, '<BIZ>']]);
            for (const q of principals.filter((q) => q.tenant === v.owner.tenant)) {
              const seen = await nat(q, 'GET', `/customers?email=${enc(intruder)}`);
              assert.deepEqual(seen.body.data, [], `the intruder's customer landed in ${q.label}`);
            }
            const mine = await nat(p, 'GET', `/customers?email=${enc(intruder)}`);
            assert.deepEqual(mine.body.data, [], 'a refused create made a customer anyway');
          });
        }
        await twins(p, foreign, `POST ${ASSET}/business/:own/customers`, async (v) => {
          const res = await ast(p, 'POST', `/business/${p.tenant.wireId}/customers`, { name: 'Twin', email: v.email });
          assert.equal(res.status, 200, res.text);
          return hexOfCus(res.body.data.id);
        });
      },
    },
    ...(['GET', 'HEAD', 'PATCH'] as const).map(
      (method): Route => ({
        kind: 'one',
        method,
        url: '/asset/v0/business/:business_id/customers/:customer_id',
        notFound: assetNotFound,
        variants: (['owner', 'caller'] as const).flatMap((whose) => {
          const path = (p: Principal, t: Target) => `/business/${whose === 'owner' ? t.biz : p.tenant.wireId}/customers/${t.ids.cus}`;
          // Under another tenant's business the gate answers before the body is read: one body is enough there.
          const bodies: [string, unknown][] =
            method !== 'PATCH'
              ? [['', undefined]]
              : [
                  ['{name}', { name: 'Hijacked', external_id: 'hijacked' }],
                  ['{shipping_address}', { shipping_address: { street_1: EVIL, city: 'Evilton', postal_code: '66666', country: 'US' } }],
                  ['{}', {}],
                ].slice(0, whose === 'owner' ? 1 : 3) as [string, unknown][];
          return bodies.map(([label, body]): Variant => ({
            label: `${method} under the ${whose}'s business ${label}`.trim(),
            method,
            call: (p, t, h) => ast(p, method, path(p, t), body, h),
          }));
        }),
      }),
    ),

    // ---- CheckoutPage /checkoutpage/v1 ----
    // The list is documented with a trailing slash (GET /v1/customers/?limit=20); both spellings are served.
    ...(['', '/'] as const).flatMap((slash): Route[] => [
        {
          kind: 'collection',
          method: 'GET',
          url: `/checkoutpage/v1/customers${slash}`,
          sweep: async (p, foreign) => {
            await probe(`GET ${CP}/customers${slash} (${p.label})`, async () => {
              const all = await cpg(p, 'GET', `/customers${slash}?limit=100`);
              assert.equal(all.status, 200, all.text);
              assert.equal(all.body.has_more, false);
              assertOnlyOwn(p, all.body.data.map((c: { id: string }) => c.id), 'the CheckoutPage list');
              assert.equal(all.body.total, all.body.data.length);
              assertNoLeak(all.text, foreign);
            });
            for (const v of foreign) {
              // The marker is in the name and the e-mail: the search matches either.
              await probe(`GET ${CP}/customers${slash}?search= (${p.label} → ${v.label})`, async () => {
                const res = await cpg(p, 'GET', `/customers${slash}?search=${enc(v.marker)}`);
                assert.equal(res.status, 200, res.text);
                assert.deepEqual(res.body.data, [], res.text);
                assert.equal(res.body.total, 0, res.text);
                assertNoLeak(res.text, foreign);
              });
              for (const param of ['starting_after', 'ending_before']) {
                await probe(`GET ${CP}/customers${slash}?${param}= (${p.label} → ${v.label})`, async () => {
                  const res = await cpg(p, 'GET', `/customers${slash}?${param}=${v.hex}`);
                  const base = await once(`${p.label} cp ${param}${slash}`, () => cpg(p, 'GET', `/customers${slash}?${param}=${FAKE.hex}`));
                  assert.equal(res.status, 400, res.text);
                  assertSameAs(res, base, idSubs(v), idSubs(FAKE));
                  assertNoLeak(res.text, foreign, [v]);
                });
              }
            }
          },
        },
        {
          kind: 'collection',
          method: 'HEAD',
          url: `/checkoutpage/v1/customers${slash}`,
          sweep: async (p, foreign) => {
            for (const v of foreign) {
              await probe(`HEAD ${CP}/customers${slash}?search= (${p.label} → ${v.label})`, async () => {
                const res = await cpg(p, 'HEAD', `/customers${slash}?search=${v.marker}`);
                const base = await once(`${p.label} cp HEAD${slash}`, () => cpg(p, 'HEAD', `/customers${slash}?search=${FAKE_MARKER}`));
                assert.equal(res.status, 200);
                assertSameAs(res, base, [], []);
              });
            }
          },
        },
    ]),
    { kind: 'one', method: 'GET', url: '/checkoutpage/v1/customers/:customerId', notFound: cpNotFound, variants: [{ label: 'retrieve', method: 'GET', call: (p, t, h) => cpg(p, 'GET', `/customers/${t.ids.hex}`, undefined, h) }] },
    { kind: 'one', method: 'HEAD', url: '/checkoutpage/v1/customers/:customerId', notFound: cpNotFound, variants: [{ label: 'HEAD', method: 'HEAD', call: (p, t, h) => cpg(p, 'HEAD', `/customers/${t.ids.hex}`, undefined, h) }] },
    {
      kind: 'one',
      method: 'PATCH',
      url: '/checkoutpage/v1/customers/:customerId',
      notFound: cpNotFound,
      variants: [
        { label: 'update {name}', method: 'PATCH', call: (p, t, h) => cpg(p, 'PATCH', `/customers/${t.ids.hex}`, { name: 'Hijacked', companyName: 'Hijack Inc' }, h) },
        { label: 'update {taxId}', method: 'PATCH', call: (p, t, h) => cpg(p, 'PATCH', `/customers/${t.ids.hex}`, { taxId: 'DE999999999', taxIdType: 'eu_vat' }, h) },
      ],
    },

    // ---- Atlas /atlas/functions/v1 ----
    {
      kind: 'collection',
      method: 'GET',
      url: '/atlas/functions/v1/customers',
      sweep: async (p, foreign) => {
        await probe(`GET ${ATLAS}/customers (${p.label})`, async () => {
          const all = await atl(p, 'GET', '/customers?limit=100');
          assert.equal(all.status, 200, all.text);
          assert.equal(all.body.has_more, false);
          assertOnlyOwn(p, all.body.data.map((c: { id: string }) => hexOfCus(c.id)), 'the Atlas list');
          assert.equal(all.body.total_count, all.body.data.length);
          assertNoLeak(all.text, foreign);
        });
        for (const v of foreign) {
          await probe(`GET ${ATLAS}/customers?email= (${p.label} → ${v.label})`, async () => {
            const res = await atl(p, 'GET', `/customers?email=${enc(v.email)}`);
            assert.equal(res.status, 200, res.text);
            assert.deepEqual(res.body.data, [], res.text);
            assert.equal(res.body.total_count, 0, res.text);
            assertNoLeak(res.text, foreign);
          });
        }
      },
    },
    {
      kind: 'collection',
      method: 'HEAD',
      url: '/atlas/functions/v1/customers',
      sweep: async (p, foreign) => {
        for (const v of foreign) {
          await probe(`HEAD ${ATLAS}/customers?email= (${p.label} → ${v.label})`, async () => {
            const res = await atl(p, 'HEAD', `/customers?email=${enc(v.email)}`);
            const base = await once(`${p.label} atlas HEAD ${fakeEmail(v)}`, () => atl(p, 'HEAD', `/customers?email=${enc(fakeEmail(v))}`));
            assert.equal(res.status, 200);
            assertSameAs(res, base, [], []);
          });
        }
      },
    },
    {
      kind: 'create',
      method: 'POST',
      url: '/atlas/functions/v1/customers',
      sweep: async (p, foreign) => {
        await twins(p, foreign, `POST ${ATLAS}/customers`, async (v) => {
          const res = await atl(p, 'POST', '/customers', { email: v.email, name: 'Twin' });
          assert.equal(res.status, 200, res.text);
          return hexOfCus(res.body.id);
        });
      },
    },
    { kind: 'one', method: 'GET', url: '/atlas/functions/v1/customers/:customer_id', notFound: atlasNotFound, variants: [{ label: 'retrieve', method: 'GET', call: (p, t, h) => atl(p, 'GET', `/customers/${t.ids.cus}`, undefined, h) }] },
    { kind: 'one', method: 'HEAD', url: '/atlas/functions/v1/customers/:customer_id', notFound: atlasNotFound, variants: [{ label: 'HEAD', method: 'HEAD', call: (p, t, h) => atl(p, 'HEAD', `/customers/${t.ids.cus}`, undefined, h) }] },
    {
      kind: 'one',
      method: 'PATCH',
      url: '/atlas/functions/v1/customers/:customer_id',
      notFound: atlasNotFound,
      variants: [
        { label: 'update {name}', method: 'PATCH', call: (p, t, h) => atl(p, 'PATCH', `/customers/${t.ids.cus}`, { name: 'Hijacked', metadata: { hijacked: 'yes' } }, h) },
        {
          label: 'update {shipping_address, tax_exempt}',
          method: 'PATCH',
          call: (p, t, h) => atl(p, 'PATCH', `/customers/${t.ids.cus}`, { shipping_address: { line1: EVIL, city: 'Evilton', country: 'US' }, tax_exempt: true }, h),
        },
        { label: 'update {}', method: 'PATCH', call: (p, t, h) => atl(p, 'PATCH', `/customers/${t.ids.cus}`, {}, h) },
      ],
    },
    {
      kind: 'one',
      method: 'DELETE',
      url: '/atlas/functions/v1/customers/:customer_id',
      notFound: atlasNotFound,
      variants: [{ label: 'delete', method: 'DELETE', destructive: true, call: (p, t, h) => atl(p, 'DELETE', `/customers/${t.ids.cus}`, undefined, h) }],
    },

    // ---- Count's authorization: /count/auth2, and the token endpoints under /count/partners ----
    ...(['authorize-initiate', 'authorize-intiate'] as const).flatMap((spelling) =>
      (['GET', 'HEAD'] as const).map(
      (method): SweepRoute => ({
        kind: 'token',
        method,
        url: `/count/auth2/${spelling}`,
        sweep: async (p, foreign) => {
          await probe(`${method} /count/auth2/${spelling} (${p.label}): no workspace in the answer`, async () => {
            const res = await server.request(method, `/count/auth2/${spelling}?${new URLSearchParams({ clientId: partnerApp.app.id, redirectUri: PARTNER_REDIRECT, state: p.label })}`, { key: null });
            assert.equal(res.status, 200, res.text);
            assert.doesNotMatch(res.text, new RegExp(principals.map((q) => q.tenant.wireId).join('|')));
            assertNoLeak(res.text, foreign);
          });
        },
      }),
      ),
    ),
    {
      kind: 'token',
      method: 'POST',
      url: '/count/partners/grant-access-token',
      sweep: async (p, foreign) => {
        await probe(`POST /count/partners/grant-access-token (${p.label}): the token acts for the consenting workspace and mode only`, async () => {
          const code = await server.app.partners.issueCode(partnerApp.app, PARTNER_REDIRECT, (await server.store.getTenant(p.tenant.id))!, p.mode);
          const stranger = new CountClient({ baseUrl: server.url + COUNT, clientId: strangerApp.app.id, clientSecret: strangerApp.secret });
          assertCountError(await stranger.request('POST', '/grant-access-token', { code }), 403, 'INVALID_AUTHORIZATION_CODE');
          const granted = new CountClient({ baseUrl: server.url + COUNT, clientId: partnerApp.app.id, clientSecret: partnerApp.secret });
          const res = await granted.request('POST', '/grant-access-token', { code });
          assert.equal(res.status, 200, res.text);
          assert.equal(res.body.data.result.workspaceId, toUuid(p.tenant.id));
          assert.equal(res.body.data.result.mode, p.mode);
          const api = new CountClient({ ...granted.options, headers: { authorization: `Bearer ${res.body.data.result.accessToken}` } });
          const all = await api.listCustomers({ limit: 100 });
          assertOnlyOwn(p, all.body.data.records.map((c: { uuid: string }) => hexOfUuid(c.uuid)), 'the list through a fresh partner token');
          assertNoLeak(all.text, foreign);
        });
      },
    },
    {
      kind: 'token',
      method: 'POST',
      url: '/count/partners/refresh-user-access-token',
      sweep: async (p, foreign) => {
        await probe(`POST /count/partners/refresh-user-access-token (${p.label}): another application's refresh is refused; the new token is the workspace's`, async () => {
          const code = await server.app.partners.issueCode(partnerApp.app, PARTNER_REDIRECT, (await server.store.getTenant(p.tenant.id))!, p.mode);
          const tokens = await server.app.partners.exchangeCode(partnerApp.app, code);
          const stranger = new CountClient({ baseUrl: server.url + COUNT, clientId: strangerApp.app.id, clientSecret: strangerApp.secret });
          assertCountError(await stranger.request('POST', '/refresh-user-access-token', { refresh_token: tokens.refreshToken }), 403, 'INVALID_REFRESH_TOKEN');
          const granted = new CountClient({ baseUrl: server.url + COUNT, clientId: partnerApp.app.id, clientSecret: partnerApp.secret });
          const res = await granted.request('POST', '/refresh-user-access-token', { refresh_token: tokens.refreshToken });
          assert.equal(res.status, 200, res.text);
          const api = new CountClient({ ...granted.options, headers: { authorization: `Bearer ${res.body.data.result.accessToken}` } });
          const all = await api.listCustomers({ limit: 100 });
          assertOnlyOwn(p, all.body.data.records.map((c: { uuid: string }) => hexOfUuid(c.uuid)), 'the list through a refreshed partner token');
          assertNoLeak(all.text, foreign);
        });
      },
    },

    // ---- Count /count/partners ----
    {
      kind: 'collection',
      method: 'GET',
      url: '/count/partners/customers',
      sweep: async (p, foreign) => {
        for (const auth of COUNT_AUTHS) {
          await probe(`GET ${COUNT}/customers [${auth}] (${p.label})`, async () => {
            const all = await cnt(p, auth, 'GET', '/customers?limit=100');
            assert.equal(all.status, 200, all.text);
            assert.equal(all.body.data.totalPages, 1);
            assertOnlyOwn(p, all.body.data.records.map((c: { uuid: string }) => hexOfUuid(c.uuid)), 'the Count list');
            assert.equal(all.body.data.totalRecords, all.body.data.records.length);
            assertNoLeak(all.text, foreign);
          });
        }
        for (const [i, v] of foreign.entries()) {
          const auth = authFor(i);
          await probe(`GET ${COUNT}/customers?search= [${auth}] (${p.label} → ${v.label})`, async () => {
            const res = await cnt(p, auth, 'GET', `/customers?search=${enc(v.marker)}`);
            assert.equal(res.status, 200, res.text);
            assert.deepEqual(res.body.data.records, [], res.text);
            assert.equal(res.body.data.totalRecords, 0, res.text);
            assertNoLeak(res.text, foreign);
          });
        }
      },
    },
    {
      kind: 'collection',
      method: 'HEAD',
      url: '/count/partners/customers',
      sweep: async (p, foreign) => {
        for (const [i, v] of foreign.entries()) {
          const auth = authFor(i + 1);
          await probe(`HEAD ${COUNT}/customers?search= [${auth}] (${p.label} → ${v.label})`, async () => {
            const res = await cnt(p, auth, 'HEAD', `/customers?search=${v.marker}`);
            const base = await once(`${p.label} count HEAD ${auth}`, () => cnt(p, auth, 'HEAD', `/customers?search=${FAKE_MARKER}`));
            assert.equal(res.status, 200);
            assertSameAs(res, base, [], []);
          });
        }
      },
    },
    {
      kind: 'collection',
      method: 'GET',
      url: '/count/partners/customers/find-by-email',
      sweep: async (p, foreign) => {
        for (const auth of COUNT_AUTHS) {
          await probe(`GET ${COUNT}/customers/find-by-email [${auth}] (${p.label}, positive control)`, async () => {
            const res = await cnt(p, auth, 'GET', `/customers/find-by-email?email=${enc(p.control.email)}`);
            assert.equal(res.status, 200, res.text);
            assert.equal(res.body.data.uuid, p.control.uuid);
          });
        }
        for (const [i, v] of foreign.entries()) {
          const auth = authFor(i + 2);
          await probe(`GET ${COUNT}/customers/find-by-email [${auth}] (${p.label} → ${v.label})`, async () => {
            const res = await cnt(p, auth, 'GET', `/customers/find-by-email?email=${enc(v.email)}`);
            const base = await once(`${p.label} fbe ${auth} ${fakeEmail(v)}`, () => cnt(p, auth, 'GET', `/customers/find-by-email?email=${enc(fakeEmail(v))}`));
            countNotFound(res);
            assertSameAs(res, base, [[v.email, '<EMAIL>']], [[fakeEmail(v), '<EMAIL>']]);
            assertNoLeak(res.text, foreign, [], [v.email]);
          });
        }
      },
    },
    {
      kind: 'collection',
      method: 'HEAD',
      url: '/count/partners/customers/find-by-email',
      sweep: async (p, foreign) => {
        for (const [i, v] of foreign.entries()) {
          const auth = authFor(i);
          await probe(`HEAD ${COUNT}/customers/find-by-email [${auth}] (${p.label} → ${v.label})`, async () => {
            const res = await cnt(p, auth, 'HEAD', `/customers/find-by-email?email=${enc(v.email)}`);
            const base = await once(`${p.label} fbe HEAD ${auth} ${fakeEmail(v)}`, () => cnt(p, auth, 'HEAD', `/customers/find-by-email?email=${enc(fakeEmail(v))}`));
            assert.equal(res.status, 404);
            assertSameAs(res, base, [], []);
          });
        }
      },
    },
    {
      kind: 'create',
      method: 'POST',
      url: '/count/partners/customers',
      sweep: async (p, foreign) => {
        await twins(p, foreign, `POST ${COUNT}/customers`, async (v, i) => {
          const res = await cnt(p, authFor(i), 'POST', '/customers', { customer: 'Twin', email: v.email });
          assert.equal(res.status, 201, res.text);
          return hexOfUuid(res.body.data.uuid);
        });
      },
    },
    {
      kind: 'create',
      method: 'POST',
      url: '/count/partners/customers/bulk',
      sweep: async (p, foreign) => {
        for (const auth of COUNT_AUTHS) {
          await probe(`POST ${COUNT}/customers/bulk [${auth}] (${p.label} → every foreign e-mail)`, async () => {
            const res = await cnt(p, auth, 'POST', '/customers/bulk', { customers: foreign.map((v) => ({ customer: 'Twin', email: v.email })) });
            assert.equal(res.status, 200, res.text);
            const results = res.body.data.results as { statusCode: number; data?: { uuid: string } }[];
            assert.deepEqual(results.map((r) => r.statusCode), foreign.map(() => 201), res.text);
            const made = results.map((r) => hexOfUuid(r.data!.uuid));
            made.forEach((hex) => own(p, hex));
            await Promise.all(foreign.map((v, i) => checkTwin(p, v, made[i]!)));
          });
        }
      },
    },
    {
      kind: 'bulk-update',
      method: 'PATCH',
      url: '/count/partners/customers/bulk',
      sweep: async (p, foreign) => {
        const bodies: [string, Record<string, unknown>][] = [
          ['{customer}', { customer: 'Hijacked', website: 'https://hijacked.example' }],
          ['{shippingAddress}', { shippingAddress: { street: EVIL, city: 'Evilton', zipCode: '66666', country: 'US' } }],
          ['{} (nothing to change)', {}],
        ];
        for (const auth of COUNT_AUTHS) {
          for (const [label, body] of auth === 'signed' ? bodies : bodies.slice(0, 1)) {
            await probe(`PATCH ${COUNT}/customers/bulk ${label} [${auth}] (${p.label})`, async () => {
              const rows = [...foreign.map((v) => ({ uuid: v.uuid, ...body })), { uuid: FAKE.uuid, ...body }, { uuid: p.control.uuid, ...body }];
              const res = await cnt(p, auth, 'PATCH', '/customers/bulk', { customers: rows });
              assert.equal(res.status, 200, res.text);
              const data = res.body.data;
              assert.equal(data.total, rows.length, res.text);
              assert.equal(data.succeeded, 1, `only the caller's own row may succeed: ${res.text.slice(0, 400)}`);
              assert.equal(data.failed, foreign.length + 1, res.text.slice(0, 400));
              const fakeRow = data.results[foreign.length];
              assert.equal(fakeRow.statusCode, 404, JSON.stringify(fakeRow));
              const fakeError = replaceAll(JSON.stringify(fakeRow.error), idSubs(FAKE));
              foreign.forEach((v, i) => {
                const row = data.results[i];
                assert.equal(row.index, i);
                assert.equal(row.status, 'error', `row for ${v.label}: ${JSON.stringify(row)}`);
                assert.equal(row.statusCode, 404, `row for ${v.label}: ${JSON.stringify(row)}`);
                assert.equal(row.error.code, 'NOT_FOUND', JSON.stringify(row));
                assert.equal(replaceAll(JSON.stringify(row.error), idSubs(v)), fakeError, `row for ${v.label} differs from a never-existing uuid's`);
              });
              const mine = data.results[foreign.length + 1];
              assert.equal(mine.statusCode, 200, `positive control: ${JSON.stringify(mine)}`);
              assert.equal(mine.data.uuid, p.control.uuid);
              assertNoLeak(res.text, foreign, foreign);
            });
          }
        }
      },
    },
    ...(['GET', 'HEAD', 'PUT', 'DELETE'] as const).map(
      (method): Route => ({
        kind: 'one',
        method,
        url: '/count/partners/customers/:uuid',
        notFound: countNotFound,
        // Every way in reads; the writes go signed, as Count's clients send them (the other ways in
        // resolve to the same scope, and write through PATCH /customers/bulk below).
        variants: (method === 'GET' ? COUNT_AUTHS : COUNT_AUTHS.slice(0, 1)).flatMap((auth) => {
          const bodies: [string, unknown][] =
            method !== 'PUT'
              ? [['', undefined]]
              : [
                  ['{customer}', { customer: 'Hijacked', mainPhone: '+1 666 0000' }],
                  ['{shippingAddress}', { shippingAddress: { street: EVIL, city: 'Evilton', zipCode: '66666', country: 'US' } }],
                  ['{} (nothing to change)', {}],
                ];
          return bodies.map(([label, body]): Variant => ({
            label: `${method} ${label} [${auth}]`.replace('  ', ' '),
            method,
            destructive: method === 'DELETE',
            call: (p, t, h) => cnt(p, auth, method, `/customers/${t.ids.uuid}`, body, h),
          }));
        }),
      }),
    ),
    ...webhookRoutes(),
  ];

  /**
   * Creates, in p's scope, a customer with each foreign victim's e-mail: e-mails are unique per
   * tenant and mode only, so this must succeed (a 409 would tell p that the e-mail exists
   * elsewhere). The twin must stay p's, and is deleted again to free the e-mail for the next route.
   */
  async function twins(p: Principal, foreign: Victim[], label: string, create: (v: Victim, i: number) => Promise<string>): Promise<void> {
    // One e-mail per other principal: uniqueness is per scope (POST /customers/bulk takes them all).
    await Promise.all(
      perOwner(foreign).map((v, i) =>
        probe(`${label} with a foreign e-mail (${p.label} → ${v.label})`, async () => {
          const hex = await create(v, i);
          own(p, hex);
          await checkTwin(p, v, hex);
        }),
      ),
    );
  }
  async function checkTwin(p: Principal, v: Victim, hex: string): Promise<void> {
    const twin = idsOf(hex);
    assert.notEqual(hex, v.hex);
    const theirs = await nat(v.owner, 'GET', `/customers?email=${enc(v.email)}`);
    assert.deepEqual(theirs.body.data.map((c: { id: string }) => c.id), v.deleted ? [] : [v.cus], `${v.owner.label} sees its own customer only`);
    const del = await nat(p, 'DELETE', `/customers/${twin.cus}`);
    assert.equal(del.status, 200, del.text);
  }

  // ---------------------------------------------------------------------------------------------

  it('the sweep table names every route the app serves, and nothing else', async () => {
    const prefixes = SURFACES.map((s) => s.prefix + '/');
    const served = new Set<string>();
    const stack: string[] = [];
    for (const line of server.app.printRoutes({ commonPrefix: false }).split('\n')) {
      const m = /^((?:│ {3}| {4})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
      if (!m) continue;
      const depth = m[1]!.length / 4;
      const path = (depth > 0 ? stack[depth - 1] ?? '' : '') + m[2]!;
      stack[depth] = path;
      stack.length = depth + 1;
      if (m[3] && prefixes.some((prefix) => path.startsWith(prefix))) for (const method of m[3].split(', ')) served.add(`${method} ${path}`);
    }
    const table = routes.map((r) => `${r.method} ${r.url}`);
    assert.equal(new Set(table).size, table.length, 'a route appears twice in the table');
    assert.ok(served.has('GET /v1/customers/:id') && served.has('PUT /count/partners/customers/:uuid'), `route list not parsed: ${[...served].join(', ')}`);
    assert.deepEqual([...table].sort(), [...served].sort(), 'the table must list exactly the routes the app serves');

    const doc = (await server.request('GET', '/openapi.json', { key: null })).body;
    const documented = Object.entries<Record<string, unknown>>(doc.paths)
      .filter(([path]) => prefixes.some((prefix) => path.startsWith(prefix)))
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`));
    assert.deepEqual(
      table.filter((r) => !r.startsWith('HEAD ')).sort(),
      documented.sort(),
      'every swept route is documented in /openapi.json and vice versa',
    );
    const heads = table.filter((r) => r.startsWith('HEAD ')).map((r) => r.slice(5));
    assert.deepEqual(heads.sort(), table.filter((r) => r.startsWith('GET ')).map((r) => r.slice(4)).sort(), 'a HEAD beside every GET');
    for (const r of routes) if (r.kind === 'one') assert.ok(r.variants.length > 0 && r.variants.every((v) => v.method === r.method), `${r.method} ${r.url}`);
  });

  it('every single-customer route answers 404 to the other tenant and to the other mode, indistinguishable from an id that never existed', async () => {
    const one = routes.filter((r): r is OneRoute => r.kind === 'one').map(withStaleIfMatch);
    // Positive controls: each variant works on the caller's own customer, so that a 404 below means
    // "not yours" (two principals between them cover both tenants and both modes).
    const controllers = principals.filter((p) => p.label === 'A/test' || p.label === 'B/live');
    assert.equal(controllers.length, 2);
    await inPool(
      one.flatMap((r) => r.variants.flatMap((variant) => controllers.map((p) => ({ r, variant, p })))),
      8,
      ({ r, variant, p }) =>
        probe(`positive control ${r.method} ${r.url} ${variant.label} (${p.label})`, async () => {
          const ids = variant.destructive ? await nativeCustomer(p, { name: 'Disposable' }) : p.control;
          const res = await variant.call(p, { ids, biz: p.tenant.wireId }, variant.headers);
          assert.equal(res.status, variant.ownStatus ?? 200, res.text);
        }),
    );
    report();

    const baselines = new Map<string, Promise<Res>>();
    const baseline = (variant: Variant, p: Principal, cross: boolean): Promise<Res> => {
      const key = `${variant.label}|${variant.method}|${p.label}|${cross}`;
      let found = baselines.get(key);
      if (!found) baselines.set(key, (found = variant.call(p, { ids: FAKE, biz: cross ? FAKE_BIZ : p.tenant.wireId }, variant.headers)));
      return found;
    };
    // Each victim against the same tenant in the other mode and the other tenant in the same mode:
    // one dimension each. (The other tenant in the other mode is swept by the list, search and bulk tests.)
    const attackers = (v: Victim) => principals.filter((p) => p !== v.owner && (p.tenant === v.owner.tenant || p.mode === v.owner.mode));
    // Labels are keyed by route and variant too: they repeat across routes.
    const jobs = one.flatMap((r, ri) =>
      r.variants.flatMap((variant, vi) => victims.flatMap((v) => attackers(v).map((p) => ({ r, variant: { ...variant, label: `${ri}.${vi} ${variant.label}` }, p, v })))),
    );
    assert.ok(jobs.length > 500, `${jobs.length} probes`);
    await inPool(jobs, 16, ({ r, variant, p, v }) =>
      probe(`${variant.method} ${r.url} ${variant.label.replace(/^\S+ /, '')} (${p.label} → ${v.label})`, async () => {
        const cross = crossTenant(p, v);
        const res = await variant.call(p, { ids: v, biz: v.owner.tenant.wireId }, variant.headers);
        if (variant.method === 'HEAD') {
          assert.equal(res.status, 404, res.text);
          assert.equal(res.text, '');
        } else {
          r.notFound(res);
        }
        const base = await baseline(variant, p, cross);
        const bizSub = (biz: string): [string, string][] => (cross ? [[biz, '<BIZ>']] : []);
        assertSameAs(res, base, [...idSubs(v), ...bizSub(v.owner.tenant.wireId)], [...idSubs(FAKE), ...bizSub(FAKE_BIZ)]);
        assertNoLeak(res.text, foreignTo(p), [v]);
      }),
    );
    report();
  });

  it('lists, searches, cursors, find-by-email and token grants never reveal another tenant\'s or mode\'s customers', async () => {
    const sweeps = sweepsOf(routes, 'collection', 'token');
    await inPool(
      sweeps.flatMap((r) => principals.map((p) => ({ r, p }))),
      8,
      ({ r, p }) => r.sweep(p, foreignTo(p)),
    );
    report();
  });

  it("Count's bulk update reports every foreign row as not found and changes nothing", async () => {
    const bulk = sweepsOf(routes, 'bulk-update');
    assert.equal(bulk.length, 1);
    await Promise.all(bulk.flatMap((r) => principals.map((p) => r.sweep(p, foreignTo(p)))));
    report();
  });

  it("after the sweeps every victim is byte-for-byte what its owner saw before, and still there", async () => {
    for (const v of victims) {
      await probe(`victim ${v.label}`, async () => {
        assert.equal(await ownerView(v), snapshots.get(v.hex), `${v.label} (or its history) changed`);
        if (!v.deleted) {
          const listed = await nat(v.owner, 'GET', `/customers?email=${enc(v.email)}`);
          assert.deepEqual(listed.body.data.map((c: { id: string }) => c.id), [v.cus]);
          const viaCount = await v.owner.count.getCustomer(v.uuid);
          assert.equal(viaCount.status, 200, viaCount.text);
        }
      });
    }
    report();
  });

  it('creating a customer with a foreign e-mail succeeds in the caller\'s own scope only (no uniqueness oracle), on every create route', async () => {
    const creates = sweepsOf(routes, 'create');
    // Per principal, one route after the other: each route's twins are deleted before the next reuses the e-mails.
    await Promise.all(
      principals.map(async (p) => {
        for (const r of creates) await r.sweep(p, foreignTo(p));
      }),
    );
    report();
    for (const v of victims) {
      await probe(`victim ${v.label} after the creates`, async () => {
        assert.equal(await ownerView(v), snapshots.get(v.hex), `${v.label} (or its history) changed`);
      });
    }
    report();
  });

  it("an Idempotency-Key is its caller's own: another tenant or mode sending the same key and request never gets the owner's response", async () => {
    const [a, ...others] = principals as [Principal, ...Principal[]];
    const m = marker('id');
    const key = (what: string) => ({ 'idempotency-key': `cross-${m}-${what}` });
    const created = await nat(a, 'POST', '/customers', { name: `Idem ${m}`, email: `${m}.idem@victim.example`, metadata: { tag: m } }, key('create'));
    assert.equal(created.status, 200, created.text);
    const x: Victim = { label: `idempotently written customer of ${a.label}`, owner: a, ...idsOf(hexOfCus(created.body.id)), marker: m, email: `${m}.idem@victim.example`, name: `Idem ${m}`, deleted: false, secrets: [] };
    own(a, x.hex);

    const writes: [string, (p: Principal, h: Record<string, string>) => Promise<Res>, (res: Res) => void][] = [
      ['create', (p, h) => nat(p, 'POST', '/customers', { name: `Idem ${m}`, email: `${m}.idem@victim.example`, metadata: { tag: m } }, h), () => {}],
      ['native update', (p, h) => nat(p, 'POST', `/customers/${x.cus}`, { description: 'idempotent' }, h), nativeNotFound],
      ['Asset update', (p, h) => ast(p, 'PATCH', `/business/${a.tenant.wireId}/customers/${x.cus}`, { phone_number: '+1 555 0199' }, h), assetNotFound],
      ['CheckoutPage update', (p, h) => cpg(p, 'PATCH', `/customers/${x.hex}`, { companyName: 'Idempotent Ltd' }, h), cpNotFound],
      ['Atlas update', (p, h) => atl(p, 'PATCH', `/customers/${x.cus}`, { description: 'idempotent too' }, h), atlasNotFound],
      ['Count update', (p, h) => cnt(p, 'signed', 'PUT', `/customers/${x.uuid}`, { website: 'https://idempotent.example' }, h), countNotFound],
      [
        'Count bulk update',
        (p, h) => cnt(p, 'signed', 'PATCH', '/customers/bulk', { customers: [{ uuid: x.uuid, mainPhone: '+1 555 0198' }] }, h),
        (res) => {
          assert.equal(res.status, 200, res.text);
          assert.equal(res.body.data.results[0].statusCode, 404, res.text);
        },
      ],
      ['native delete', (p, h) => nat(p, 'DELETE', `/customers/${x.cus}`, undefined, h), nativeNotFound],
    ];
    for (const [what, call, notYours] of writes) {
      const headers = key(what);
      // The owner's write, then its retry: replayed byte for byte (idempotency is on for this route).
      const first = what === 'create' ? created : await call(a, headers);
      assert.equal(first.status, 200, `${what}: ${first.text}`);
      const retry = await call(a, headers);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true', `${what}: the owner's retry is replayed`);
      assert.equal(retry.text, first.text, what);
      for (const q of others) {
        await probe(`${what} with ${a.label}'s Idempotency-Key (${q.label})`, async () => {
          const res = await call(q, headers);
          assert.equal(res.headers.get('idempotent-replayed'), null, `replayed ${a.label}'s response: ${res.text.slice(0, 300)}`);
          if (what === 'create') {
            // The same parameters: a customer of q's own, not x.
            assert.equal(res.status, 200, res.text);
            const twin = hexOfCus(res.body.id);
            assert.notEqual(twin, x.hex, `got ${a.label}'s customer`);
            own(q, twin);
            assert.equal(res.body.livemode, q.mode === 'live');
            assert.equal((await nat(q, 'DELETE', `/customers/${res.body.id}`)).status, 200);
          } else {
            notYours(res);
            assertNoLeak(res.text, [x], [x]);
          }
        });
      }
    }
    report();

    // x's history is the owner's writes alone, once each: nobody else's attempt, and no retry, wrote.
    const history = await nat(a, 'GET', `/customers/${x.cus}/history?limit=100`);
    assert.equal(history.status, 200, history.text);
    const entries = history.body.data as { action: string; actor: { id: string | null } }[];
    assert.deepEqual(entries.map((e) => e.action).reverse(), ['created', ...writes.slice(1, -1).map(() => 'updated'), 'deleted'], history.text);
    const strangers = new Set(others.map((q) => q.tenant.clients[q.mode].client_id));
    for (const e of entries) assert.ok(!strangers.has(e.actor.id ?? ''), `an entry by another principal: ${JSON.stringify(e)}`);
  });
});
