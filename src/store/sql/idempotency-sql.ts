import type { IdempotencyClaimRequest, IdempotencyRef, RecordedReply } from '../../domain/idempotency-keys.ts';
import { statement } from './dialect.ts';

const KEY = 'tenant_id = ? AND mode = ? AND key = ?';
const keyValues = (ref: IdempotencyRef) => [ref.tenantId, ref.mode, ref.key];

/** The columns a claim writes, and their values. */
export const CLAIM_COLUMNS = 'tenant_id, mode, key, fingerprint, owner, locked_until, created, expires_at';
export const claimValues = (request: IdempotencyClaimRequest) => [
  ...keyValues(request.ref), request.fingerprint, request.owner, request.nowMs + request.leaseMs, request.nowMs, request.nowMs + request.ttlMs,
];

export const IDEMPOTENCY_SQL = {
  /** The key a claim decides on, locked until the claim commits. */
  selectForUpdate: statement((dialect) => `SELECT * FROM idempotency_keys WHERE ${KEY}${dialect.forUpdate}`, keyValues),
  /** Takes the key afresh: there was none, or the one there has expired (its reply is dropped). */
  claimAfresh: statement(
    `INSERT INTO idempotency_keys (${CLAIM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (tenant_id, mode, key) DO UPDATE SET fingerprint = excluded.fingerprint, owner = excluded.owner,
       locked_until = excluded.locked_until, created = excluded.created, expires_at = excluded.expires_at,
       response_status = NULL, response_headers = NULL, response_body = NULL`,
    claimValues,
  ),
  /** Takes over a key whose holder died before finishing. */
  takeOver: statement(`UPDATE idempotency_keys SET owner = ?, locked_until = ? WHERE ${KEY}`, (request: IdempotencyClaimRequest) => [
    request.owner, request.nowMs + request.leaseMs, ...keyValues(request.ref),
  ]),
  /** Keeps the reply, if `owner` still holds the key. */
  complete: statement(
    `UPDATE idempotency_keys SET response_status = ?, response_headers = ?, response_body = ?, owner = NULL, locked_until = NULL
      WHERE ${KEY} AND owner = ?`,
    (ref: IdempotencyRef, owner: string, reply: RecordedReply) => [reply.status, JSON.stringify(reply.headers), reply.body, ...keyValues(ref), owner],
  ),
  release: statement(`DELETE FROM idempotency_keys WHERE ${KEY} AND owner = ? AND response_status IS NULL`, (ref: IdempotencyRef, owner: string) => [
    ...keyValues(ref), owner,
  ]),
  deleteExpired: statement('DELETE FROM idempotency_keys WHERE expires_at <= ?', (nowMs: number) => [nowMs]),
};
