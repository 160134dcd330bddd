import type { IdempotencyRef, RecordedReply } from '../idempotency-keys.ts';
import type { Customer } from './model.ts';

/**
 * Who is writing and through what. Every customer write carries one: the store records it in the
 * customer's history in the write's own transaction.
 */
export interface WriteContext {
  /** `api_key:<key id>`, `client:<client id>` or `system`; never a secret. */
  actor: string;
  /** `native`, `asset`, `checkoutpage`, `atlas`, `count`, `cli`. */
  surface: string;
  requestId: string | null;
  /**
   * When the write happens (unix ms), for its history entry, when that is not the customer's
   * `updated`: an import keeps the `updated` of its source, but its history entry is dated now.
   */
  atMs?: number;
  /**
   * The request's idempotency key, held by `owner`: the store completes it with `reply(result)`
   * in the write's transaction, and aborts the write if another request has taken the key over.
   */
  idempotency?: { ref: IdempotencyRef; owner: string; reply: (customer: Customer) => RecordedReply };
  /** Records no event (`clientele import` without `--events`: a migration is not news). */
  withoutEvent?: true;
}

/** For writes no request makes: tests, maintenance. */
export const SYSTEM_WRITE: WriteContext = { actor: 'system', surface: 'system', requestId: null };
