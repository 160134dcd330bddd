import type { AttemptResult, DeliveryAttempt, DeliveryJob } from './delivery.ts';

/**
 * Standard Webhooks' schedule: the first attempt at once, then retries 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h, 14 h, 20 h and 24 h after the attempt before, each with up to ±10 % jitter.
 */
export const RETRY_DELAYS_MS: readonly number[] = [5e3, 5 * 60e3, 30 * 60e3, 2 * 3600e3, 5 * 3600e3, 10 * 3600e3, 14 * 3600e3, 20 * 3600e3, 24 * 3600e3];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** A receiver's Retry-After is honoured up to this long. */
export const MAX_RETRY_AFTER_MS = 24 * 3600e3;
const JITTER = 0.1;
const DAY_MS = 86_400_000;

/** What the receiver answered, or why nothing came. */
export interface SendOutcome {
  at: number;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  /** Milliseconds the receiver asked us to wait (its Retry-After), when it did. */
  retryAfterMs: number | null;
}

export const isSuccess = (statusCode: number | null): boolean => statusCode !== null && statusCode >= 200 && statusCode < 300;

/**
 * The delivery's next state after an attempt, and its endpoint's health: 2xx succeeds; 410
 * disables the endpoint (the receiver says it is gone for good); anything else (3xx included:
 * redirects are not followed) is retried on the schedule, or after the receiver's Retry-After when
 * that is later, until the attempts are used up. An endpoint whose every attempt has failed for
 * `disableAfterDays` is disabled.
 */
export function afterAttempt(job: DeliveryJob, outcome: SendOutcome, disableAfterDays: number, random: () => number = Math.random): AttemptResult {
  const attempt: DeliveryAttempt = {
    deliveryId: job.delivery.id,
    attempt: job.delivery.attempts + 1,
    at: outcome.at,
    durationMs: outcome.durationMs,
    statusCode: outcome.statusCode,
    error: outcome.error,
    responseBody: outcome.responseBody,
  };
  if (isSuccess(outcome.statusCode)) {
    return { attempt, next: { state: 'succeeded' }, endpoint: job.endpoint.failingSince === null ? null : { failingSince: null, disable: null } };
  }
  const failingSince = job.endpoint.failingSince ?? outcome.at;
  if (outcome.statusCode === 410) {
    return { attempt, next: { state: 'failed' }, endpoint: { failingSince, disable: 'The endpoint answered 410 Gone.' } };
  }
  const disable = outcome.at - failingSince >= disableAfterDays * DAY_MS ? `Every delivery failed for ${disableAfterDays} days.` : null;
  const endpoint = disable === null && job.endpoint.failingSince !== null ? null : { failingSince, disable };
  const step = attempt.attempt - job.delivery.scheduleFrom;
  if (step >= MAX_ATTEMPTS) return { attempt, next: { state: 'failed' }, endpoint };
  const scheduled = jittered(RETRY_DELAYS_MS[step - 1]!, random);
  const asked = outcome.retryAfterMs === null ? 0 : Math.min(outcome.retryAfterMs, MAX_RETRY_AFTER_MS);
  return { attempt, next: { state: 'ready', nextAttemptAt: outcome.at + outcome.durationMs + Math.max(scheduled, asked) }, endpoint };
}

function jittered(delayMs: number, random: () => number): number {
  return Math.round(delayMs * (1 + JITTER * (2 * random() - 1)));
}
