/**
 * Fuzzing every route of every surface against a running server (one real HTTP server, keep-alive
 * connections): form and JSON bodies, wrong content types, random query strings, random extra
 * headers, valid and random path ids, mostly valid authentication (so that the requests reach the
 * handlers) and a minority of garbled credentials.
 *
 * Per request: no 5xx (503 included: the store is up), no dropped connection, a JSON body in the
 * surface's success or error format (any 4xx is fine, 429 included: startServer turns rate limits
 * off, should they be on they only slow the fuzz down). Per route: the server still answers /healthz. Afterwards:
 * no two live customers of a tenant and mode share an e-mail, and every customer the store holds
 * (and every one the fuzz created) reads back through GET /v1/customers/:id and every surface's list.
 *
 *   FUZZ_RUNS=N          runs per route (default 2000)
 *   FUZZ_SEED=N          the base seed (worker w uses N + w); printed with every failure
 *   FUZZ_CONCURRENCY=N   requests in flight per route (default 8): N independent fast-check runs
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fc from 'fast-check';
import { startServer, type TestServer, type TestTenant } from '../helpers/server.ts';
import type { ClientCredentials } from '../../src/domain/tenants/tenant-service.ts';
import type { Customer } from '../../src/domain/customers/model.ts';
import { generateSignature } from '../surfaces/count/count-client.ts';
import { fromPrefixed, fromUuid, toPrefixed, toUuid } from '../../src/formats/ids.ts';
import { ATLAS_ERROR_CODES, ATLAS_ERROR_TYPES } from '../../src/surfaces/atlas/schemas.ts';

const RUNS = Number(process.env.FUZZ_RUNS) || 2000;
const CONCURRENCY = Math.max(1, Number(process.env.FUZZ_CONCURRENCY) || 8);
const BASE_SEED = Number(process.env.FUZZ_SEED) || (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
const REQUEST_TIMEOUT_MS = 20_000;
/** FUZZ_VERBOSE=1: the commonest refusals of each route, to see where the fuzz stops. */
const VERBOSE = process.env.FUZZ_VERBOSE === '1';

function errorReason(text: string): string {
  try {
    const b = JSON.parse(text);
    const m = b?.error?.message ?? (Array.isArray(b?.detail) ? `${b.detail[0]?.loc?.join('.')}: ${b.detail[0]?.msg}` : b?.detail) ?? (b?.errors?.[0] ? `${b.errors[0].param ?? b.errors[0].field}: ${b.errors[0].message}` : undefined) ?? b?.error_description ?? b?.message;
    return String(m).replace(/cus_\w+|[0-9a-f-]{24,36}|'[^']*'|"[^"]*"/g, '…').slice(0, 90);
  } catch {
    return text.slice(0, 60);
  }
}

// ---------------------------------------------------------------------------------------------
// Values: a JSON tree that can also hold duplicate keys, `__proto__` keys and literal number text.
// ---------------------------------------------------------------------------------------------

/** A number written exactly as given (`1e999`, 30 digits, `-0`): JSON.stringify cannot. */
class Raw {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}
/** An object as a list of entries: duplicate keys and `__proto__` survive. */
class Obj {
  constructor(readonly entries: readonly (readonly [string, Val])[]) {}
  toString(): string {
    return toJson(this);
  }
}
type Val = null | boolean | number | string | Raw | Obj | readonly Val[];

function toJson(v: Val): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v) ?? 'null';
  if (v instanceof Raw) return v.text;
  if (v instanceof Obj) return '{' + v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',') + '}';
  return '[' + (v as readonly Val[]).map(toJson).join(',') + ']';
}

function fromPlain(v: unknown): Val {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(fromPlain);
  return new Obj(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromPlain(x)] as const));
}

/** UTF-8 percent-encoding that also writes lone surrogates (as their CESU-8 bytes, which no decoder accepts). */
function pct(text: string, keepBrackets = false): string {
  let out = '';
  for (const ch of text) {
    try {
      out += encodeURIComponent(ch);
    } catch {
      const u = ch.charCodeAt(0);
      out += [0xed, 0xa0 | ((u >> 6) & 0x1f), 0x80 | (u & 0x3f)].map((b) => '%' + b.toString(16).toUpperCase()).join('');
    }
  }
  return keepBrackets ? out.replace(/%5B/g, '[').replace(/%5D/g, ']') : out;
}

/** As little escaping as an HTTP request line allows: printable ASCII stays raw (`%`, `[`, `&`, `/` included). */
function rawish(text: string): string {
  let out = '';
  for (const ch of text) out += /^[\x21-\x7e]$/.test(ch) && ch !== '#' ? ch : pct(ch);
  return out;
}

type ArrayStyle = 'index' | 'brackets';

/** Stripe's bracket notation for a value: `address[city]=…`, `expand[]=…` or `expand[0]=…`. */
function formPairs(v: Val, prefix: string, style: ArrayStyle): [string, string][] {
  if (v instanceof Obj) {
    if (v.entries.length === 0 && prefix) return [[prefix, '']];
    return v.entries.flatMap(([k, x]) => formPairs(x, prefix ? `${prefix}[${k}]` : k, style));
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return prefix ? [[prefix, '']] : [];
    return (v as readonly Val[]).flatMap((x, i) => formPairs(x, `${prefix}[${style === 'index' ? i : ''}]`, style));
  }
  const text = v === null ? '' : String(v);
  return prefix ? [[prefix, text]] : [[text, '']];
}

function encodePairs(pairs: readonly (readonly [string, string])[], raw: boolean): string {
  return pairs.map(([k, v]) => (raw ? `${rawish(k)}=${rawish(v)}` : `${pct(k, true)}=${pct(v)}`)).join('&');
}

// ---------------------------------------------------------------------------------------------
// Arbitraries shared by every surface.
// ---------------------------------------------------------------------------------------------

const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff'];
const PIECES = [
  'a', 'Z', '0', ' ', '\u0000', '\t', '\n', '\r\n', '"', "'", '\\', '/', '%', '%00', '%ZZ', '%e9', '+', '&', '=', '[', ']', '[]',
  '{', '}', '@', '.', '..', '<b>', 'é', 'e\u0301', '\u0130', '\u212a', 'ß', '\u200b', '\u202e', '\ufeff', '\uffff', '\ufffd',
  '💥', '👩‍👩‍👧', '𝕏', '９', ...LONE_SURROGATES, 'null', 'NaN', '0x10', '1e3', '-1',
];
const WEIRD = [
  '', ' ', '  x  ', '\u0000', 'x\u0000y', ...LONE_SURROGATES, 'a\ud800b', '💥', '\u202e', '\ufeff', 'null', 'true', 'false', '0', '-0',
  '1e999', 'NaN', '%', '%00', '%ZZ', '[]', '{}', '__proto__', 'constructor', 'US', 'us', 'XX', 'active', 'inactive', 'none',
  'exempt', '\r\n', 'cus_', 'cus_00000000000000000', 'cus_zzzzzzzzzzzzzzzzz', '0'.repeat(24), 'f'.repeat(24),
  '00000000-0000-7000-8000-000000000000', 'biz_', "'; DROP TABLE customers; --", '$where', '%s%s%s', '{{7*7}}', '../../etc/passwd',
];
/** Lengths around every documented bound. */
const LENGTHS = [20, 21, 32, 33, 35, 36, 40, 41, 50, 51, 64, 65, 100, 101, 140, 141, 150, 151, 200, 201, 255, 256, 257, 500, 501, 512, 513, 1000, 2048, 2049, 5000, 5001, 10_000, 70_000];
/** The e-mails every surface writes to tenant A's test data: case and Unicode variants of one another. */
const EMAIL_POOL = [
  'a@b.co', 'A@B.CO', ' a@b.co ', 'fuzz@example.com', 'FUZZ@EXAMPLE.COM', 'Fuzz@Example.com', 'äbc@example.de', 'ÄBC@example.de',
  'k@example.com', '\u212a@example.com', 'i\u0307@example.com', '\u0130@example.com', 'ß@example.com', 'SS@example.com', 'ss@example.com',
  'x.y+tag@example.org', 'X.Y+TAG@EXAMPLE.ORG',
];
const BAD_EMAILS = [
  'not-an-email', '@', 'a@', '@b.co', 'a@b', 'a..b@c.co', '.a@b.co', 'a@b.c', 'a b@c.co', `${'x'.repeat(65)}@example.com`,
  `${'x'.repeat(64)}@${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}.${'g'.repeat(60)}.com`, 'a@b.co,c@d.co', 'a@bücher.example',
  '"a"@b.co', 'a@b.co\u0000', 'a\ud800@b.co', 'a@-b.co',
];
const RAW_NUMBERS = ['1e999', '-1e999', '123456789012345678901234567890', '0.0000000000000000000000001', '-0', '1E2', '9007199254740993', '1.0', '1e-7', '-0.0', '1e+400'];

/**
 * Any code points, lone surrogates included (fc.string({unit: 'binary'}) would do, but building
 * it maps all of Unicode: most of a second).
 */
const codePoint = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 0x7f }) },
  { weight: 3, arbitrary: fc.integer({ min: 0x80, max: 0xffff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }) },
);
const binaryString = fc.array(codePoint, { maxLength: 30 }).map((cps) => cps.map((cp) => String.fromCodePoint(cp)).join(''));
const long = fc.tuple(fc.constantFrom(...LENGTHS), fc.constantFrom('x', 'é', '💥', 'a b', '\u0000', '9')).map(([n, c]) => c.repeat(n));
const pieced = fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }).map((a) => a.join(''));
/** What stores choke on: NUL (PostgreSQL text) and lone surrogates (PostgreSQL JSON). */
const nasty = fc.constantFrom('\u0000', 'a\u0000', 'cli_test_\u0000', '\ud800', 'a\udfffb', '\udbff\u0000', 'a@b.co\u0000', '\u0000@b.co');
/** Any string: plain, Unicode (lone surrogates and NUL included), pathological, long. */
const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: binaryString.map((t) => t.slice(0, 12)) },
  { weight: 2, arbitrary: fc.constantFrom(...WEIRD) },
  { weight: 2, arbitrary: pieced },
  { weight: 2, arbitrary: fc.constantFrom(...EMAIL_POOL, ...BAD_EMAILS) },
  { weight: 1, arbitrary: long },
  { weight: 1, arbitrary: nasty },
);
const anyNumber: fc.Arbitrary<Val> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, 1e308, -1e308, 5e-324, 0.5, 1.5, 100, 101, 10_000, 10_001),
  fc.constantFrom(...RAW_NUMBERS).map((t) => new Raw(t)),
);
const anyScalar: fc.Arbitrary<Val> = fc.oneof(
  { weight: 6, arbitrary: anyString },
  { weight: 2, arbitrary: anyNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);
const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype', '', ' ', '0', 'a.b', 'a[b]', '[]', 'toString', 'hasOwnProperty', 'valueOf'];

/** Any JSON-ish value whose object keys are mostly the surface's own field names. */
function anyValue(keys: readonly string[]): fc.Arbitrary<Val> {
  const key = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...keys) },
    { weight: 2, arbitrary: fc.string({ maxLength: 10 }) },
    { weight: 1, arbitrary: fc.constantFrom(...DANGEROUS_KEYS) },
  );
  return fc.letrec<{ v: Val }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      anyScalar,
      fc.array(tie('v'), { maxLength: 4 }),
      fc.array(fc.tuple(key, tie('v')), { maxLength: 5 }).map((e) => new Obj(e)),
    ),
  })).v;
}

