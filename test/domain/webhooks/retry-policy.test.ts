import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveryJob } from '../../../src/domain/webhooks/delivery.ts';
import { afterAttempt, MAX_ATTEMPTS, RETRY_DELAYS_MS, type SendOutcome } from '../../../src/domain/webhooks/retry-policy.ts';

const DAY = 86_400_000;

function job(attempts: number, failingSince: number | null = null, scheduleFrom = 0): DeliveryJob {
  return {
    delivery: { id: 'd', attempts, scheduleFrom, endpointId: 'e' },
    endpoint: { id: 'e', failingSince },
  } as unknown as DeliveryJob;
}

const outcome = (statusCode: number | null, at = 1_000_000, retryAfterMs: number | null = null): SendOutcome => ({
  at, durationMs: 100, statusCode, error: statusCode === null ? 'Timed out after 15 s' : null, responseBody: null, retryAfterMs,
});

describe('retry policy', () => {
  it('follows Standard Webhooks’ schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h) within ±10 % jitter, then gives up', () => {
    assert.deepEqual(RETRY_DELAYS_MS, [5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 504e5, 72e6, 864e5]);
    assert.equal(MAX_ATTEMPTS, 10);
    for (let made = 0; made < MAX_ATTEMPTS - 1; made++) {
      for (const random of [0, 0.5, 1]) {
        const result = afterAttempt(job(made), outcome(500), 5, () => random);
        assert.equal(result.next.state, 'ready');
        const delay = (result.next as { nextAttemptAt: number }).nextAttemptAt - 1_000_100;
        const planned = RETRY_DELAYS_MS[made]!;
        assert.ok(delay >= planned * 0.9 && delay <= planned * 1.1, `attempt ${made + 1}: ${delay} ms`);
      }
    }
    assert.equal(afterAttempt(job(MAX_ATTEMPTS - 1), outcome(500), 5).next.state, 'failed');
    // A manual retry starts a fresh schedule.
    assert.equal(afterAttempt(job(MAX_ATTEMPTS - 1, null, MAX_ATTEMPTS - 1), outcome(500), 5).next.state, 'ready');
  });

  it('2xx succeeds; a redirect, a timeout and a 4xx are retried; 410 fails and disables the endpoint', () => {
    assert.equal(afterAttempt(job(0), outcome(204), 5).next.state, 'succeeded');
    for (const status of [301, 302, 400, 404, 429, null]) assert.equal(afterAttempt(job(0), outcome(status), 5).next.state, 'ready', String(status));
    const gone = afterAttempt(job(0), outcome(410), 5);
    assert.equal(gone.next.state, 'failed');
    assert.match(gone.endpoint!.disable!, /410/);
  });

  it('honours a later Retry-After, up to a day', () => {
    const later = afterAttempt(job(0), outcome(429, 1_000_000, 60_000), 5, () => 0.5);
    assert.equal((later.next as { nextAttemptAt: number }).nextAttemptAt, 1_000_100 + 60_000);
    const sooner = afterAttempt(job(0), outcome(503, 1_000_000, 1), 5, () => 0.5);
    assert.equal((sooner.next as { nextAttemptAt: number }).nextAttemptAt, 1_000_100 + 5_000);
    const huge = afterAttempt(job(0), outcome(503, 1_000_000, 30 * DAY), 5, () => 0.5);
    assert.equal((huge.next as { nextAttemptAt: number }).nextAttemptAt, 1_000_100 + DAY);
  });

  it('tracks since when an endpoint fails, forgives it on success, and disables it after the tenant’s days', () => {
    assert.deepEqual(afterAttempt(job(0), outcome(500, 5 * DAY), 5).endpoint, { failingSince: 5 * DAY, disable: null });
    assert.equal(afterAttempt(job(0, 4 * DAY), outcome(500, 5 * DAY), 5).endpoint, null, 'already failing: nothing changes');
    assert.deepEqual(afterAttempt(job(0, 4 * DAY), outcome(200, 5 * DAY), 5).endpoint, { failingSince: null, disable: null });
    assert.equal(afterAttempt(job(0), outcome(200), 5).endpoint, null, 'healthy stays healthy without a write');
    const dead = afterAttempt(job(3, 0), outcome(500, 5 * DAY), 5);
    assert.match(dead.endpoint!.disable!, /5 days/);
    assert.equal(afterAttempt(job(3, 0), outcome(500, 5 * DAY), 6).endpoint, null, 'a tenant allowing 6 days keeps it');
  });
});
