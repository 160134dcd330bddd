import type { CredentialRecords } from '../../domain/store-port.ts';
import type { AccessTokenRecord, ClientRecord } from '../../domain/tenants/clients.ts';
import type { ApiKeyRecord } from '../../domain/tenants/secret-keys.ts';
import type { Tenant } from '../../domain/tenants/tenant.ts';
import { Batcher, type BatchOutcome } from '../batcher.ts';
import { joinedTenant, rowToAccessToken, rowToClient, rowToKey } from '../rows/record-rows.ts';
import { CREDENTIAL_SQL, SELECT_KEYS_WITH_TENANT } from '../sql/credential-sql.ts';
import { statement } from '../sql/dialect.ts';
import { isOutage } from './pg-errors.ts';
import type { PostgresPool } from './pool.ts';

type KeyWithTenant = { key: ApiKeyRecord; tenant: Tenant };

const FIND_KEYS = statement(`${SELECT_KEYS_WITH_TENANT} WHERE api_keys.hash = ANY(?)`, (hashes: string[]) => [[...new Set(hashes)]]);

export class PostgresCredentialRecords implements CredentialRecords {
  /** Key lookups arriving together share one query: every request of every surface makes one. */
  readonly keyLookups: Batcher<string, KeyWithTenant | null>;

  constructor(
    private readonly pool: PostgresPool,
    maxInFlight: number,
  ) {
    this.keyLookups = new Batcher((hashes) => this.findApiKeys(hashes), { maxInFlight, maxBatch: 256, isOutage });
  }

  async findApiKey(hash: string): Promise<KeyWithTenant | null> {
    return this.keyLookups.run(hash);
  }

  private async findApiKeys(hashes: string[]): Promise<BatchOutcome<KeyWithTenant | null>[]> {
    const byHash = new Map((await this.pool.rows(FIND_KEYS, hashes)).map((row) => [row.hash as string, row]));
    return hashes.map((hash) => {
      const row = byHash.get(hash);
      return { ok: true, value: row ? { key: rowToKey(row), tenant: joinedTenant(row) } : null };
    });
  }

  async rollApiKey(key: ApiKeyRecord, oldExpireAt: number): Promise<void> {
    await this.pool.transaction(async (tx) => {
      await tx.changes(CREDENTIAL_SQL.expireKeys, key, oldExpireAt);
      await tx.changes(CREDENTIAL_SQL.insertKey, key);
    });
  }

  async findClient(id: string): Promise<{ client: ClientRecord; tenant: Tenant } | null> {
    const row = await this.pool.row(CREDENTIAL_SQL.findClient, id);
    return row ? { client: rowToClient(row), tenant: joinedTenant(row) } : null;
  }

  async rollClient(client: ClientRecord, oldExpireAt: number): Promise<void> {
    await this.pool.transaction(async (tx) => {
      await tx.changes(CREDENTIAL_SQL.expireClients, client, oldExpireAt);
      await tx.changes(CREDENTIAL_SQL.insertClient, client);
    });
  }

  async insertAccessToken(token: AccessTokenRecord): Promise<void> {
    await this.pool.changes(CREDENTIAL_SQL.insertToken, token);
  }

  async findAccessToken(tenantId: string, hash: string): Promise<AccessTokenRecord | null> {
    const row = await this.pool.row(CREDENTIAL_SQL.findToken, tenantId, hash);
    return row ? rowToAccessToken(row) : null;
  }

  async deleteExpiredAccessTokens(nowSeconds: number): Promise<number> {
    return this.pool.changes(CREDENTIAL_SQL.deleteExpiredTokens, nowSeconds);
  }
}
