import type { ConsoleSessionRecord } from '../../domain/console/console-session.ts';
import type { PartnerAppRecord, PartnerGrantRecord } from '../../domain/partners/partner.ts';

/** Rows of the console's sessions and the partners' apps and grants, as both SQL backends return them. */
type Row = Record<string, unknown>;

export function rowToConsoleSession(row: Row): ConsoleSessionRecord {
  return {
    hash: row.hash as string,
    kind: row.kind as ConsoleSessionRecord['kind'],
    tenant_id: (row.tenant_id as string | null) ?? null,
    mode: (row.mode as ConsoleSessionRecord['mode']) ?? null,
    key_hash: (row.key_hash as string | null) ?? null,
    created: Number(row.created),
    expires_at: Number(row.expires_at),
  };
}

export function rowToPartnerApp(row: Row): PartnerAppRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    secret_sealed: row.secret_sealed as string,
    previous_secret_sealed: (row.previous_secret_sealed as string | null) ?? null,
    previous_expires_at: row.previous_expires_at === null || row.previous_expires_at === undefined ? null : Number(row.previous_expires_at),
    redirect_uris: JSON.parse(row.redirect_uris as string) as string[],
    created: Number(row.created),
  };
}

export function rowToPartnerGrant(row: Row): PartnerGrantRecord {
  return {
    hash: row.hash as string,
    kind: row.kind as PartnerGrantRecord['kind'],
    app_id: row.app_id as string,
    tenant_id: row.tenant_id as string,
    mode: row.mode as PartnerGrantRecord['mode'],
    grant_id: row.grant_id as string,
    redirect_uri: (row.redirect_uri as string | null) ?? null,
    created: Number(row.created),
    expires_at: Number(row.expires_at),
  };
}
