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

/** Asserts an Atlas-format error: the status, and the `error` fields given (exactly, for those named). */
export function assertError(res: Res, status: number, expected: { type?: string; code?: string; param?: string | undefined; message?: RegExp }): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(typeof res.body?.error?.message, 'string', res.text);
  assert.deepEqual(Object.keys(res.body), ['error'], res.text);
  for (const key of Object.keys(res.body.error)) assert.ok(['type', 'code', 'message', 'param'].includes(key), `unexpected error field ${key}`);
  assert.equal(res.body.error.type, expected.type ?? 'invalid_request_error', res.text);
  if (expected.code !== undefined) assert.equal(res.body.error.code, expected.code, res.text);
  if ('param' in expected) assert.equal(res.body.error.param, expected.param, res.text);
  if (expected.message) assert.match(res.body.error.message, expected.message, res.text);
}
