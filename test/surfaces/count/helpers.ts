import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import type { TestServer } from '../../helpers/server.ts';
import { CountClient, type CountResponse } from './count-client.ts';

/** Where a client's `https://…/partners` goes. */
export const COUNT = '/count/partners';

/** The customer object's fields. */
export const CUSTOMER_FIELDS = [
  'uuid', 'customer', 'email', 'mainPhone', 'website', 'status', 'billingAddress', 'shippingAddress', 'contacts', 'taxSettings', 'createdAt', 'updatedAt',
];
export const ADDRESS_FIELDS = ['street', 'city', 'state', 'zipCode', 'country'];
export const CONTACT_FIELDS = ['uuid', 'name', 'firstName', 'lastName', 'email', 'phone', 'isPrimary'];
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

export type Res = CountResponse;

/**
 * A Count client for the server's tenant (test mode unless `mode` says live): it signs with the
 * tenant's own client and carries the tenant's secret key of that mode as its Bearer (Count's two
 * layers; a partner's client would carry an access token instead). `key`: another tenant's.
 */
export function countClient(server: TestServer, mode: 'test' | 'live' = 'test', credentials = server.tenant.clients[mode], key = server.tenant.keys[mode]): CountClient {
  return new CountClient({ baseUrl: server.url + COUNT, clientId: credentials.client_id, clientSecret: credentials.client_secret, headers: { authorization: `Bearer ${key}` } });
}

let counter = 0;
/** An e-mail no other test uses (e-mails are unique per tenant and mode). */
export function uniqueEmail(tag = 'c'): string {
  counter += 1;
  return `${tag}.${process.pid}.${counter}.${Date.now()}@example.com`;
}

/** Creates a customer through Count, asserting success; returns the customer object. */
export async function createCustomer(client: CountClient, body: Record<string, unknown> = {}): Promise<any> {
  const res = await client.createCustomer({ customer: 'Acme Ltd', email: uniqueEmail(), ...body });
  assert.equal(res.status, 201, res.text);
  return res.body.data;
}

/** Asserts the success envelope and returns `data`. */
export function assertSuccess(res: Res, status = 200): any {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(Object.keys(res.body), ['status', 'message', 'data'], res.text);
  assert.equal(res.body.status, 'success');
  assert.equal(typeof res.body.message, 'string');
  assert.ok(res.body.message.length > 0);
  return res.body.data;
}

/** Asserts Count's error envelope: status code, `code`, and (for validation) the fields named. */
export function assertError(res: Res, status: number, code: string, fields?: string[]): any {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const keys = Object.keys(res.body);
  assert.deepEqual(keys.slice(0, 4), ['status', 'message', 'code', 'details'], res.text);
  assert.ok(keys.length === 4 || (keys.length === 5 && keys[4] === 'errors'), res.text);
  assert.equal(res.body.status, 'error');
  assert.equal(typeof res.body.message, 'string');
  assert.ok(res.body.message.length > 0);
  assert.equal(res.body.code, code, res.text);
  assert.equal(typeof res.body.details, 'object');
  assert.notEqual(res.body.details, null);
  if (fields !== undefined) {
    assert.ok(Array.isArray(res.body.errors), `errors listed: ${res.text}`);
    for (const e of res.body.errors) {
      assert.deepEqual(Object.keys(e), ['field', 'message']);
      assert.equal(typeof e.message, 'string');
    }
    assert.deepEqual(res.body.errors.map((e: { field: string }) => e.field).sort(), [...fields].sort(), res.text);
  }
  return res.body;
}

/** A raw request with hand-made signing inputs, for the authentication tests. */
export async function rawSigned(
  server: TestServer,
  init: {
    method: string;
    path: string;
    body?: string;
    clientId?: string;
    secret?: string;
    timestamp?: string;
    /** What to sign instead of the real path / body. */
    signPath?: string;
    signBody?: string;
    signature?: string;
    /** The Bearer (default: the tenant's test key); null sends none. */
    bearer?: string | null;
    headers?: Record<string, string>;
  },
): Promise<Res> {
  const clientId = init.clientId ?? server.tenant.clients.test.client_id;
  const secret = init.secret ?? server.tenant.clients.test.client_secret;
  const timestamp = init.timestamp ?? String(Date.now());
  const method = init.method.toUpperCase();
  const signBody = init.signBody ?? init.body ?? '';
  const bodyHash = ['POST', 'PUT', 'PATCH'].includes(method) ? createHash('sha256').update(signBody).digest('hex') : '';
  const path = init.signPath ?? init.path.split('?')[0]!;
  const signature = init.signature ?? createHmac('sha256', secret).update(`${method}:${path}:${timestamp}:${bodyHash}`).digest('hex');
  const bearer = init.bearer === undefined ? server.tenant.keys.test : init.bearer;
  const headers: Record<string, string> = { 'x-client-id': clientId, 'x-timestamp': timestamp, 'x-signature': signature, ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }), ...init.headers };
  if (init.body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  const res = await fetch(server.url + COUNT + init.path, { method, headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