/** JSON nested hundreds or thousands of levels deep, as text (no recursion here). */
const deepJson: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 6, max: 5000 }), fc.constantFrom('array', 'object', 'mixed'), fc.constantFrom('metadata', 'address', 'customers', 'x'))
  .map(([depth, kind, key]) => {
    const open: string[] = [];
    const close: string[] = [];
    for (let i = 0; i < depth; i++) {
      const array = kind === 'array' || (kind === 'mixed' && i % 2 === 1);
      open.push(array ? '[' : `{${JSON.stringify(key)}:`);
      close.push(array ? ']' : '}');
    }
    return `${open.join('')}"leaf"${close.reverse().join('')}`;
  });

/** An object of the surface's top-level fields with values of any type. */
function fieldObject(fields: readonly string[], sub: readonly string[]): fc.Arbitrary<Val> {
  const value = anyValue([...fields, ...sub]);
  const key = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...fields) },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
    { weight: 1, arbitrary: fc.constantFrom(...DANGEROUS_KEYS) },
  );
  return fc.array(fc.tuple(key, value), { maxLength: 8 }).map((e) => new Obj(e));
}

/**
 * An object of a few of `fields`, each with its own values; `required` ones nine times in ten.
 * No `chain`: fast-check shrinks these by dropping entries and shrinking values.
 */
function pick(fields: Record<string, fc.Arbitrary<Val>>, required: readonly string[] = [], maxKeys = 5): fc.Arbitrary<Obj> {
  const entryOf = (k: string) => fields[k]!.map((v) => [k, v] as const);
  const optional = Object.keys(fields).filter((k) => !required.includes(k));
  const requiredEntries = fc.tuple(...required.map((k) => fc.option(entryOf(k), { freq: 10, nil: undefined })));
  const optionalEntries =
    optional.length === 0
      ? fc.constant([] as (readonly [string, Val])[])
      : fc.uniqueArray(fc.oneof(...optional.map(entryOf)), {
          selector: (e) => e[0],
          minLength: required.length === 0 ? 1 : 0,
          maxLength: Math.min(maxKeys, optional.length),
        });
  return fc
    .tuple(requiredEntries, optionalEntries)
    .map(([req, opt]) => new Obj([...req.filter((e): e is readonly [string, Val] => e !== undefined), ...opt]));
}

/** Mostly well-formed text, sometimes not. */
const text: fc.Arbitrary<Val> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 24 }) },
  { weight: 2, arbitrary: fc.constantFrom('Jenny Rosen', 'Ada Lovelace', '1 Main St', 'Paris', 'Berlin', '75001', 'CA', 'x') },
  { weight: 1, arbitrary: anyString },
  { weight: 1, arbitrary: anyScalar },
);
const nullable = (a: fc.Arbitrary<Val>): fc.Arbitrary<Val> => fc.oneof({ weight: 6, arbitrary: a }, { weight: 1, arbitrary: fc.constant(null) });
/** Mostly e-mails of the shared pool (conflicts), else fresh ones (successes), else invalid ones. */
const email: fc.Arbitrary<Val> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EMAIL_POOL) },
  { weight: 4, arbitrary: fc.nat(1_000_000).map((n) => `fz${n}@example.com`) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_EMAILS) },
  { weight: 1, arbitrary: anyScalar },
);
const country: fc.Arbitrary<Val> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('US', 'us', 'DE', 'gb', 'FR', ' fr ') },
  { weight: 1, arbitrary: fc.constantFrom('XX', '', 'USA', 'U', 'ZZ', 'üs', '\u0000', 'U\u0000') },
  { weight: 1, arbitrary: anyScalar },
);
function address(names: { line1: string; line2: string; city: string; state: string; postal: string; country: string }): fc.Arbitrary<Val> {
  return pick({
    [names.line1]: nullable(text),
    [names.line2]: nullable(text),
    [names.city]: nullable(text),
    [names.state]: nullable(text),
    [names.postal]: nullable(text),
    [names.country]: nullable(country),
  }, [], 6);
}
const metadata: fc.Arbitrary<Val> = fc
  .array(fc.tuple(fc.oneof(fc.string({ maxLength: 45 }), fc.constantFrom('k', 'plan', '__proto__', '', 'a[b]', 'x'.repeat(41))), nullable(fc.oneof(fc.string({ maxLength: 20 }), long, anyString))), { maxLength: 6 })
  .map((e) => new Obj(e));
const smallInt: fc.Arbitrary<Val> = fc.oneof(fc.integer({ min: -5, max: 200 }), anyNumber, fc.integer().map(String));

type Body = { kind: 'json' | 'form' | 'text'; text: string } | null;

const WRONG_TYPES = [
  'text/plain', 'application/xml', 'multipart/form-data', 'multipart/form-data; boundary=x', 'application/octet-stream',
  'application/json; charset=utf-16', 'application/json; charset=latin1', 'APPLICATION/JSON', 'application/json;', 'application/json ; charset=utf-8',
  'application/vnd.api+json', 'application/merge-patch+json', 'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded; charset=iso-8859-1', 'application/jsonx', 'json', '*/*', ';', ' ', 'application/json, text/plain',
  'application/x-www-form-urlencoded, application/json', 'text/json', 'application/problem+json', 'application/csp-report', 'application/json\u00ff',
];

/** Header values Node lets through: tab, printable ASCII and Latin-1. */
const headerValue = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, '')) },
  { weight: 1, arbitrary: binaryString.map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '')) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '*', '"x"', 'W/"x"', '\u00ff\u00e9', 'x'.repeat(300), '0', '-1', 'null', 'undefined') },
);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'expect', 'upgrade', 'te', 'keep-alive', 'trailer', 'proxy-connection']);
const extraHeader: fc.Arbitrary<[string, string]> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constant('Idempotency-Key'), fc.oneof(fc.uuid(), fc.constantFrom('fixed-key', 'fixed-key-2', '', ' ', 'x'.repeat(256), 'é\u00ff'), headerValue)) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('If-Match', 'If-None-Match'), fc.oneof(fc.constantFrom('*', '"1"', 'W/"1"', '"0"', '""', '"a", "b"'), headerValue)) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('Content-Type'), fc.constantFrom(...WRONG_TYPES, 'application/json', 'application/x-www-form-urlencoded')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('Content-Encoding', 'Accept-Encoding'), fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'x', '')) },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.constantFrom('Accept', 'X-HTTP-Method-Override', 'Stripe-Version', 'Stripe-Account', 'X-Forwarded-For', 'Origin', 'Cookie', 'X-Request-Id', 'Request-Id', 'Range', 'If-Modified-Since', 'X-Timestamp', 'Authorization', 'X-Client-Id'),
      headerValue,
    ),
  },
  { weight: 1, arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => TOKEN.test(s) && !FORBIDDEN_HEADERS.has(s.toLowerCase())), headerValue) },
);

// ---------------------------------------------------------------------------------------------
// HTTP: one keep-alive agent, requests exactly as built (duplicate headers, raw paths).
// ---------------------------------------------------------------------------------------------

interface Sent {
  method: string;
  path: string;
  headers: [string, string][];
  body?: string;
}
interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

let agent: http.Agent;
let port = 0;

function send(req: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
    const flat: string[] = ['Host', `127.0.0.1:${port}`];
    for (const [k, v] of req.headers) flat.push(k, v);
    if (body !== undefined || ['POST', 'PUT', 'PATCH'].includes(req.method)) flat.push('Content-Length', String(body?.length ?? 0));
    const r = http.request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers: flat, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.setTimeout(REQUEST_TIMEOUT_MS, () => r.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    r.on('error', reject);
    r.end(body);
  });
}

function show(text: string, max = 1500): string {
  const s = JSON.stringify(text);
  return s.length > max ? `${s.slice(0, max)}… (${text.length} characters)` : s;
}
function describeRequest(req: Sent): string {
  const headers = req.headers.map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join('\n');
  return `${req.method} ${req.path}\n${headers}${req.body === undefined ? '\n  (no body)' : `\n  body: ${show(req.body)}`}`;
}

// ---------------------------------------------------------------------------------------------
// Response formats.
// ---------------------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const keysAre = (v: Record<string, unknown>, allowed: readonly string[]) => Object.keys(v).every((k) => allowed.includes(k));

type Kind = 'customer' | 'retrieve' | 'deleted' | 'list' | 'search' | 'token' | 'bulk' | 'health' | 'openapi' | 'tax_id' | 'tax_ids' | 'tax_id_deleted';
type SurfaceName = 'native' | 'asset' | 'checkoutpage' | 'atlas' | 'count' | 'app';

