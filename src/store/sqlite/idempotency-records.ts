import type { IdempotencyClaim, IdempotencyClaimRequest, IdempotencyRef, RecordedReply } from '../../domain/idempotency-keys.ts';
import type { IdempotencyRecords } from '../../domain/store-port.ts';
import { decideClaim } from '../rows/idempotency-rows.ts';
import { IDEMPOTENCY_SQL } from '../sql/idempotency-sql.ts';
import type { SqliteConnection } from './connection.ts';

export class SqliteIdempotencyRecords implements IdempotencyRecords {
  constructor(private readonly connection: SqliteConnection) {}

  async claimIdempotencyKey(request: IdempotencyClaimRequest): Promise<IdempotencyClaim> {
    const connection = this.connection;
    return connection.write((): IdempotencyClaim => {
      const decision = decideClaim(connection.row(IDEMPOTENCY_SQL.selectForUpdate, request.ref), request);
      if (decision === 'insert') {
        connection.changes(IDEMPOTENCY_SQL.claimAfresh, request);
        return { state: 'claimed' };
      }
      if (decision === 'take_over') {
        connection.changes(IDEMPOTENCY_SQL.takeOver, request);
        return { state: 'claimed' };
      }
      return decision;
    });
  }

  async completeIdempotencyKey(ref: IdempotencyRef, owner: string, reply: RecordedReply): Promise<boolean> {
    return this.connection.write(() => completeKey(this.connection, ref, owner, reply));
  }

  async releaseIdempotencyKey(ref: IdempotencyRef, owner: string): Promise<void> {
    this.connection.autocommit(() => this.connection.changes(IDEMPOTENCY_SQL.release, ref, owner));
  }

  async deleteExpiredIdempotencyKeys(nowMs: number): Promise<number> {
    return this.connection.autocommit(() => this.connection.changes(IDEMPOTENCY_SQL.deleteExpired, nowMs));
  }
}

/** Keeps the reply of the key's holder `owner`; false when `owner` no longer holds it. */
export function completeKey(connection: SqliteConnection, ref: IdempotencyRef, owner: string, reply: RecordedReply): boolean {
  return connection.changes(IDEMPOTENCY_SQL.complete, ref, owner, reply) === 1;
}
