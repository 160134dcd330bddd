import type { IdempotencyClaim, IdempotencyClaimRequest, RecordedReply } from '../../domain/idempotency-keys.ts';

type Row = Record<string, unknown>;

/**
 * What a claim finds, decided the same way by both stores inside their transaction: `insert` (no
 * live key: start afresh), `take_over` (the holder died before finishing; nothing of it was
 * committed, since a write completes its key in its own transaction), or an answer.
 */
export function decideClaim(row: Row | undefined, request: IdempotencyClaimRequest): 'insert' | 'take_over' | IdempotencyClaim {
  if (!row || Number(row.expires_at) <= request.nowMs) return 'insert';
  if (row.fingerprint !== request.fingerprint) return { state: 'mismatch' };
  if (row.response_status !== null && row.response_status !== undefined) return { state: 'done', reply: rowToReply(row) };
  if (row.locked_until !== null && Number(row.locked_until) > request.nowMs) return { state: 'in_progress' };
  return 'take_over';
}

function rowToReply(row: Row): RecordedReply {
  return {
    status: Number(row.response_status),
    headers: JSON.parse(String(row.response_headers ?? '{}')) as Record<string, string>,
    body: String(row.response_body ?? ''),
  };
}