/** null when the error body is in the surface's format, else what is wrong. */
function errorProblem(surface: SurfaceName, status: number, body: any, kind: Kind): string | null {
  switch (surface) {
    case 'atlas': {
      if (!isObject(body) || !keysAre(body, ['error']) || !isObject(body.error)) return 'not {"error": {…}}';
      const e = body.error;
      const fields = ['type', 'code', 'message', 'decline_code', 'param', 'request_id', 'doc_url'];
      if (Object.keys(e).join() !== fields.join()) return `not the errors page's fields: ${Object.keys(e).join(', ')}`;
      if (!ATLAS_ERROR_TYPES.includes(e.type)) return `error.type ${e.type} is not on Atlas's errors page`;
      if (e.code !== null && !ATLAS_ERROR_CODES.includes(e.code)) return `error.code ${e.code} is not on Atlas's errors page`;
      if (typeof e.message !== 'string') return 'error.message is not a string';
      if (e.param !== null && typeof e.param !== 'string') return 'error.param is neither a string nor null';
      // Null only for a request Node refused before Fastify saw it (no request, no id).
      if (e.request_id === null ? ![400, 408, 431].includes(status) : typeof e.request_id !== 'string' || !e.request_id.startsWith('req_')) return 'error.request_id is not a req_ id';
      return null;
    }
    case 'native': {
      if (!isObject(body) || !keysAre(body, ['error']) || !isObject(body.error)) return 'not {"error": {…}}';
      const e = body.error;
      if (typeof e.type !== 'string' || typeof e.message !== 'string') return 'error.type or error.message is not a string';
      if (!keysAre(e, ['type', 'code', 'message', 'param'])) return `unexpected error fields ${Object.keys(e).join(', ')}`;
      if (e.code !== undefined && typeof e.code !== 'string') return 'error.code is not a string';
      if (e.param !== undefined && typeof e.param !== 'string') return 'error.param is not a string';
      return null;
    }
    case 'asset': {
      if (kind === 'token') {
        if (!isObject(body) || typeof body.error !== 'string' || typeof body.error_description !== 'string') return 'not RFC 6749 {"error", "error_description"}';
        return keysAre(body, ['error', 'error_description']) ? null : `unexpected fields ${Object.keys(body).join(', ')}`;
      }
      if (!isObject(body) || !keysAre(body, ['detail'])) return 'not FastAPI {"detail": …}';
      if (typeof body.detail === 'string') return null;
      if (!Array.isArray(body.detail) || body.detail.length === 0) return 'detail is neither a string nor a list of items';
      for (const item of body.detail) {
        if (!isObject(item) || typeof item.type !== 'string' || typeof item.msg !== 'string' || !Array.isArray(item.loc)) return `bad detail item ${JSON.stringify(item)}`;
        if (!item.loc.every((p: unknown) => typeof p === 'string' || typeof p === 'number')) return `bad loc ${JSON.stringify(item.loc)}`;
      }
      return null;
    }
    case 'checkoutpage': {
      if (status === 401) {
        return isObject(body) && body.error === 'Unauthorized' && typeof body.message === 'string' && keysAre(body, ['error', 'message']) ? null : 'not the 401 body';
      }
      if (!isObject(body) || Object.keys(body).join() !== 'status,type,message,errors') return 'not {status, type, message, errors}';
      if (body.status !== 'error' || body.type !== 'error' || typeof body.message !== 'string' || !Array.isArray(body.errors)) return 'bad status/type/message/errors';
      for (const e of body.errors) {
        if (!isObject(e) || Object.keys(e).join() !== 'param,message,value' || typeof e.param !== 'string' || typeof e.message !== 'string') {
          return `bad errors entry ${JSON.stringify(e)}`;
        }
      }
      return null;
    }
    case 'count': {
      if (!isObject(body)) return 'not an object';
      const keys = Object.keys(body);
      if (keys.slice(0, 4).join() !== 'status,message,code,details' || !(keys.length === 4 || (keys.length === 5 && keys[4] === 'errors'))) {
        return `fields ${keys.join(', ')} are not status, message, code, details[, errors]`;
      }
      if (body.status !== 'error' || typeof body.message !== 'string' || typeof body.code !== 'string' || !isObject(body.details)) return 'bad status/message/code/details';
      if (body.errors !== undefined) {
        if (!Array.isArray(body.errors)) return 'errors is not a list';
        for (const e of body.errors) if (!isObject(e) || typeof e.field !== 'string' || typeof e.message !== 'string') return `bad errors entry ${JSON.stringify(e)}`;
      }
      return null;
    }
    case 'app':
      return isObject(body) && typeof body.message === 'string' ? null : 'not an error object';
  }
}

/** null when the success body has the route's shape, else what is wrong. */
function successProblem(surface: SurfaceName, kind: Kind, body: any): string | null {
  const customerLike = (c: any) => isObject(c) && typeof (c.id ?? c.uuid) === 'string';
  switch (surface) {
    case 'native':
    case 'atlas':
      if (kind === 'customer') return isObject(body) && body.object === 'customer' && typeof body.id === 'string' && body.deleted !== true ? null : 'not a customer';
      // A deleted customer still reads back, as {id, object, deleted: true}.
      if (kind === 'retrieve') return isObject(body) && body.object === 'customer' && typeof body.id === 'string' ? null : 'not a customer';
      if (kind === 'deleted') return isObject(body) && body.object === 'customer' && body.deleted === true ? null : 'not a deleted customer';
      if (kind === 'list') return isObject(body) && body.object === 'list' && Array.isArray(body.data) && body.data.every(customerLike) ? null : 'not a list';
      if (kind === 'search') return isObject(body) && body.object === 'search_result' && Array.isArray(body.data) ? null : 'not a search result';
      if (kind === 'tax_id') return isObject(body) && body.object === 'tax_id' && typeof body.id === 'string' && body.deleted === undefined ? null : 'not a tax id';
      if (kind === 'tax_ids') return isObject(body) && body.object === 'list' && Array.isArray(body.data) && body.data.every((t: any) => t.object === 'tax_id') ? null : 'not a list of tax ids';
      if (kind === 'tax_id_deleted') return isObject(body) && body.object === 'tax_id' && body.deleted === true ? null : 'not a deleted tax id';
      break;
    case 'asset':
      if (kind === 'token') return isObject(body) && typeof body.access_token === 'string' && body.token_type === 'Bearer' ? null : 'not a token';
      if (kind === 'customer') return isObject(body) && customerLike(body.data) ? null : 'not {"data": customer}';
      if (kind === 'list') return isObject(body) && Array.isArray(body.data) && isObject(body.pagination) ? null : 'not {"data": [], "pagination"}';
      break;
    case 'checkoutpage':
      if (kind === 'customer') return isObject(body) && customerLike(body.data) ? null : 'not {"data": customer}';
      if (kind === 'list') return isObject(body) && Array.isArray(body.data) && typeof body.has_more === 'boolean' ? null : 'not a list';
      break;
    case 'count':
      if (!isObject(body) || body.status !== 'success' || typeof body.message !== 'string' || !isObject(body.data)) return 'not {status: "success", message, data}';
      if (kind === 'customer' && !customerLike(body.data)) return 'data is not a customer';
      if (kind === 'list' && !Array.isArray(body.data.records)) return 'data.records is not a list';
      if (kind === 'bulk' && !Array.isArray(body.data.results)) return 'data.results is not a list';
      if (kind === 'deleted' && body.data.deleted !== true) return 'data.deleted is not true';
      return null;
    case 'app':
      if (kind === 'health') return isObject(body) && body.status === 'ok' ? null : 'not {"status": "ok"}';
      if (kind === 'openapi') return isObject(body) && typeof body.openapi === 'string' ? null : 'not an OpenAPI document';
      break;
  }
  return `no success shape for ${surface} ${kind}`;
}

function answerProblem(surface: SurfaceName, kind: Kind, res: Answer): string | null {
  if (res.status >= 500) return `status ${res.status}`;
  if (res.status < 200 || (res.status >= 300 && res.status < 400) || res.status >= 600) return `unexpected status ${res.status}`;
  if (res.status >= 200 && res.status < 300 && res.status !== 200 && res.status !== 201) return `unexpected status ${res.status}`;
  if (!/^application\/json/i.test(String(res.headers['content-type'] ?? ''))) return `Content-Type ${String(res.headers['content-type'])}`;
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return 'the body is not JSON';
  }
  const problem = res.status < 300 ? successProblem(surface, kind, body) : errorProblem(surface, res.status, body, kind);
  return problem === null ? null : `${res.status}: ${problem}`;
}

// ---------------------------------------------------------------------------------------------
// The server, its tenants, and a pool of customers per route.
// ---------------------------------------------------------------------------------------------

interface Identity {
  tenant: TestTenant;
  mode: 'test' | 'live';
}

let server: TestServer;
let A: TestTenant; // the tenant fuzzed
let B: TestTenant; // another tenant, for isolation
let C: TestTenant; // its keys, clients and one token were rolled or expired: credentials that no longer work
let liveKeyC: string;
let testKeyC: string;
const tokens = {} as { aTest: string; aLive: string; b: string; expired: string };
const expiredCredentials = {} as { key: string; client: ClientCredentials };
/** A Count partner application, with the access token tenant A's test mode granted it. */
const partner = {} as { client: ClientCredentials; aTest: string };
/** Ids (canonical hex) the fuzz saw created, with who created them. */
const created = new Map<string, Identity>();

const keyOf = (id: Identity) => (id.tenant === C ? (id.mode === 'test' ? testKeyC : liveKeyC) : id.tenant.keys[id.mode]);

async function nativeCreate(identity: Identity, params: Record<string, unknown> = {}): Promise<string> {
  const res = await server.request('POST', '/v1/customers', { key: keyOf(identity), json: { name: 'pool', ...params } });
  assert.equal(res.status, 200, res.text);
  return fromPrefixed('cus', res.body.id) ?? assert.fail(res.text);
}

interface Pool {
  live: string[];
  deleted: string[];
  liveMode: string;
  otherTenant: string;
}

let poolCounter = 0;
async function makePool(): Promise<Pool> {
  const me: Identity = { tenant: A, mode: 'test' };
  const live = [];
  for (let i = 0; i < 6; i++) live.push(await nativeCreate(me, i % 2 ? { email: `pool${++poolCounter}@example.com` } : {}));
  const deleted = [];
  for (let i = 0; i < 2; i++) {
    const id = await nativeCreate(me);
    assert.equal((await server.request('DELETE', `/v1/customers/${toPrefixed('cus', id)}`)).status, 200);
    deleted.push(id);
  }
  return { live, deleted, liveMode: await nativeCreate({ tenant: A, mode: 'live' }), otherTenant: await nativeCreate({ tenant: B, mode: 'test' }) };
}

// ---------------------------------------------------------------------------------------------
// Surfaces: field names, authentication, id formats.
// ---------------------------------------------------------------------------------------------

interface AuthPlan {
  valid: boolean;
  variant: number;
  noise: string;
}
const authPlan: fc.Arbitrary<AuthPlan> = fc.record({
  valid: fc.oneof({ weight: 17, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) }),
  variant: fc.nat(99),
  noise: headerValue,
});

