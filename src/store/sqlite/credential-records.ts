import type { CredentialRecords } from '../../domain/store-port.ts';
import type { AccessTokenRecord, ClientRecord } from '../../domain/tenants/clients.ts';
import type { ApiKeyRecord } from '../../domain/tenants/secret-keys.ts';
import type { Tenant } from '../../domain/tenants/tenant.ts';
import { joinedTenant, rowToAccessToken, rowToClient, rowToKey } from '../rows/record-rows.ts';
import { CREDENTIAL_SQL, SELECT_KEYS_WITH_TENANT } from '../sql/credential-sql.ts';
import { statement } from '../sql/dialect.ts';
import { KeyCache } from '../key-cache.ts';
import type { SqliteConnection } from './connection.ts';

/** One key per lookup: a lookup costs SQLite no round trip, so none are gathered (unlike PostgreSQL's). */
const FIND_KEY = statement(`${SELECT_KEYS_WITH_TENANT} WHERE api_keys.hash = ?`, (hash: string) => [hash]);
const EPOCH = statement('SELECT epoch FROM credential_epoch');

type KeyWithTenant = { key: ApiKeyRecord; tenant: Tenant };

export class SqliteCredentialRecords implements CredentialRecords {
  /**
   * Every request looks its key up: remembered while the credential epoch (migration 0008) stays,
   * a lookup reads one row instead of joining a key and its tenant and parsing both (the join was
   * a tenth of a retrieve's time).
   */
  private readonly keys = new KeyCache<KeyWithTenant>();

  constructor(private readonly connection: SqliteConnection) {}

  async findApiKey(hash: string): Promise<KeyWithTenant | null> {
    const connection = this.connection;
    return connection.autocommit(() => {
      const epoch = connection.row(EPOCH)!.epoch as number;
      const cached = this.keys.get(hash, epoch);
      if (cached) return cached;
      const row = connection.row(FIND_KEY, hash);
      if (!row) return null;
      const found = { key: rowToKey(row), tenant: joinedTenant(row) };
      this.keys.set(hash, found, epoch);
      return found;
    });
  }

  async rollApiKey(key: ApiKeyRecord, oldExpireAt: number): Promise<void> {
    const connection = this.connection;
    connection.transaction(() => {
      connection.changes(CREDENTIAL_SQL.expireKeys, key, oldExpireAt);
      connection.changes(CREDENTIAL_SQL.insertKey, key);
    });
  }

  async findClient(id: string): Promise<{ client: ClientRecord; tenant: Tenant } | null> {
    const row = this.connection.autocommit(() => this.connection.row(CREDENTIAL_SQL.findClient, id));
    return row ? { client: rowToClient(row), tenant: joinedTenant(row) } : null;
  }

  async rollClient(client: ClientRecord, oldExpireAt: number): Promise<void> {
    const connection = this.connection;
    connection.transaction(() => {
      connection.changes(CREDENTIAL_SQL.expireClients, client, oldExpireAt);
      connection.changes(CREDENTIAL_SQL.insertClient, client);
    });
  }

  async insertAccessToken(token: AccessTokenRecord): Promise<void> {
    this.connection.autocommit(() => this.connection.changes(CREDENTIAL_SQL.insertToken, token));
  }

  async findAccessToken(tenantId: string, hash: string): Promise<AccessTokenRecord | null> {
    const row = this.connection.autocommit(() => this.connection.row(CREDENTIAL_SQL.findToken, tenantId, hash));
    return row ? rowToAccessToken(row) : null;
  }

  async deleteExpiredAccessTokens(nowSeconds: number): Promise<number> {
    return this.connection.autocommit(() => this.connection.changes(CREDENTIAL_SQL.deleteExpiredTokens, nowSeconds));
  }
}
