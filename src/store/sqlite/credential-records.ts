import type { CredentialRecords } from '../../domain/store-port.ts';
import type { AccessTokenRecord, ClientRecord } from '../../domain/tenants/clients.ts';
import type { ApiKeyRecord } from '../../domain/tenants/secret-keys.ts';
import type { Tenant } from '../../domain/tenants/tenant.ts';
import { joinedTenant, rowToAccessToken, rowToClient, rowToKey } from '../rows/record-rows.ts';
import { CREDENTIAL_SQL, SELECT_KEYS_WITH_TENANT } from '../sql/credential-sql.ts';
import { statement } from '../sql/dialect.ts';
import type { SqliteConnection } from './connection.ts';

/** One key per lookup: a lookup costs SQLite no round trip, so none are gathered (unlike PostgreSQL's). */
const FIND_KEY = statement(`${SELECT_KEYS_WITH_TENANT} WHERE api_keys.hash = ?`, (hash: string) => [hash]);

export class SqliteCredentialRecords implements CredentialRecords {
  constructor(private readonly connection: SqliteConnection) {}

  async findApiKey(hash: string): Promise<{ key: ApiKeyRecord; tenant: Tenant } | null> {
    const row = this.connection.autocommit(() => this.connection.row(FIND_KEY, hash));
    return row ? { key: rowToKey(row), tenant: joinedTenant(row) } : null;
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
