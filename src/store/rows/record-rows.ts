import type { AccessTokenRecord, ClientRecord } from '../../domain/tenants/clients.ts';
import type { HistoryEntry } from '../../domain/customers/history.ts';
import { DEFAULT_TENANT_SETTINGS, type ExtraTenantSettings, type Tenant } from '../../domain/tenants/tenant.ts';
import { type ApiKeyRecord } from '../../domain/tenants/secret-keys.ts';

/** Rows of the small tables (tenants, keys, clients, tokens) as both SQL backends return them. */
type Row = Record<string, unknown>;

export function rowToTenant(row: Row): Tenant {
  return {
    id: row.id as string,
    name: row.name as string,
    created: Number(row.created),
    settings: {
      ...DEFAULT_TENANT_SETTINGS,
      ...parseSettings(row.settings),
      email_uniqueness: row.email_uniqueness === 'off' ? 'off' : 'enforced',
    },
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

/** The tenant of a credential row joined with its tenant's columns (see sql/credential-sql.ts). */
export function joinedTenant(row: Row): Tenant {
  return rowToTenant({ id: row.tenant_id, name: row.tenant_name, created: row.tenant_created, email_uniqueness: row.email_uniqueness, settings: row.tenant_settings });
}

function parseSettings(raw: unknown): Partial<ExtraTenantSettings> {
  if (typeof raw !== 'string' || raw === '') return {};
  return JSON.parse(raw) as Partial<ExtraTenantSettings>;
}

export function rowToHistoryEntry(row: Row): HistoryEntry {
  return {
    tenantId: row.tenant_id as string,
    mode: row.mode as HistoryEntry['mode'],
    customerId: row.customer_id as string,
    version: Number(row.version),
    created: Number(row.created),
    action: row.action as HistoryEntry['action'],
    actor: row.actor as string,
    surface: row.surface as string,
    requestId: (row.request_id as string | null) ?? null,
    changes: JSON.parse(row.changes as string) as HistoryEntry['changes'],
  };
}

export const HISTORY_COLUMNS = ['tenant_id', 'mode', 'customer_id', 'version', 'created', 'action', 'actor', 'surface', 'request_id', 'changes'] as const;

/** The values of a history row, in HISTORY_COLUMNS order. */
export function historyRow(entry: HistoryEntry): unknown[] {
  return [
    entry.tenantId, entry.mode, entry.customerId, entry.version, entry.created, entry.action,
    entry.actor, entry.surface, entry.requestId, JSON.stringify(entry.changes),
  ];
}
