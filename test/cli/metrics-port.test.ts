/**
 * `clientele serve` with METRICS_PORT: Prometheus's /metrics answers on that port (and the API's
 * port does not serve it); without the variable nothing listens for scrapes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cliHarness } from '../helpers/cli.ts';
import { freePort } from '../helpers/postgres.ts';

const { tempDir, startServe } = cliHarness({ prefix: 'clientele-metrics-', timeoutMs: 20_000 });

describe('clientele serve with METRICS_PORT', () => {
  it('serves /metrics on its own port, after traffic; not on the API port', async () => {
    const port = await freePort();
    const server = await startServe(tempDir(), { METRICS_PORT: String(port) });
    try {
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      const scraped = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(scraped.status, 200);
      const text = await scraped.text();
      assert.match(text, /http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200",surface="other"\} 1/);
      assert.match(text, /process_cpu_user_seconds_total/);
      assert.equal((await fetch(`${server.url}/metrics`)).status, 404);
    } finally {
      await server.stop();
    }
  });

  it('listens for nothing else without it', async () => {
    const port = await freePort();
    const server = await startServe(tempDir());
    try {
      await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`));
    } finally {
      await server.stop();
    }
  });
});
