import type { IdempotencyClaim, IdempotencyClaimRequest, IdempotencyRef, RecordedReply } from '../../domain/idempotency-keys.ts';
import type { IdempotencyRecords } from '../../domain/store-port.ts';
import { decideClaim } from '../rows/idempotency-rows.ts';
import { statement } from '../sql/dialect.ts';
import { CLAIM_COLUMNS, claimValues, IDEMPOTENCY_SQL } from '../sql/idempotency-sql.ts';
import type { PgSession, PostgresPool } from './pool.ts';

/**
 * Insert first: of the requests racing for a new key, exactly one inserts; the others wait on its
 * row and then read it. (SQLite's writers take turns from BEGIN IMMEDIATE on, and read first.)
 */
const INSERT_IF_ABSENT = statement(`INSERT INTO idempotency_keys (${CLAIM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, claimValues);

export class PostgresIdempotencyRecords implements IdempotencyRecords {
  constructor(private readonly pool: PostgresPool) {}

  async claimIdempotencyKey(request: IdempotencyClaimRequest): Promise<IdempotencyClaim> {
    return this.pool.transaction(async (tx): Promise<IdempotencyClaim> => {
      if ((await tx.changes(INSERT_IF_ABSENT, request)) === 1) return { state: 'claimed' };
      const decision = decideClaim(await tx.row(IDEMPOTENCY_SQL.selectForUpdate, request.ref), request);
      if (decision === 'insert') {
        await tx.changes(IDEMPOTENCY_SQL.claimAfresh, request);
        return { state: 'claimed' };
      }
      if (decision === 'take_over') {
        await tx.changes(IDEMPOTENCY_SQL.takeOver, request);
        return { state: 'claimed' };
      }
      return decision;
    });
  }

  async completeIdempotencyKey(ref: IdempotencyRef, owner: string, reply: RecordedReply): Promise<boolean> {
    return completeKey(this.pool, ref, owner, reply);
  }

  async releaseIdempotencyKey(ref: IdempotencyRef, owner: string): Promise<void> {
    await this.pool.changes(IDEMPOTENCY_SQL.release, ref, owner);
  }

  async deleteExpiredIdempotencyKeys(nowMs: number): Promise<number> {
    return this.pool.changes(IDEMPOTENCY_SQL.deleteExpired, nowMs);
  }
}

/** Keeps the reply of the key's holder `owner`; false when `owner` no longer holds it. */
export async function completeKey(session: PgSession, ref: IdempotencyRef, owner: string, reply: RecordedReply): Promise<boolean> {
  return (await session.changes(IDEMPOTENCY_SQL.complete, ref, owner, reply)) === 1;
}