interface Built {
  headers: [string, string][];
  /** Who the request acts as, when its credentials are valid. */
  identity: Identity | null;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Authorization for the surfaces that take a secret key (native, Atlas, CheckoutPage). */
function secretKeyAuth(plan: AuthPlan): Built {
  const a = (value: string, identity: Identity | null = null): Built => ({ headers: [['Authorization', value]], identity });
  const key = A.keys.test;
  if (plan.valid) {
    const v = plan.variant;
    if (v < 70) return a(`Bearer ${key}`, { tenant: A, mode: 'test' });
    if (v < 78) return a(`Basic ${b64(`${key}:`)}`, { tenant: A, mode: 'test' });
    if (v < 88) return a(`Bearer ${A.keys.live}`, { tenant: A, mode: 'live' });
    if (v < 94) return a(`bearer   ${key}  `, { tenant: A, mode: 'test' });
    return a(`Bearer ${B.keys.test}`, { tenant: B, mode: 'test' });
  }
  const garbles: (() => Built)[] = [
    () => ({ headers: [], identity: null }),
    () => a(plan.noise),
    () => a(`Bearer ${plan.noise}`),
    () => a(`Bearer sk_test_${plan.noise.replace(/\s/g, '')}`),
    () => a(`Bearer ${key.slice(0, -1)}`),
    () => a(`Bearer ${key}x`),
    () => a(`Basic ${b64(plan.noise)}`),
    () => a(`Basic ${plan.noise}`),
    () => a(`Bearer ${expiredCredentials.key}`),
    () => a('Bearer '),
    () => a(`Token ${key}`),
    () => a(`Bearer ${tokens.aTest}`),
    () => a(`Bearer ${key} ${key}`),
    () => ({ headers: [['Authorization', `Bearer ${key}`], ['Authorization', `Bearer ${plan.noise}`]], identity: null }),
  ];
  return garbles[plan.variant % garbles.length]!();
}

function assetAuth(plan: AuthPlan): Built {
  const a = (value: string, identity: Identity | null = null): Built => ({ headers: [['Authorization', value]], identity });
  if (plan.valid) {
    const v = plan.variant;
    if (v < 80) return a(`Bearer ${tokens.aTest}`, { tenant: A, mode: 'test' });
    if (v < 90) return a(`Bearer ${tokens.aLive}`, { tenant: A, mode: 'live' });
    if (v < 98) return a(`bearer  ${tokens.aTest} `, { tenant: A, mode: 'test' });
    return a(`Bearer ${tokens.b}`, null); // B's token on A's business: 404
  }
  const garbles: (() => Built)[] = [
    () => ({ headers: [], identity: null }),
    () => a(plan.noise),
    () => a(`Bearer ${plan.noise}`),
    () => a(`Bearer at_${plan.noise.replace(/\s/g, '')}`),
    () => a(`Bearer ${tokens.aTest.slice(0, -2)}`),
    () => a(`Bearer ${tokens.expired}`),
    () => a(`Bearer ${A.keys.test}`),
    () => a(`Basic ${b64(`${A.clients.test.client_id}:${A.clients.test.client_secret}`)}`),
    () => a(`Bearer ${tokens.aTest} extra`),
    () => a('Bearer'),
  ];
  return garbles[plan.variant % garbles.length]!();
}

/** Count: both layers, HMAC-signed with the client secret (the count client's own signing) and a Bearer: the tenant's key, or a partner's token. */
function countAuth(plan: AuthPlan, method: string, path: string, body: string | undefined): Built {
  const signedPath = path.split('?', 1)[0]!.slice('/count/partners'.length);
  const sign = (client: ClientCredentials, opts: { timestamp?: string; path?: string; body?: string | undefined } = {}): [string, string][] => {
    const timestamp = opts.timestamp ?? String(Date.now());
    const signature = generateSignature({ method, path: opts.path ?? signedPath, timestamp, body: 'body' in opts ? opts.body : body, clientSecret: client.client_secret });
    return [['x-client-id', client.client_id], ['x-timestamp', timestamp], ['x-signature', signature]];
  };
  const testA: Identity = { tenant: A, mode: 'test' };
  if (plan.valid) {
    const v = plan.variant;
    const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
    if (v < 60) return { headers: [...sign(A.clients.test), bearer(A.keys.test)], identity: testA };
    if (v < 68) return { headers: [...sign(A.clients.test, { timestamp: String(Math.floor(Date.now() / 1000)) }), bearer(A.keys.test)], identity: testA };
    if (v < 78) return { headers: [...sign(A.clients.live), bearer(A.keys.live)], identity: { tenant: A, mode: 'live' } };
    if (v < 92) return { headers: [...sign(partner.client), bearer(partner.aTest)], identity: testA };
    return { headers: [...sign(B.clients.test), bearer(B.keys.test)], identity: { tenant: B, mode: 'test' } };
  }
  const valid = (): [string, string][] => [...sign(A.clients.test), ['Authorization', `Bearer ${A.keys.test}`]];
  const replace = (name: string, value: string) => valid().map(([k, v]) => [k, k === name ? value : v] as [string, string]);
  const drop = (name: string) => valid().filter(([k]) => k !== name);
  const garbles: (() => [string, string][])[] = [
    () => [],
    () => replace('x-signature', 'ab'.repeat(32)),
    () => sign(A.clients.test, { body: `${body ?? ''} ` }),
    () => sign(A.clients.test, { path }),
    () => sign(A.clients.test, { timestamp: String(Date.now() - 10 * 60_000) }),
    () => sign(A.clients.test, { timestamp: String(Date.now() + 10 * 60_000) }),
    () => drop('x-signature'),
    () => drop('x-timestamp'),
    () => drop('x-client-id'),
    () => replace('x-client-id', plan.noise),
    () => replace('x-timestamp', plan.noise),
    () => replace('x-signature', plan.noise),
    () => sign(expiredCredentials.client),
    () => replace('x-signature', `sha256=${valid()[2]![1]}`),
    () => sign({ client_id: A.clients.test.client_id, client_secret: 'wrong' }),
    () => [['Authorization', `Bearer ${plan.noise}`]],
    () => [['Authorization', plan.noise]],
    () => [['Authorization', `Bearer ${expiredCredentials.key}`]],
    // One layer only, or two that do not belong together.
    () => sign(A.clients.test),
    () => [['Authorization', `Bearer ${A.keys.test}`]],
    () => [['Authorization', `Bearer ${partner.aTest}`]],
    () => sign(partner.client),
    () => [...sign(A.clients.test), ['Authorization', `Bearer ${B.keys.test}`]],
    () => [...sign(A.clients.test), ['Authorization', `Bearer ${A.keys.live}`]],
    () => [...sign(A.clients.test), ['Authorization', `Bearer ${partner.aTest}`]],
    () => [...sign(partner.client), ['Authorization', `Bearer ${A.keys.test}`]],
    () => [...sign(A.clients.test), ['Authorization', `Bearer ${tokens.aTest}`]],
  ];
  return { headers: garbles[plan.variant % garbles.length]!(), identity: null };
}

const ADDRESS_NATIVE = { line1: 'line1', line2: 'line2', city: 'city', state: 'state', postal: 'postal_code', country: 'country' };

const NATIVE_FIELDS = [
  'name', 'email', 'phone', 'description', 'balance', 'address', 'shipping', 'metadata', 'preferred_locales', 'tax_exempt', 'invoice_prefix',
  'invoice_settings', 'next_invoice_sequence', 'expand', 'tax_id_data', 'tax_ids', 'contacts', 'status', 'website', 'business_name',
  'company_name', 'individual_name', 'billing_email', 'default_source', 'default_payment_method', 'external_id', 'seller_id',
  'stripe_customer_id', 'validate', 'source', 'payment_method', 'cash_balance', 'tax', 'test_clock', 'coupon', 'promotion_code',
];
const NATIVE_SUB = [
  'line1', 'line2', 'city', 'state', 'postal_code', 'country', 'address', 'name', 'phone', 'custom_fields', 'default_payment_method', 'footer',
  'rendering_options', 'amount_tax_display', 'template', 'type', 'value', 'id', 'first_name', 'last_name', 'email', 'is_primary', '0', '1', 'k',
];
function nativeTyped(create: boolean): fc.Arbitrary<Val> {
  const addr = address(ADDRESS_NATIVE);
  const empty = (a: fc.Arbitrary<Val>) => fc.oneof({ weight: 6, arbitrary: a }, { weight: 1, arbitrary: fc.constantFrom<Val>('', null) });
  return pick({
    name: empty(text),
    email: empty(email),
    phone: empty(fc.oneof(fc.constantFrom('+1 555 0100', '1'.repeat(21)), text)),
    description: empty(text),
    address: empty(addr),
    shipping: empty(pick({ name: text, phone: empty(text), address: addr }, ['name', 'address'])),
    metadata: empty(metadata),
    balance: smallInt,
    invoice_prefix: fc.oneof(fc.stringMatching(/^[A-Z0-9]{1,13}$/), text),
    invoice_settings: pick({
      default_payment_method: empty(text),
      footer: empty(text),
      custom_fields: empty(fc.array(pick({ name: text, value: text }, ['name', 'value']), { maxLength: 5 })),
      rendering_options: empty(pick({ amount_tax_display: fc.constantFrom<Val>('exclude_tax', 'include_inclusive_tax', '', 'x'), template: empty(text) })),
    }),
    preferred_locales: empty(fc.array(fc.constantFrom<Val>('en', 'fr-FR', 'de', 'zz-ZZ-x', '', 'en_US', 'x'.repeat(36)), { maxLength: 4 })),
    tax_exempt: fc.constantFrom<Val>('none', 'exempt', 'reverse', '', 'x', null),
    next_invoice_sequence: smallInt,
    expand: fc.array(fc.constantFrom<Val>('default_source', 'sources', 'tax', 'test_clock', 'discount', 'invoice_settings.default_payment_method', 'subscriptions', 'x'), { maxLength: 3 }),
    [create ? 'tax_id_data' : 'tax_ids']: fc.array(pick({ type: fc.constantFrom<Val>('eu_vat', 'us_ein', 'x', ''), value: text }, ['type', 'value']), { maxLength: 3 }),
    contacts: empty(fc.array(pick({ id: text, name: empty(text), first_name: text, last_name: text, email: empty(email), phone: text, is_primary: fc.oneof(fc.boolean(), anyScalar) }), { maxLength: 3 })),
    status: fc.constantFrom<Val>('active', 'inactive', '', 'x'),
    website: empty(text),
    external_id: empty(text),
    company_name: empty(text),
    business_name: empty(text),
    individual_name: empty(text),
    billing_email: empty(email),
    seller_id: empty(text),
    stripe_customer_id: empty(text),
    default_payment_method: empty(text),
    validate: fc.oneof(fc.boolean(), anyScalar),
    ...(create ? {} : { default_source: empty(text) }),
  });
}

const ASSET_FIELDS = ['name', 'external_id', 'email', 'billing_address', 'shipping_address', 'phone_number', 'id'];
const ASSET_SUB = ['street_1', 'street_2', 'city', 'state', 'postal_code', 'country'];
function assetTyped(create: boolean): fc.Arbitrary<Val> {
  const addr = nullable(address({ line1: 'street_1', line2: 'street_2', city: 'city', state: 'state', postal: 'postal_code', country: 'country' }));
  return pick(
    { name: create ? text : nullable(text), external_id: nullable(text), email: nullable(email), billing_address: addr, shipping_address: addr, phone_number: nullable(text) },
    create ? ['name'] : [],
  );
}

const CP_FIELDS = ['name', 'companyName', 'email', 'phone', 'billingEmail', 'address', 'shipping', 'taxId', 'taxIdType', 'id', 'sellerId', 'stripeCustomerId', 'createdAt', 'updatedAt'];
const CP_SUB = ['line1', 'line2', 'city', 'state', 'postalCode', 'country', 'name', 'phone', 'address'];
function checkoutPageTyped(): fc.Arbitrary<Val> {
  const addr = nullable(address({ line1: 'line1', line2: 'line2', city: 'city', state: 'state', postal: 'postalCode', country: 'country' }));
  return pick({
    name: nullable(text),
    companyName: nullable(text),
    email: nullable(email),
    phone: nullable(text),
    billingEmail: nullable(email),
    address: addr,
    shipping: nullable(pick({ name: nullable(text), phone: nullable(text), address: addr })),
    taxId: nullable(text),
    taxIdType: nullable(fc.oneof(fc.constantFrom<Val>('eu_vat', 'us_ein', 'gb_vat'), text)),
  });
}

const ATLAS_FIELDS = ['email', 'name', 'phone', 'description', 'billing_address', 'shipping_address', 'default_payment_method', 'tax_exempt', 'metadata', 'tax_ids', 'id', 'object', 'created', 'address'];
const ATLAS_SUB = ['line1', 'line2', 'city', 'state', 'postal_code', 'country'];
function atlasTyped(create: boolean): fc.Arbitrary<Val> {
  const addr = nullable(address(ADDRESS_NATIVE));
  return pick(
    {
      email: email,
      name: nullable(text),
      phone: nullable(text),
      description: nullable(text),
      billing_address: addr,
      shipping_address: addr,
      default_payment_method: nullable(text),
      tax_exempt: fc.oneof(fc.boolean(), fc.constant(null), anyScalar),
      metadata: nullable(metadata),
    },
    create ? ['email'] : [],
  );
}

const COUNT_FIELDS = ['customer', 'email', 'mainPhone', 'website', 'status', 'billingAddress', 'shippingAddress', 'contacts', 'uuid', 'createdAt', 'updatedAt', 'customers'];
const COUNT_SUB = ['street', 'city', 'state', 'zipCode', 'country', 'name', 'firstName', 'lastName', 'email', 'phone', 'isPrimary', 'uuid', 'customer'];
function countTyped(create: boolean, uuid?: fc.Arbitrary<Val>): fc.Arbitrary<Val> {
  const addr = nullable(address({ line1: 'street', line2: 'street', city: 'city', state: 'state', postal: 'zipCode', country: 'country' }));
  const fields: Record<string, fc.Arbitrary<Val>> = {
    customer: text,
    email: email,
    mainPhone: nullable(text),
    website: nullable(fc.oneof(fc.constantFrom<Val>('https://example.com', 'example.com', 'ftp://x'), text)),
    status: fc.oneof(fc.constantFrom<Val>('active', 'inactive'), anyScalar),
    billingAddress: addr,
    shippingAddress: addr,
    contacts: fc.array(pick({ name: nullable(text), firstName: nullable(text), lastName: nullable(text), email: nullable(email), phone: nullable(text), isPrimary: fc.oneof(fc.boolean(), anyScalar) }), { maxLength: 3 }),
  };
  if (!create) Object.assign(fields, { createdAt: anyScalar, updatedAt: anyScalar, uuid: anyScalar });
  if (uuid) fields.uuid = uuid;
  return pick(fields, create ? ['customer', 'email'] : uuid ? ['uuid'] : []);
}

// ---------------------------------------------------------------------------------------------
// Routes.
// ---------------------------------------------------------------------------------------------

type BodyUse = 'write' | 'none';

interface Route {
  surface: SurfaceName;
  method: string;
  /** With `:id` and `:biz` placeholders. */
  path: string;
  kind: Kind;
  body: BodyUse;
  /** Realistic values of the route's query parameters. */
  query: (pool: Pool) => Record<string, fc.Arbitrary<string>>;
  /** Well-typed bodies of random content, to reach the happy path. */
  typed?: (pool: Pool) => fc.Arbitrary<Val>;
  fields?: readonly string[];
  sub?: readonly string[];
  /** Runs for this route, when not FUZZ_RUNS. */
  runs?: number;
  /** Query parameters the route requires. */
  requiredQuery?: readonly string[];
  /** Form bodies are this surface's own (native, Asset's token endpoint): more of them. */
  formNative?: boolean;
}

const asText = (a: fc.Arbitrary<Val>) => a.map((v) => (typeof v === 'string' ? v : toJson(v)));
const digits = fc.oneof(fc.constantFrom('0', '1', '2', '10', '20', '99', '100', '101', '10000', '10001', '-1', '1.5', '1e3', '0x10', ' 5', '5 ', '+5', '９', '9007199254740993', '18446744073709551616', ''), fc.nat(200).map(String));
const queryText = fc.oneof({ weight: 3, arbitrary: fc.string({ maxLength: 20 }) }, { weight: 1, arbitrary: anyString.filter((s) => s.length < 300) });

/** Mostly `valid`, else junk: each parameter alone should seldom be what makes a request fail. */
const mostly = (valid: fc.Arbitrary<string>, junk: fc.Arbitrary<string> = fc.oneof(digits, queryText)) => fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: junk });
const limit = mostly(fc.integer({ min: 1, max: 100 }).map(String));
const unixTime = mostly(fc.integer({ min: 0, max: 2_000_000_000 }).map(String));
const poolEmail = mostly(fc.constantFrom(...EMAIL_POOL), asText(email));
const taxIdText = fc.oneof(fc.constantFrom('txi_00000000000000000', 'txi_', 'txi_zzzzzzzzzzzzzzzzz', 'nope', 'cus_00000000000000000'), fc.string({ maxLength: 20 }).map((t) => encodeURIComponent(t)));
/** Tax ids: mostly valid pairs of Stripe's types and values, else a real type with junk, or junk. */
const taxIdPair = (type: Val, value: Val): Val => new Obj([['type', type], ['value', value]]);
const taxIdTyped: fc.Arbitrary<Val> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<[string, string]>(['eu_vat', 'DE123456789'], ['us_ein', '12-3456789'], ['ae_trn', '123456789012345'], ['gb_vat', 'GB123456789']).map(([t, v]) => taxIdPair(t, v)) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('eu_vat', 'au_abn', 'br_cpf', 'in_gst', 'ae_trn', 'unknown', 'xx_nope'), fc.string({ maxLength: 30 })).map(([t, v]) => taxIdPair(t, v)) },
  { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.string(), fc.integer()), fc.oneof(fc.string(), fc.integer(), fc.constant<Val>(null))).map(([t, v]) => taxIdPair(t, v)) },
);
const nativeIds = (pool: Pool) => mostly(fc.constantFrom(...pool.live).map((id) => toPrefixed('cus', id)), fc.oneof(fc.constantFrom(...pool.deleted, pool.otherTenant).map((id) => toPrefixed('cus', id)), queryText));
const searchValue = fc.oneof(fc.constantFrom(...EMAIL_POOL), fc.string({ maxLength: 8 }), fc.constantFrom('abc', 'Jenny', '%', '_', '\\', '"', '', 'x'.repeat(300)));
const searchClause = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('email', 'name', 'phone', 'status', 'external_id', 'company_name', 'billing_email', 'website', 'currency', 'description', 'nope'),
      fc.constantFrom(':', ':', '~'),
      searchValue,
    )
    .map(([f, op, v]) => `${f}${op}${JSON.stringify(v)}`),
  fc.tuple(fc.constantFrom('metadata["k"]', 'metadata["plan"]', "metadata['k']", 'metadata[""]', 'metadata["a\\"b"]'), searchValue).map(([f, v]) => `${f}:${JSON.stringify(v)}`),
  fc
    .tuple(fc.constantFrom('created', 'updated'), fc.constantFrom('>', '>=', '<', '<=', ':'), fc.oneof(fc.nat(), fc.integer(), fc.constantFrom(253402300800, 1e21, -1)))
    .map(([f, op, v]) => `${f}${op}${v}`),
  fc.constantFrom('email:null', 'name:null', 'phone:null', 'metadata["k"]:null', 'created:null'),
);
/** Stripe's search language: mostly well-formed clauses, else a soup of its tokens. */
const searchQuery = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.array(fc.tuple(fc.boolean(), searchClause), { minLength: 1, maxLength: 12 }), fc.constantFrom(' AND ', ' OR ', ' and ', ' ', '  AND  '))
      .map(([clauses, join]) => clauses.map(([negate, c]) => (negate ? `-${c}` : c)).join(join)),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom('email', 'name', 'phone', 'metadata["k"]', 'created', 'updated', 'status', 'external_id'),
          fc.constantFrom(':', '~', '>', '>=', '<', '<=', '"', "'", ' AND ', ' OR ', '-', ' ', 'null', '123', '"abc"', '"a@b.co"', '\\', '[', ']', '"%"', '"_"'),
          fc.string({ maxLength: 4 }),
        ),
        { maxLength: 14 },
      )
      .map((p) => p.join('')),
  },
);
const expandValue = fc.constantFrom('default_source', 'sources', 'tax', 'test_clock', 'discount', 'total_count', 'data.default_source', 'x', '');
const expandFor = (valid: string[]) => mostly(fc.constantFrom(...valid), expandValue);

