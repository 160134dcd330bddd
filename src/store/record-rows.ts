import type { AccessTokenRecord, ClientRecord } from '../domain/client.ts';
import type { ApiKeyRecord, Tenant } from '../domain/tenant.ts';

/** Rows of the small tables (tenants, keys, clients, tokens) as both SQL backends return them. */
type Row = Record<string, unknown>;

export function rowToTenant(row: Row): Tenant {
  return {
    id: row.id as string,
    name: row.name as string,
    created: Number(row.created),
    settings: { email_uniqueness: row.email_uniqueness === 'off' ? 'off' : 'enforced' },
  };
}

export function rowToClient(row: Row): ClientRecord {
  return {
    id: row.id as string,
    tenant_id: row.tenant_id as string,
    mode: row.mode as ClientRecord['mode'],
    secret_sealed: row.secret_sealed as string,
    created: Number(row.created),
    expires_at: row.expires_at === null ? null : Number(row.expires_at),
  };
}

export function rowToAccessToken(row: Row): AccessTokenRecord {
  return {
    tenant_id: row.tenant_id as string,
    hash: row.hash as string,
    client_id: row.client_id as string,
    mode: row.mode as AccessTokenRecord['mode'],
    created: Number(row.created),
    expires_at: Number(row.expires_at),
  };
}

export function rowToKey(row: Row): ApiKeyRecord {
  return {
    id: row.id as string,
    tenant_id: row.tenant_id as string,
    mode: row.mode as ApiKeyRecord['mode'],
    hash: row.hash as string,
    last4: row.last4 as string,
    created: Number(row.created),
    expires_at: row.expires_at === null ? null : Number(row.expires_at),
  };
}
