import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSenderAgents, retryAfterMs, sendDelivery } from '../../src/webhooks/http-sender.ts';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';

const request = (url: string, overrides: Partial<Parameters<typeof sendDelivery>[0]> = {}) =>
  sendDelivery({ url, body: '{"id":"evt_1","é":"ü"}', headers: { 'x-test': 'yes' }, timeoutMs: 2000, allowPrivate: true, ...overrides });

describe('the webhook sender', () => {
  const receivers: Receiver[] = [];
  const receiver = async (...args: Parameters<typeof import('../helpers/webhook-receiver.ts').startReceiver>) => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };
  after(async () => {
    closeSenderAgents();
    for (const r of receivers) await r.close();
  });

  it('POSTs the exact body with its headers, and keeps the first KiB of the answer', async () => {
    const hook = await receiver(() => ({ status: 200, body: 'x'.repeat(5000) }));
    const outcome = await request(hook.url);
    assert.equal(outcome.statusCode, 200);
    assert.equal(outcome.error, null);
    assert.equal(outcome.responseBody, 'x'.repeat(1024));
    const got = hook.received[0]!;
    assert.equal(got.body, '{"id":"evt_1","é":"ü"}');
    assert.equal(got.headers['x-test'], 'yes');
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['user-agent'], 'Clientele-Webhooks/1.0');
  });

  it('reports 500 and 410 as statuses, and reads Retry-After in seconds or as a date', async () => {
    const hook = await receiver((_r, i) => (i === 0 ? { status: 500, headers: { 'retry-after': '120' } } : { status: 410, headers: { 'retry-after': new Date(Date.now() + 60_000).toUTCString() } }));
    const first = await request(hook.url);
    assert.deepEqual([first.statusCode, first.retryAfterMs], [500, 120_000]);
    const second = await request(hook.url);
    assert.equal(second.statusCode, 410);
    assert.ok(second.retryAfterMs! > 55_000 && second.retryAfterMs! <= 60_000, String(second.retryAfterMs));
    assert.equal(retryAfterMs('soon', Date.now()), null);
    assert.equal(retryAfterMs(undefined, Date.now()), null);
  });

  it('does not follow redirects', async () => {
    const target = await receiver();
    const hook = await receiver(() => ({ status: 301, headers: { location: target.url } }));
    const outcome = await request(hook.url);
    assert.equal(outcome.statusCode, 301);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(target.received.length, 0);
  });

  it('times out a receiver that does not answer, and says so', async () => {
    const hook = await receiver(() => ({ delayMs: 30_000 }));
    const started = Date.now();
    const outcome = await request(hook.url, { timeoutMs: 300 });
    assert.ok(Date.now() - started < 2000);
    assert.equal(outcome.statusCode, null);
    assert.match(outcome.error!, /Timed out after 0\.3 s/);
  });

  it('reports a refused connection, and refuses private addresses without connecting', async () => {
    const closed = await receiver();
    const url = closed.url;
    await closed.close();
    receivers.splice(receivers.indexOf(closed), 1);
    assert.equal((await request(url)).error, 'Connection refused');
    const hook = await receiver();
    const refused = await request(hook.url, { allowPrivate: false });
    assert.match(refused.error!, /^Refused: 127\.0\.0\.1 resolves to 127\.0\.0\.1, a private, loopback/);
    assert.equal(hook.received.length, 0);
  });
});