const assetCustomerPath = '/asset/v0/business/:biz/customers';

function routes(): Route[] {
  const nativeCreateTyped = () => nativeTyped(true);
  const nativeUpdateTyped = () => nativeTyped(false);
  const nativeExpand = () => ({ 'expand[]': expandFor(['default_source', 'test_clock', 'invoice_settings.default_payment_method', 'discount']), 'expand[0]': expandValue, expand: expandValue });
  const n = { surface: 'native' as const, fields: NATIVE_FIELDS, sub: NATIVE_SUB, formNative: true };
  const assetBase = { surface: 'asset' as const, fields: ASSET_FIELDS, sub: ASSET_SUB };
  const cp = { surface: 'checkoutpage' as const, fields: CP_FIELDS, sub: CP_SUB };
  const at = { surface: 'atlas' as const, fields: ATLAS_FIELDS, sub: ATLAS_SUB };
  const co = { surface: 'count' as const, fields: COUNT_FIELDS, sub: COUNT_SUB };
  const uuids = (pool: Pool): fc.Arbitrary<Val> => fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...pool.live).map(toUuid) }, { weight: 1, arbitrary: fc.constantFrom(...pool.deleted, pool.liveMode, pool.otherTenant).map(toUuid) }, { weight: 1, arbitrary: anyScalar });
  const rows = (row: fc.Arbitrary<Val>, other: fc.Arbitrary<Val>): fc.Arbitrary<Val> =>
    fc.oneof(
      { weight: 8, arbitrary: fc.array(fc.oneof({ weight: 4, arbitrary: row }, { weight: 1, arbitrary: other }), { minLength: 1, maxLength: 6 }).map((r) => new Obj([['customers', r]])) },
      { weight: 1, arbitrary: fc.constantFrom(0, 101, 150).map((k) => new Obj([['customers', Array.from({ length: k }, () => new Obj([]))]])) },
      { weight: 1, arbitrary: fc.tuple(row, anyValue(COUNT_FIELDS)).map(([r, x]) => new Obj([['customers', x], ['customer', r]])) },
    );
  const tokenTyped = (): fc.Arbitrary<Val> => {
    const creds = fc.constantFrom(
      [A.clients.test.client_id, A.clients.test.client_secret],
      [A.clients.live.client_id, A.clients.live.client_secret],
      [A.clients.test.client_id, A.clients.test.client_secret],
      [expiredCredentials.client.client_id, expiredCredentials.client.client_secret],
      [A.clients.test.client_id, 'wrong'],
      [B.clients.test.client_id, B.clients.test.client_secret],
    );
    return fc
      .tuple(creds, fc.boolean())
      .chain(([[id, secret], _]) =>
        pick(
          {
            client_id: fc.oneof({ weight: 16, arbitrary: fc.constant<Val>(id) }, { weight: 2, arbitrary: anyScalar }, { weight: 1, arbitrary: nasty }),
            client_secret: fc.oneof({ weight: 16, arbitrary: fc.constant<Val>(secret) }, { weight: 2, arbitrary: anyScalar }, { weight: 1, arbitrary: nasty }),
            grant_type: fc.oneof({ weight: 6, arbitrary: fc.constant<Val>('client_credentials') }, { weight: 1, arbitrary: fc.constantFrom<Val>('password', '', null, 'CLIENT_CREDENTIALS') }, { weight: 1, arbitrary: anyScalar }),
            business_id: fc.oneof({ weight: 4, arbitrary: fc.constant<Val>(A.wireId) }, { weight: 1, arbitrary: fc.constantFrom<Val>(B.wireId, null, '', 'biz_x') }, { weight: 1, arbitrary: anyScalar }),
            expires_in: fc.oneof(fc.constantFrom<Val>(1, 60, 3600, 86_400, 86_401, 0, -1, '3600', '1e3', ' 60'), anyScalar),
            scope: anyScalar,
          },
          ['client_id', 'client_secret'],
          4,
        ),
      );
  };

  return [
    // native
    { ...n, method: 'POST', path: '/v1/customers', kind: 'customer', body: 'write', query: nativeExpand, typed: nativeCreateTyped },
    {
      ...n, method: 'GET', path: '/v1/customers', kind: 'list', body: 'none',
      query: (pool) => ({
        limit, starting_after: nativeIds(pool), ending_before: nativeIds(pool), email: poolEmail, created: unixTime,
        'created[gt]': unixTime, 'created[gte]': unixTime, 'created[lt]': unixTime, 'created[lte]': unixTime, 'expand[]': expandFor(['data.default_source', 'data.test_clock']),
      }),
    },
    { ...n, method: 'GET', path: '/v1/customers/search', kind: 'search', body: 'none', requiredQuery: ['query'], query: () => ({ query: searchQuery, limit, page: fc.oneof(queryText, fc.constantFrom('', 'page_x')), 'expand[]': expandFor(['total_count', 'data.default_source']) }) },
    { ...n, method: 'GET', path: '/v1/customers/:id', kind: 'retrieve', body: 'none', query: nativeExpand },
    { ...n, method: 'POST', path: '/v1/customers/:id', kind: 'customer', body: 'write', query: nativeExpand, typed: nativeUpdateTyped },
    { ...n, method: 'PATCH', path: '/v1/customers/:id', kind: 'customer', body: 'write', query: nativeExpand, typed: nativeUpdateTyped },
    { ...n, method: 'DELETE', path: '/v1/customers/:id', kind: 'deleted', body: 'none', query: nativeExpand },
    { ...n, method: 'POST', path: '/v1/customers/:id/erase', kind: 'deleted', body: 'none', query: () => ({}) },
    { ...n, method: 'POST', path: '/v1/customers/:id/tax_ids', kind: 'tax_id', body: 'write', fields: ['type', 'value', 'expand'], sub: [''], query: () => ({}), typed: () => taxIdTyped },
    { ...n, method: 'GET', path: '/v1/customers/:id/tax_ids', kind: 'tax_ids', body: 'none', query: () => ({ limit, starting_after: taxIdText, ending_before: taxIdText, 'expand[]': expandFor(['customer']) }) },
    { ...n, method: 'GET', path: '/v1/customers/:id/tax_ids/:tax_id', kind: 'tax_id', body: 'none', query: () => ({}) },
    { ...n, method: 'DELETE', path: '/v1/customers/:id/tax_ids/:tax_id', kind: 'tax_id_deleted', body: 'none', query: () => ({}) },
    // Asset
    {
      surface: 'asset', method: 'POST', path: '/asset/v0/auth/token', kind: 'token', body: 'write', formNative: true, query: () => ({ grant_type: queryText }),
      fields: ['client_id', 'client_secret', 'grant_type', 'business_id', 'expires_in', 'scope'], sub: ['0', 'a'], typed: tokenTyped,
    },
    { ...assetBase, method: 'POST', path: assetCustomerPath, kind: 'customer', body: 'write', query: () => ({}), typed: () => assetTyped(true) },
    {
      ...assetBase, method: 'GET', path: assetCustomerPath, kind: 'list', body: 'none',
      query: (pool) => ({
        page_size: limit,
        page_token: mostly(
          fc.tuple(fc.constantFrom('n', 'p'), fc.constantFrom(...pool.live)).map(([d, id]) => Buffer.from(`${d}.${id}`).toString('base64url')),
          fc.oneof(
            fc.tuple(fc.constantFrom('n', 'p', 'x'), fc.constantFrom(...pool.deleted, pool.otherTenant)).map(([d, id]) => Buffer.from(`${d}.${id}`).toString('base64url')),
            queryText,
          ),
        ),
      }),
    },
    { ...assetBase, method: 'GET', path: `${assetCustomerPath}/:id`, kind: 'customer', body: 'none', query: () => ({}) },
    { ...assetBase, method: 'PATCH', path: `${assetCustomerPath}/:id`, kind: 'customer', body: 'write', query: () => ({}), typed: () => assetTyped(false) },
    // CheckoutPage
    {
      ...cp, method: 'GET', path: '/checkoutpage/v1/customers', kind: 'list', body: 'none',
      query: (pool) => {
        const cursor = mostly(fc.constantFrom(...pool.live), fc.oneof(fc.constantFrom(...pool.deleted, pool.otherTenant), queryText));
        return { limit, starting_after: cursor, ending_before: cursor, search: mostly(fc.oneof(fc.constantFrom(...EMAIL_POOL, 'pool', 'example', 'a'), fc.string({ maxLength: 5 }))) };
      },
    },
    { ...cp, method: 'GET', path: '/checkoutpage/v1/customers/:id', kind: 'customer', body: 'none', query: () => ({}) },
    { ...cp, method: 'PATCH', path: '/checkoutpage/v1/customers/:id', kind: 'customer', body: 'write', query: () => ({}), typed: checkoutPageTyped },
    // Atlas
    { ...at, method: 'POST', path: '/atlas/functions/v1/customers', kind: 'customer', body: 'write', query: () => ({}), typed: () => atlasTyped(true) },
    { ...at, method: 'GET', path: '/atlas/functions/v1/customers', kind: 'list', body: 'none', query: () => ({ limit, offset: mostly(fc.nat(300).map(String)), email: poolEmail }) },
    { ...at, method: 'GET', path: '/atlas/functions/v1/customers/:id', kind: 'customer', body: 'none', query: () => ({}) },
    { ...at, method: 'PATCH', path: '/atlas/functions/v1/customers/:id', kind: 'customer', body: 'write', query: () => ({}), typed: () => atlasTyped(false) },
    { ...at, method: 'DELETE', path: '/atlas/functions/v1/customers/:id', kind: 'deleted', body: 'none', query: () => ({}) },
    // Count
    {
      ...co, method: 'GET', path: '/count/partners/customers', kind: 'list', body: 'none',
      query: () => ({
        search: mostly(fc.oneof(fc.constantFrom(...EMAIL_POOL, 'pool', 'example', 'a'), fc.string({ maxLength: 5 }))), page: mostly(fc.integer({ min: 1, max: 10_000 }).map(String)), limit,
        orderBy: mostly(fc.constantFrom('customer', 'email', 'createdAt', 'updatedAt'), fc.constantFrom('uuid', '', 'CUSTOMER')),
        orderDirection: mostly(fc.constantFrom('ASC', 'DESC', 'asc', 'desc'), fc.constantFrom('Asc', '')),
      }),
    },
    { ...co, method: 'POST', path: '/count/partners/customers', kind: 'customer', body: 'write', query: () => ({}), typed: () => countTyped(true) },
    { ...co, method: 'GET', path: '/count/partners/customers/find-by-email', kind: 'customer', body: 'none', requiredQuery: ['email'], query: () => ({ email: poolEmail }) },
    { ...co, method: 'POST', path: '/count/partners/customers/bulk', kind: 'bulk', body: 'write', query: () => ({}), typed: () => rows(countTyped(true), countTyped(false)) },
    { ...co, method: 'PATCH', path: '/count/partners/customers/bulk', kind: 'bulk', body: 'write', query: () => ({}), typed: (pool) => rows(countTyped(false, uuids(pool)), countTyped(true)) },
    { ...co, method: 'GET', path: '/count/partners/customers/:id', kind: 'customer', body: 'none', query: () => ({}) },
    { ...co, method: 'PUT', path: '/count/partners/customers/:id', kind: 'customer', body: 'write', query: () => ({}), typed: () => countTyped(false) },
    { ...co, method: 'DELETE', path: '/count/partners/customers/:id', kind: 'deleted', body: 'none', query: () => ({}) },
    // The app's own
    { surface: 'app', method: 'GET', path: '/healthz', kind: 'health', body: 'none', query: () => ({}) },
    // A static 100 KB document: a tenth of the runs (2,000 of them cost ten seconds for nothing new).
    { surface: 'app', method: 'GET', path: '/openapi.json', kind: 'openapi', body: 'none', query: () => ({}), runs: Math.ceil(RUNS / 10) },
  ];
}

