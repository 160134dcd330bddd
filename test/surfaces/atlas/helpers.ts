import assert from 'node:assert/strict';
import type { TestServer } from '../../helpers/server.ts';

/** Where a client's `https://api.atlas.co/functions/v1` goes. */
export const ATLAS = '/atlas/functions/v1';

/** The customer object's fields, in the order of Atlas's page. */
export const CUSTOMER_FIELDS = [
  'id', 'object', 'email', 'name', 'phone', 'description', 'billing_address', 'shipping_address',
  'default_payment_method', 'tax_exempt', 'tax_ids', 'metadata', 'created',
];
/** The address object's fields, in the order of Atlas's page. */
export const ADDRESS_FIELDS = ['line1', 'line2', 'city', 'state', 'postal_code', 'country'];

export type Res = Awaited<ReturnType<TestServer['request']>>;

/** A request to the Atlas surface, with the tenant's test key unless `key` says otherwise. */
export function atlas(server: TestServer, method: string, path: string, init?: Parameters<TestServer['request']>[2]): Promise<Res> {
  return server.request(method, ATLAS + path, init);
}

let counter = 0;
/** An e-mail no other test uses (uniqueness is enforced per tenant and mode). */
export function uniqueEmail(tag = 'c'): string {
  counter += 1;
  return `${tag}.${process.pid}.${counter}.${Date.now()}@example.com`;
}

/** Creates a customer through Atlas, asserting success. */
export async function createCustomer(server: TestServer, body: Record<string, unknown> = {}, key?: string): Promise<any> {
  const res = await atlas(server, 'POST', '/customers', { json: { email: uniqueEmail(), ...body }, ...(key ? { key } : {}) });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

/** The fields of Atlas's error object, in the order of its errors page. */
export const ERROR_FIELDS = ['type', 'code', 'message', 'decline_code', 'param', 'request_id', 'doc_url'];

/**
 * Asserts an Atlas-format error: the status, every field of the errors page (request_id the
 * answer's Request-Id, doc_url the errors page, decline_code null), and the fields given:
 * `type` (default invalid_request_error) and `code` (default null) always, `param` and the
 * message when named.
 */
export function assertError(res: Res, status: number, expected: { type?: string; code?: string | null; param?: string | null; message?: RegExp }): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(Object.keys(res.body), ['error'], res.text);
  const error = res.body.error;
  assert.deepEqual(Object.keys(error), ERROR_FIELDS, res.text);
  assert.equal(typeof error.message, 'string', res.text);
  assert.equal(error.type, expected.type ?? 'invalid_request_error', res.text);
  assert.equal(error.code, expected.code ?? null, res.text);
  assert.equal(error.decline_code, null);
  assert.equal(error.request_id, res.headers.get('request-id'), 'request_id is the answer\'s Request-Id');
  assert.match(error.request_id, /^req_[0-9A-Za-z]+$/);
  assert.equal(error.doc_url, 'https://docs.atlaspay.cc/developer/errors');
  if ('param' in expected) assert.equal(error.param, expected.param ?? null, res.text);
  if (expected.message) assert.match(error.message, expected.message, res.text);
}
