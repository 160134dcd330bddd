import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startServer, type TestServer } from '../helpers/server.ts';

/**
 * Clients that send slowly, never finish, or come in numbers: each is cut off by a limit rather
 * than holding the server's connections and memory, and credentials carried in headers are
 * checked before a body is read. Bounds are generous multiples of the configured limits.
 */

const LIMITS = { requestTimeoutMs: 1_000, idleTimeoutMs: 1_500, maxConnections: 12 };

interface RawExchange {
  /** Everything the server sent before closing (or before `waitMs`). */
  text: string;
  closed: boolean;
  ms: number;
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes `head`, then `trickle` one byte at a time every `everyMs`; collects what comes back until close or `waitMs`. */
async function exchange(port: number, head: string, options: { trickle?: string; everyMs?: number; waitMs: number }): Promise<RawExchange> {
  const started = Date.now();
  const socket = await open(port);
  let text = '';
  let closed = false;
  socket.on('data', (chunk) => (text += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const done = new Promise<void>((resolve) => socket.once('close', () => ((closed = true), resolve())));
  socket.write(head);
  const trickle = [...(options.trickle ?? '')];
  const timer = setInterval(() => {
    const next = trickle.shift();
    if (next !== undefined && !socket.destroyed) socket.write(next);
  }, options.everyMs ?? 200);
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, options.waitMs))]);
  clearInterval(timer);
  socket.destroy();
  return { text, closed, ms: Date.now() - started };
}

describe('slow clients and connection limits', () => {
  let server: TestServer;
  before(async () => (server = await startServer(undefined, { connections: LIMITS })));
  after(async () => server.close());

  const post = (path: string, headers: Record<string, string>, length: number) =>
    [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Length: ${length}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');

  it('a body trickled a byte at a time is cut off with a 408 once the request timeout passes', async () => {
    const head = post('/v1/customers', { authorization: `Bearer ${server.tenant.keys.test}`, 'content-type': 'application/x-www-form-urlencoded' }, 100);
    const res = await exchange(server.port, head, { trickle: 'name=' + 'x'.repeat(95), everyMs: 200, waitMs: 15_000 });
    assert.ok(res.closed, `still open after ${res.ms} ms`);
    assert.match(res.text, /^HTTP\/1\.1 408/, res.text.slice(0, 200));
    assert.ok(res.ms < 10_000, `closed after ${res.ms} ms`);
  });

  it('an idle connection is closed', async () => {
    const res = await exchange(server.port, '', { waitMs: 15_000 });
    assert.ok(res.closed, `still open after ${res.ms} ms`);
    // Node says why, when it says anything: no request arrived in time.
    assert.ok(res.text === '' || /^HTTP\/1\.1 408/.test(res.text), res.text.slice(0, 200));
  });

  it('connections past the cap are closed at once; the server serves again once they go', async () => {
    const held = await Promise.all(Array.from({ length: LIMITS.maxConnections }, () => open(server.port)));
    try {
      const extra = await exchange(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: 3_000 });
      assert.ok(extra.closed, 'the connection past the cap was kept');
      assert.equal(extra.text, '', 'nothing is served past the cap');
    } finally {
      for (const socket of held) socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await server.request('GET', '/healthz', { key: null })).status, 200);
  });

  it('credentials in headers are refused before a 1 MiB body is read (native, Count, Asset), and a token request is small', async () => {
    const mib = 1024 * 1024;
    const basic = `Basic ${Buffer.from('cli_test_nope:nope').toString('base64')}`;
    const cases: [string, string][] = [
      ['native, wrong key', post('/v1/customers', { authorization: 'Bearer sk_test_nope', 'content-type': 'application/json' }, mib)],
      ['Count, no credentials', post('/count/partners/customers', { 'content-type': 'application/json' }, mib)],
      ['Count, unknown signing client', post('/count/partners/customers', { 'content-type': 'application/json', 'x-client-id': 'cli_test_nope', 'x-timestamp': String(Date.now()), 'x-signature': 'a'.repeat(64) }, mib)],
      ['Count, stale timestamp', post('/count/partners/customers', { 'content-type': 'application/json', 'x-client-id': server.tenant.clients.test.client_id, 'x-timestamp': '1', 'x-signature': 'a'.repeat(64) }, mib)],
      ['Asset token, wrong Basic credentials', post('/asset/v0/auth/token', { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, mib)],
    ];
    for (const [label, head] of cases) {
      // Only the headers are sent: an answer proves the body was never waited for.
      const res = await exchange(server.port, head, { waitMs: 5_000 });
      assert.match(res.text, /^HTTP\/1\.1 401/, `${label}: ${res.text.slice(0, 200)}`);
      // And the connection goes with the answer: the unread body is not drained into memory.
      assert.ok(res.closed, `${label}: the connection stayed open after the refusal`);
      assert.match(res.text, /\r\nconnection: close\r\n/i);
    }
    const token = await exchange(server.port, post('/asset/v0/auth/token', { 'content-type': 'application/x-www-form-urlencoded' }, mib), { waitMs: 5_000 });
    // In RFC 6749's terms: invalid_request (its token endpoint answers 400 for every malformed request).
    assert.match(token.text, /^HTTP\/1\.1 400/, token.text.slice(0, 200));
    assert.match(token.text, /"error":"invalid_request".*too large/);
  });
});