// ---------------------------------------------------------------------------------------------
// One request of a route: an arbitrary of plans, and how a plan becomes the bytes sent.
// ---------------------------------------------------------------------------------------------

interface Plan {
  auth: AuthPlan;
  id: string;
  /** For `:tax_id`: mostly ids that name none, and junk. */
  taxId: string;
  biz: string;
  query: [string, string][];
  queryRaw: boolean;
  body: Body;
  /** undefined: the body kind's own type; null: none sent. */
  contentType: string | null | undefined;
  headers: [string, string][];
}

/** Stands for a customer created right before the request. */
const FRESH = '<fresh>';
const ownId = (surface: SurfaceName, hex: string) => (surface === 'checkoutpage' ? hex : surface === 'count' ? toUuid(hex) : toPrefixed('cus', hex));

/** Ids in the route surface's own format, or almost, or not at all; already as they go in the path. */
function idArbitrary(route: Route, pool: Pool): fc.Arbitrary<string> {
  const own = (hex: string) => ownId(route.surface, hex);
  const other = (hex: string) => (route.surface === 'checkoutpage' ? toPrefixed('cus', hex) : route.surface === 'count' ? hex : toUuid(hex));
  const mutate = fc.tuple(fc.constantFrom(...pool.live), fc.nat(7)).map(([hex, m]) => {
    const id = own(hex);
    return [id.toUpperCase(), id.slice(0, -1), `${id}0`, `${id}%00`, `${id}%20`, `%20${id}`, `${id}/`, pct(id).replace(/_/g, '%5F')][m]!;
  });
  return fc.oneof(
    // A delete empties the pool fast: a customer made just before the request, a third of the time.
    { weight: route.method === 'DELETE' ? 10 : 0, arbitrary: fc.constant(FRESH) },
    { weight: 14, arbitrary: fc.constantFrom(...pool.live).map(own) },
    { weight: 2, arbitrary: fc.constantFrom(...pool.deleted).map(own) },
    { weight: 1, arbitrary: fc.constantFrom(pool.liveMode, pool.otherTenant).map(own) },
    { weight: 1, arbitrary: fc.constantFrom(...pool.live).map(other) },
    { weight: 1, arbitrary: mutate },
    { weight: 2, arbitrary: anyString.map((s) => pct(s)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map(rawish) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'search', 'bulk', 'find-by-email', '..', '.', '%2e%2e', 'null', '0', '-1', 'x'.repeat(600), '%', '%ZZ', '%00', '%2F', '%C0%AF', '%ED%A0%80',
        'cus_00000000000000000', 'cus_zzzzzzzzzzzzzzzzz', '0'.repeat(24), 'f'.repeat(24), '00000000-0000-7000-8000-000000000000', 'ffffffff-ffff-7fff-bfff-fffffc000000',
      ),
    },
  );
}

