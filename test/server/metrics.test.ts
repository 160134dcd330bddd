/**
 * Prometheus metrics (src/server/metrics/): after real traffic (native creates and reads, an
 * unknown URL, a webhook delivered to a receiver on loopback), a scrape of the metrics listener
 * shows every series the operator graphs, with values that follow from that traffic, and no
 * tenant, customer or e-mail in any label. On both stores.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Metrics } from '../../src/server/metrics/metrics.ts';
import { listenForScrapes } from '../../src/server/metrics/listener.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';

/** The sample lines of one series: `name{labels} value`, parsed. */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => {
      const match = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels = Object.fromEntries([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
      return { labels, value: Number(match[2]) };
    });
}

const sum = (rows: { value: number }[]) => rows.reduce((total, row) => total + row.value, 0);

describe('Prometheus metrics', () => {
  let server: TestServer;
  let scrapes: Server;
  let receiver: Receiver;
  let metricsUrl: string;

  before(async () => {
    const metrics = new Metrics();
    server = await startServer(undefined, { metrics });
    scrapes = await listenForScrapes(metrics, 0, '127.0.0.1');
    metricsUrl = `http://127.0.0.1:${(scrapes.address() as AddressInfo).port}/metrics`;
    receiver = await startReceiver();
  });
  after(async () => {
    scrapes.close();
    await receiver.close();
    await server.close();
  });

  it('exports every series with values that follow from the traffic', async () => {
    const stripe = server.stripe();
    await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
    // Without idempotency keys (the SDK sends one), so that PostgreSQL may batch the creates.
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => server.request('POST', '/v1/customers', { form: `email=metrics${i}%40example.com` })));
    assert.deepEqual(created.map((r) => r.status), Array(20).fill(200));
    await stripe.customers.retrieve(created[0]!.body.id);
    await stripe.customers.list({ limit: 5 });
    assert.equal((await server.request('GET', '/v1/nothing-here')).status, 404);
    await receiver.waitFor((received) => received.length >= 20, 15_000, '20 deliveries');
    // The dispatcher counts an attempt once it is recorded, just after the receiver answered.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const response = await fetch(metricsUrl);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();

    const http = samples(text, 'http_request_duration_seconds_count');
    const creates = http.filter((s) => s.labels.route === '/v1/customers' && s.labels.method === 'POST' && s.labels.status_code === '200');
    assert.equal(sum(creates), 20, 'twenty creates, by route pattern');
    assert.ok(creates.every((s) => s.labels.surface === 'native'));
    assert.equal(sum(http.filter((s) => s.labels.route === '/v1/customers/:id' && s.labels.method === 'GET')), 1, 'the retrieve is labelled with the pattern, not the id');
    assert.ok(sum(http.filter((s) => s.labels.route === 'unmatched' && s.labels.status_code === '404')) >= 1);

    const store = samples(text, 'clientele_store_operation_duration_seconds_count');
    assert.ok(sum(store.filter((s) => s.labels.operation === 'insertCustomer' && s.labels.outcome === 'ok')) >= 20);
    assert.ok(store.every((s) => s.labels.store === server.storeKind));

    const batches = samples(text, 'clientele_store_batch_size_sum');
    const batchKind = server.storeKind === 'sqlite' ? 'group_commit' : 'customer_insert';
    const batched = batches.find((s) => s.labels.kind === batchKind);
    assert.ok(batched && batched.value >= 20, `${batchKind} batches hold the 20 creates`);
    const batchCount = samples(text, 'clientele_store_batch_size_count').find((s) => s.labels.kind === batchKind)!;
    assert.ok(batchCount.value >= 1 && batchCount.value <= batched.value);

    for (const gauge of ['clientele_store_connections', 'clientele_store_connections_in_use', 'clientele_store_connections_waiting']) {
      const [row] = samples(text, gauge);
      assert.ok(row && row.labels.store === server.storeKind && row.value >= 0, gauge);
    }
    if (server.storeKind === 'postgres') assert.ok(samples(text, 'clientele_store_connections')[0]!.value >= 1, 'the pool holds connections');

    const delivered = samples(text, 'clientele_webhook_deliveries_total').filter((s) => s.labels.flavor === 'stripe' && s.labels.result === 'succeeded');
    assert.equal(sum(delivered), 20);
    const lag = samples(text, 'clientele_webhook_delivery_lag_seconds_count').find((s) => s.labels.flavor === 'stripe');
    assert.equal(lag?.value, 20);
    const lagSum = samples(text, 'clientele_webhook_delivery_lag_seconds_sum').find((s) => s.labels.flavor === 'stripe')!;
    assert.ok(lagSum.value >= 0 && lagSum.value < 20 * 15, 'lags are seconds, not milliseconds');
    assert.deepEqual(samples(text, 'clientele_webhook_outbox_backlog').map((s) => s.value), [0], 'every delivery done');

    assert.ok(samples(text, 'process_resident_memory_bytes')[0]!.value > 0, 'default process metrics');
    assert.ok(samples(text, 'nodejs_eventloop_lag_seconds').length === 1);

    // No label anywhere holds a tenant, a customer id or an e-mail address.
    assert.doesNotMatch(text, new RegExp(`${server.tenant.wireId}|cus_|@example\\.com`));
  });

  it('shows the backlog of deliveries not done', async () => {
    const failing = await startReceiver(() => ({ status: 500 }));
    try {
      const stripe = server.stripe();
      const endpoint = await stripe.webhookEndpoints.create({ url: failing.url, enabled_events: ['customer.updated'] });
      const customer = await stripe.customers.create({ email: 'backlog@example.org' });
      await stripe.customers.update(customer.id, { name: 'One' });
      await stripe.customers.update(customer.id, { name: 'Two' });
      await failing.waitFor((received) => received.length >= 1, 10_000, 'a first, failing attempt');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const text = await (await fetch(metricsUrl)).text();
      // The first update waits for its retry, the second waits behind it.
      assert.deepEqual(samples(text, 'clientele_webhook_outbox_backlog').map((s) => s.value), [2]);
      assert.ok(sum(samples(text, 'clientele_webhook_deliveries_total').filter((s) => s.labels.result === 'retrying')) >= 1);
      await stripe.webhookEndpoints.del(endpoint.id);
    } finally {
      await failing.close();
    }
  });

  it('answers nothing but GET /metrics', async () => {
    assert.equal((await fetch(metricsUrl.replace('/metrics', '/'))).status, 404);
    assert.equal((await fetch(metricsUrl, { method: 'POST' })).status, 404);
  });
});
