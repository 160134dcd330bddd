import { setTimeout as sleep } from 'node:timers/promises';
import type { Mode } from './customers/model.ts';
import { IdempotencyError } from './errors.ts';
import type { IdempotencyRecords } from './store-port.ts';

/**
 * Idempotency keys: a write sent with a key runs once, and its retries get back what the first
 * one answered. The answer is recorded by the API layer and kept verbatim: neither this module nor
 * the store reads it. A single-customer write records it in its own transaction
 * (WriteContext.idempotency), so no crash can separate the write from what its retry gets.
 */

/** An idempotency key as stored: one per tenant, mode and key string. */
export interface IdempotencyRef {
  tenantId: string;
  mode: Mode;
  key: string;
}

/** What a retry gets back, byte for byte, as the API layer recorded it. */
export interface RecordedReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyClaimRequest {
  ref: IdempotencyRef;
  /** Hash of what makes two requests the same (the API layer's method, path and parameters). */
  fingerprint: string;
  /** A random token naming the request that would hold the key. */
  owner: string;
  nowMs: number;
  /** How long the holder keeps the key before a retry may take it over (the holder died). */
  leaseMs: number;
  /** How long the key and its reply are kept. */
  ttlMs: number;
}

/** `claimed`: the caller holds the key and runs the request. */
export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'mismatch' }
  | { state: 'in_progress' }
  | { state: 'done'; reply: RecordedReply };

export interface IdempotencyTimes {
  /** How long keys and replies are kept. */
  ttlMs: number;
  /** How long a request holds its key; past it, a retry takes over (the holder died). */
  leaseMs: number;
  /** How long a retry waits for the request holding the key before giving up. */
  waitMs: number;
}

export const DEFAULT_IDEMPOTENCY_TIMES: IdempotencyTimes = { ttlMs: 24 * 3600_000, leaseMs: 60_000, waitMs: 5_000 };

/** The outcome of taking a key: held by the caller, or the reply to replay. */
export type TakenKey = { held: true } | { held: false; reply: RecordedReply };

/** The keys' one entry point: routes and hooks never reach the store. */
export class IdempotencyKeys {
  readonly times: IdempotencyTimes;

  constructor(
    private readonly store: IdempotencyRecords,
    times: Partial<IdempotencyTimes> = {},
  ) {
    this.times = { ...DEFAULT_IDEMPOTENCY_TIMES, ...times };
  }

  /**
   * Takes `ref` for the request `owner`, or finds the reply a finished request left. A key held by
   * a running request is waited for (the whole of `waitMs`); still held then → IdempotencyError
   * `in_progress`. A key used with another fingerprint → `parameters_mismatch`.
   */
  async take(ref: IdempotencyRef, fingerprint: string, owner: string): Promise<TakenKey> {
    const { ttlMs, leaseMs, waitMs } = this.times;
    const deadline = Date.now() + waitMs;
    for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
      const claim = await this.store.claimIdempotencyKey({ ref, fingerprint, owner, nowMs: Date.now(), leaseMs, ttlMs });
      switch (claim.state) {
        case 'claimed':
          return { held: true };
        case 'done':
          return { held: false, reply: claim.reply };
        case 'mismatch':
          throw new IdempotencyError('parameters_mismatch', ref.key);
        case 'in_progress': {
          // The last pause is cut to what is left of the wait.
          const left = deadline - Date.now();
          if (left <= 0) throw new IdempotencyError('in_progress', ref.key);
          await sleep(Math.min(pause, left));
        }
      }
    }
  }

  /** Keeps `reply` for the key's retries; false when `owner` no longer holds the key. */
  complete(ref: IdempotencyRef, owner: string, reply: RecordedReply): Promise<boolean> {
    return this.store.completeIdempotencyKey(ref, owner, reply);
  }

  /** Gives the key up without a reply (the outcome is not to be remembered). */
  release(ref: IdempotencyRef, owner: string): Promise<void> {
    return this.store.releaseIdempotencyKey(ref, owner);
  }
}