function bodyArbitrary(route: Route, pool: Pool): fc.Arbitrary<Body> {
  const fields = route.fields ?? ['name', 'email'];
  const sub = route.sub ?? ['a'];
  const typed = route.typed?.(pool) ?? fieldObject(fields, sub);
  const loose = fieldObject(fields, sub);
  const json = (a: fc.Arbitrary<Val>) => a.map((v): Body => ({ kind: 'json', text: toJson(v) }));
  const formOf = (a: fc.Arbitrary<Val>) =>
    fc.tuple(a, fc.constantFrom<ArrayStyle>('index', 'brackets'), fc.boolean()).map(([v, style, raw]): Body => ({ kind: 'form', text: encodePairs(formPairs(v, '', style), raw) }));
  const formKey = fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(
          fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...fields) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }),
          fc.array(fc.oneof(fc.constantFrom(...sub), fc.constant(''), fc.nat(30).map(String), fc.string({ maxLength: 5 })), { maxLength: 7 }),
        )
        .map(([root, segments]) => root + segments.map((s) => `[${s}]`).join('')),
    },
    { weight: 1, arbitrary: fc.constantFrom('a[', 'a]', '[a]', 'a[b', 'a[b]]', 'a[[b]]', 'metadata[a][b]', 'address[]', 'expand[]', 'metadata[]', 'metadata[__proto__]', '__proto__[x]', 'constructor[prototype][x]', '=', '&', '') },
  );
  const formValue = fc.oneof({ weight: 3, arbitrary: asText(text) }, { weight: 1, arbitrary: anyString }, { weight: 1, arbitrary: asText(email) });
  const rawPairs = fc
    .array(fc.tuple(formKey, formValue), { maxLength: 12 })
    .chain((pairs) => fc.tuple(fc.constant(pairs), fc.boolean(), fc.array(fc.nat(Math.max(0, pairs.length - 1)), { maxLength: 3 })))
    .map(([pairs, raw, repeats]): Body => ({ kind: 'form', text: encodePairs([...pairs, ...repeats.flatMap((i) => (pairs[i] ? [pairs[i]] : []))], raw) }));
  const rawText = fc.oneof(
    fc.string({ maxLength: 60 }),
    binaryString,
    typed.map((v) => toJson(v)).chain((t) => fc.nat(Math.max(0, t.length - 1)).map((cut) => t.slice(0, cut))),
    fc.constantFrom('{', '[', '"', 'null', 'true', '0', '""', '{}', '[]', '\ufeff{}', '{"email":"a@b.co","email":"A@B.CO"}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '{"a":1}garbage', ' {} ', '\u0000', '{"name":"\\ud800"}', "{'name':'x'}", '{"name":NaN}', '{"name":Infinity}', '{"name":undefined}', '{"name":01}'),
  ).map((t): Body => ({ kind: 'text', text: t }));
  const huge = fc.constantFrom<Body>({ kind: 'json', text: JSON.stringify({ name: 'x'.repeat(1_100_000) }) }, { kind: 'form', text: `name=${'x'.repeat(1_100_000)}` });
  // Native surfaces take forms as their own; the others refuse them (415), so fewer of those.
  const [typedJson, typedForm, rawForm] = route.formNative ? [140, 90, 40] : [200, 15, 15];
  // Weights in 1/500ths or so: a 1.1 MB body about one run in 500.
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant<Body>(null) },
    { weight: 5, arbitrary: fc.constantFrom<Body>({ kind: 'json', text: '' }, { kind: 'form', text: '' }) },
    { weight: typedJson, arbitrary: json(typed) },
    { weight: 70, arbitrary: json(loose) },
    { weight: 20, arbitrary: json(fc.jsonValue().map(fromPlain)) },
    { weight: 6, arbitrary: deepJson.map((t): Body => ({ kind: 'json', text: t })) },
    { weight: 20, arbitrary: rawText },
    { weight: typedForm, arbitrary: formOf(typed) },
    { weight: rawForm, arbitrary: rawPairs },
    { weight: 6, arbitrary: formOf(loose) },
    { weight: 1, arbitrary: huge },
  );
}

function planArbitrary(route: Route, pool: Pool): fc.Arbitrary<Plan> {
  const params = route.query(pool);
  const names = Object.keys(params);
  const key = fc.oneof(
    { weight: 2, arbitrary: names.length ? fc.constantFrom(...names) : fc.string({ maxLength: 6 }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
    { weight: 1, arbitrary: fc.constantFrom('a[b]', 'a[]', '[]', '__proto__', 'constructor[prototype]', 'x[y][z][w][v][u][t]', '', 'limit[', '%', '%ZZ', '&&', 'email[]', 'limit[]', 'limit[0]', 'search[a]', 'created[x]', 'created[gt][lt]', 'expand', 'page[]', 'offset[0]') },
  );
  const pair: fc.Arbitrary<[string, string]> = key.chain((k) => fc.tuple(fc.constant(k), Object.hasOwn(params, k) ? fc.oneof({ weight: 4, arbitrary: params[k]! }, { weight: 1, arbitrary: queryText }) : queryText));
  // The route's own parameters with their values (mostly sensible): required ones nearly always.
  const realistic: fc.Arbitrary<[string, string][]> = fc
    .tuple(fc.shuffledSubarray(names, { maxLength: Math.min(3, names.length) }), fc.record(params), fc.nat(9))
    .map(([keys, all, dice]) => {
      const chosen = new Set([...(dice < 9 ? (route.requiredQuery ?? []) : []), ...keys]);
      return [...chosen].map((k): [string, string] => [k, all[k]!]);
    });
  const body = route.body === 'write' ? bodyArbitrary(route, pool) : fc.oneof({ weight: 9, arbitrary: fc.constant<Body>(null) }, { weight: 1, arbitrary: bodyArbitrary(route, pool) });
  return fc.record({
    auth: authPlan,
    id: route.path.includes(':id') ? idArbitrary(route, pool) : fc.constant(''),
    taxId: taxIdText,
    biz: fc.oneof(
      { weight: 18, arbitrary: fc.constant(A.wireId) },
      { weight: 1, arbitrary: fc.constant(B.wireId) },
      { weight: 1, arbitrary: fc.oneof(anyString.map((s) => pct(s)), fc.constantFrom('biz_', 'biz_00000000000000000', A.wireId.toUpperCase(), `${A.wireId}x`)) },
    ),
    query: fc.oneof(
      { weight: 1, arbitrary: fc.constant<[string, string][]>([]) },
      { weight: 6, arbitrary: realistic },
      { weight: 3, arbitrary: fc.tuple(realistic, fc.array(pair, { minLength: 1, maxLength: 3 })).map(([a, b]) => [...a, ...b]) },
      { weight: 2, arbitrary: fc.array(pair, { maxLength: 6 }) },
    ),
    queryRaw: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    body,
    contentType: fc.oneof(
      { weight: 30, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 3, arbitrary: fc.oneof(fc.constantFrom(...WRONG_TYPES, 'application/json', 'application/x-www-form-urlencoded'), headerValue) },
    ),
    headers: fc.oneof({ weight: 1, arbitrary: fc.constant<[string, string][]>([]) }, { weight: 1, arbitrary: fc.array(extraHeader, { maxLength: 3 }) }),
  });
}

function build(route: Route, plan: Plan): { req: Sent; identity: Identity | null } {
  let path = route.path.replace(':tax_id', plan.taxId).replace(':id', plan.id).replace(':biz', plan.biz);
  if (plan.query.length > 0) path += `?${encodePairs(plan.query, plan.queryRaw)}`;
  const body = plan.body?.text;
  const headers: [string, string][] = [];
  const type = plan.contentType === undefined ? (plan.body ? (plan.body.kind === 'form' ? 'application/x-www-form-urlencoded' : 'application/json') : undefined) : plan.contentType;
  if (type !== undefined && type !== null) headers.push(['Content-Type', type]);
  headers.push(...plan.headers);
  let auth: Built;
  switch (route.surface) {
    case 'count':
      auth = countAuth(plan.auth, route.method, path, body);
      break;
    case 'asset':
      if (route.kind === 'token') {
        const basic = plan.auth.valid && plan.auth.variant >= 90;
        auth = basic
          ? { headers: [['Authorization', `Basic ${b64(`${encodeURIComponent(A.clients.test.client_id)}:${encodeURIComponent(A.clients.test.client_secret)}`)}`]], identity: null }
          : plan.auth.valid
            ? { headers: [], identity: null }
            : { headers: [['Authorization', [`Basic ${plan.auth.noise}`, `Basic ${b64(plan.auth.noise)}`, plan.auth.noise, `Bearer ${tokens.aTest}`][plan.auth.variant % 4]!]], identity: null };
      } else {
        auth = assetAuth(plan.auth);
      }
      break;
    case 'app':
      auth = plan.auth.valid ? { headers: [], identity: null } : secretKeyAuth(plan.auth);
      break;
    default:
      auth = secretKeyAuth(plan.auth);
  }
  return { req: { method: route.method, path, headers: [...auth.headers, ...headers], ...(body !== undefined ? { body } : {}) }, identity: auth.identity };
}

/** Remembers the ids a successful create returned, to read them back at the end. */
function remember(route: Route, identity: Identity | null, res: Answer): void {
  if (!identity || res.status >= 300 || route.method !== 'POST' || route.kind === 'token') return;
  let body: any;
  try {
    body = JSON.parse(res.text);
  } catch {
    return;
  }
  const ids: string[] = [];
  if (route.surface === 'native' || route.surface === 'atlas') ids.push(body?.id);
  if (route.surface === 'asset') ids.push(body?.data?.id);
  if (route.surface === 'count' && route.kind === 'customer') ids.push(body?.data?.uuid);
  if (route.surface === 'count' && route.kind === 'bulk') ids.push(...(body?.data?.results ?? []).map((r: any) => r?.data?.uuid));
  for (const id of ids) {
    if (typeof id !== 'string') continue;
    const hex = id.startsWith('cus_') ? fromPrefixed('cus', id) : fromUuid(id);
    if (hex) created.set(hex, identity);
  }
}

// ---------------------------------------------------------------------------------------------
// The suite.
// ---------------------------------------------------------------------------------------------

interface Failure {
  seed: number;
  message: string;
}

const failures: { route: string; message: string }[] = [];

async function fuzzRoute(route: Route, t: { diagnostic(message: string): void }): Promise<void> {
  const pool = await makePool();
  const plans = planArbitrary(route, pool);
  const statuses = new Map<number, number>();
  const reasons = new Map<string, number>();
  const runs = route.runs ?? RUNS;
  const workers = Math.min(CONCURRENCY, runs);
  const perWorker = Math.ceil(runs / workers);
  const started = Date.now();

  const property = fc.asyncProperty(plans, async (generated) => {
    const plan = generated.id === FRESH ? { ...generated, id: ownId(route.surface, await nativeCreate({ tenant: A, mode: 'test' })) } : generated;
    const { req, identity } = build(route, plan);
    let res: Answer;
    try {
      res = await send(req);
    } catch (err) {
      throw new Error(`no answer (${(err as Error).message})\n${describeRequest(req)}`);
    }
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (VERBOSE && res.status >= 400) {
      const reason = `${res.status} ${errorReason(res.text)}`;
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    remember(route, identity, res);
    // CheckoutPage documents its list as GET /v1/customers/ (trailing slash): an empty id lands there.
    const listed = route.surface === 'checkoutpage' && route.method === 'GET' && req.path.split('?')[0]!.endsWith('/customers/');
    const problem = answerProblem(route.surface, listed ? 'list' : route.kind, res);
    if (problem) throw new Error(`${problem}\n${describeRequest(req)}\n→ ${res.status} ${show(res.text, 600)}`);
  });

  const results = await Promise.allSettled(
    Array.from({ length: workers }, (_, w) =>
      fc.assert(property, { numRuns: Math.max(1, Math.min(perWorker, runs - w * perWorker)), seed: BASE_SEED + w, includeErrorInReport: true }),
    ),
  );
  const errors: Failure[] = results.flatMap((r, w) => (r.status === 'rejected' ? [{ seed: BASE_SEED + w, message: String((r.reason as Error)?.message ?? r.reason) }] : []));

  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  const summary = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, k]) => `${s}×${k}`).join(' ');
  t.diagnostic(`${route.method} ${route.path}: ${total} requests in ${Date.now() - started} ms (${summary})`);
  if (VERBOSE) for (const [reason, k] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 12)) t.diagnostic(`  ${k}× ${reason}`);

  const health = await send({ method: 'GET', path: '/healthz', headers: [] });
  assert.equal(health.status, 200, `the server no longer answers /healthz after fuzzing ${route.method} ${route.path}: ${health.text}`);

  if (errors.length > 0) {
    for (const e of errors) failures.push({ route: `${route.method} ${route.path}`, message: e.message });
    assert.fail(`${errors.length} of ${workers} fuzz workers failed on ${route.method} ${route.path} (base seed ${BASE_SEED}, FUZZ_SEED=${BASE_SEED} reproduces):\n\n${errors.map((e) => `[seed ${e.seed}] ${e.message}`).join('\n\n')}`);
  }
  // The fuzz must reach the handlers: valid credentials most of the time.
  const unauthorized = statuses.get(401) ?? 0;
  if (route.kind !== 'token' && route.surface !== 'app') assert.ok(unauthorized < total * 0.4, `${unauthorized} of ${total} requests were refused as unauthenticated`);
}

