import type { AccessTokenRecord, ClientRecord } from '../../domain/tenants/clients.ts';
import type { ApiKeyRecord } from '../../domain/tenants/secret-keys.ts';
import { statement } from './dialect.ts';

const TENANT_COLUMNS = 'tenants.name AS tenant_name, tenants.created AS tenant_created, tenants.email_uniqueness, tenants.settings AS tenant_settings';
/** Keys with their tenant (see joinedTenant); each backend adds its WHERE. */
export const SELECT_KEYS_WITH_TENANT = `SELECT api_keys.*, ${TENANT_COLUMNS} FROM api_keys JOIN tenants ON tenants.id = api_keys.tenant_id`;

/** Makes the credentials of the new one's tenant and mode expire at `expireAt` at the latest; run before adding it. */
const expire = (table: 'api_keys' | 'api_clients') =>
  statement(
    (dialect) => `UPDATE ${table} SET expires_at = ${dialect.least('coalesce(expires_at, ?)', '?')} WHERE tenant_id = ? AND mode = ?`,
    (credential: ApiKeyRecord | ClientRecord, expireAt: number) => [expireAt, expireAt, credential.tenant_id, credential.mode],
  );

export const CREDENTIAL_SQL = {
  insertKey: statement('INSERT INTO api_keys (tenant_id, id, mode, hash, last4, created, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', (key: ApiKeyRecord) => [
    key.tenant_id, key.id, key.mode, key.hash, key.last4, key.created, key.expires_at,
  ]),
  expireKeys: expire('api_keys'),
  insertClient: statement(
    'INSERT INTO api_clients (tenant_id, id, mode, secret_sealed, created, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    (client: ClientRecord) => [client.tenant_id, client.id, client.mode, client.secret_sealed, client.created, client.expires_at],
  ),
  findClient: statement(`SELECT api_clients.*, ${TENANT_COLUMNS} FROM api_clients JOIN tenants ON tenants.id = api_clients.tenant_id WHERE api_clients.id = ?`, (id: string) => [id]),
  expireClients: expire('api_clients'),
  insertToken: statement(
    'INSERT INTO access_tokens (tenant_id, hash, client_id, mode, created, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    (token: AccessTokenRecord) => [token.tenant_id, token.hash, token.client_id, token.mode, token.created, token.expires_at],
  ),
  findToken: statement('SELECT * FROM access_tokens WHERE tenant_id = ? AND hash = ?', (tenantId: string, hash: string) => [tenantId, hash]),
  deleteExpiredTokens: statement('DELETE FROM access_tokens WHERE expires_at < ?', (nowSeconds: number) => [nowSeconds]),
};