async function listAll(identity: Identity): Promise<Customer[]> {
  const scope = { tenantId: identity.tenant.id, mode: identity.mode };
  const out: Customer[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await server.store.listCustomers(scope, { limit: 100, ...(after ? { cursor: { after, field: ['starting_after'] } } : {}) });
    out.push(...page.data);
    if (!page.hasMore || page.data.length === 0) return out;
    after = page.data[page.data.length - 1]!.id;
  }
}

/** Runs `fn` over `items`, `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

describe(`fuzzing every route of every surface (${RUNS} runs per route)`, () => {
  before(async () => {
    server = await startServer();
    port = server.port;
    agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
    A = server.tenant;
    B = await server.newTenant('Other tenant');
    C = await server.newTenant('Rolled tenant');
    expiredCredentials.key = C.keys.test;
    expiredCredentials.client = C.clients.test;
    testKeyC = (await server.tenants.rollKey(C.id, 'test', 0)).secret;
    liveKeyC = C.keys.live;
    await server.tenants.rollClient(C.id, 'test', 0);

    const token = async (credentials: ClientCredentials, tenant: TestTenant, expiresIn?: number) => {
      const form = new URLSearchParams({ client_id: credentials.client_id, client_secret: credentials.client_secret, grant_type: 'client_credentials', business_id: tenant.wireId, ...(expiresIn ? { expires_in: String(expiresIn) } : {}) });
      const res = await server.request('POST', '/asset/v0/auth/token', { key: null, form: form.toString() });
      assert.equal(res.status, 200, res.text);
      return res.body.access_token as string;
    };
    tokens.aTest = await token(A.clients.test, A);
    tokens.aLive = await token(A.clients.live, A);
    tokens.b = await token(B.clients.test, B);
    tokens.expired = await token(A.clients.test, A, 1);
    const app = await server.app.partners.createApp('Fuzzing partner', ['https://partner.example/cb']);
    const code = await server.app.partners.issueCode(app.app, 'https://partner.example/cb', (await server.store.getTenant(A.id))!, 'test');
    partner.client = { client_id: app.app.id, client_secret: app.secret };
    partner.aTest = (await server.app.partners.exchangeCode(app.app, code)).accessToken;
  });
  after(async () => {
    agent?.destroy();
    await server?.close();
    if (failures.length > 0) {
      process.stdout.write(`\n# fuzz failures (base seed ${BASE_SEED}):\n${failures.map((f) => `## ${f.route}\n${f.message}`).join('\n\n')}\n`);
    }
  });

  for (const route of routes()) {
    it(`${route.method} ${route.path}${route.runs ? ` (${route.runs} runs)` : ''}`, async (t) => {
      await fuzzRoute(route, t);
    });
  }

  it('afterwards: unique e-mails per tenant and mode, and every customer reads back on every surface', async () => {
    const identities: Identity[] = [A, B, C].flatMap((tenant) => (['test', 'live'] as const).map((mode) => ({ tenant, mode })));
    const toRead = new Map<string, Identity>(created);
    for (const identity of identities) {
      const customers = await listAll(identity);
      const byEmail = new Map<string, string>();
      for (const c of customers) {
        assert.equal(c.deleted, false, `listed customer ${c.id} is deleted`);
        toRead.set(c.id, identity);
        if (c.email === null) continue;
        const key = c.email.toLowerCase();
        const other = byEmail.get(key);
        assert.equal(other, undefined, `customers ${other} and ${c.id} of ${identity.tenant.wireId} (${identity.mode}) share the e-mail ${JSON.stringify(c.email)}`);
        byEmail.set(key, c.id);
      }
    }

    // Every customer, live or deleted, through the native API.
    const problems: string[] = [];
    await eachLimited([...toRead.entries()], CONCURRENCY, async ([hex, identity]) => {
      const id = toPrefixed('cus', hex);
      const res = await send({ method: 'GET', path: `/v1/customers/${id}`, headers: [['Authorization', `Bearer ${keyOf(identity)}`]] });
      const problem = answerProblem('native', 'retrieve', res);
      if (res.status !== 200 || problem) problems.push(`GET /v1/customers/${id} → ${res.status} ${show(res.text, 300)}`);
      else if (JSON.parse(res.text).id !== id) problems.push(`GET /v1/customers/${id} answered another id: ${show(res.text, 300)}`);
    });
    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} customers do not read back`);

    // Every live customer of tenant A's test data, through every surface's list.
    const expected = (await listAll({ tenant: A, mode: 'test' })).length;
    const authA: [string, string][] = [['Authorization', `Bearer ${A.keys.test}`]];
    const get = async (surface: SurfaceName, path: string, headers = authA): Promise<any> => {
      const res = await send({ method: 'GET', path, headers });
      const problem = answerProblem(surface, 'list', res);
      assert.equal(problem, null, `GET ${path}: ${problem} ${show(res.text, 300)}`);
      return JSON.parse(res.text);
    };
    let seen = 0;
    for (let page = await get('native', '/v1/customers?limit=100'); ; ) {
      seen += page.data.length;
      if (!page.has_more) break;
      page = await get('native', `/v1/customers?limit=100&starting_after=${page.data[page.data.length - 1].id}`);
    }
    assert.equal(seen, expected, 'native list');
    seen = 0;
    for (let page = await get('checkoutpage', '/checkoutpage/v1/customers?limit=100'); ; ) {
      seen += page.data.length;
      if (!page.has_more) break;
      page = await get('checkoutpage', `/checkoutpage/v1/customers?limit=100&starting_after=${page.data[page.data.length - 1].id}`);
    }
    assert.equal(seen, expected, 'CheckoutPage list');
    seen = 0;
    for (let offset = 0; ; offset += 100) {
      const page = await get('atlas', `/atlas/functions/v1/customers?limit=100&offset=${offset}`);
      seen += page.data.length;
      if (page.data.length < 100) break;
    }
    assert.equal(seen, expected, 'Atlas list');
    seen = 0;
    for (let page = 1; ; page++) {
      const path = `/count/partners/customers?limit=100&page=${page}`;
      const timestamp = String(Date.now());
      const signature = generateSignature({ method: 'GET', path: '/customers', timestamp, body: undefined, clientSecret: A.clients.test.client_secret });
      const res = await get('count', path, [...authA, ['x-client-id', A.clients.test.client_id], ['x-timestamp', timestamp], ['x-signature', signature]]);
      seen += res.data.records.length;
      if (page >= res.data.totalPages) break;
    }
    assert.equal(seen, expected, 'Count list');
    seen = 0;
    const assetAuthA: [string, string][] = [['Authorization', `Bearer ${tokens.aTest}`]];
    for (let page = await get('asset', `/asset/v0/business/${A.wireId}/customers?page_size=100`, assetAuthA); ; ) {
      seen += page.data.length;
      const next = page.pagination.next_page_token;
      if (next === null) break;
      page = await get('asset', `/asset/v0/business/${A.wireId}/customers?page_size=100&page_token=${next}`, assetAuthA);
    }
    assert.equal(seen, expected, 'Asset list');
  });
});
