import type { ConsoleSessionRecord } from '../../domain/console/console-session.ts';
import type { PartnerAppRecord, PartnerGrantRecord } from '../../domain/partners/partner.ts';
import type { CustomerScope } from '../../domain/customers/model.ts';
import { statement } from './dialect.ts';

export const CONSOLE_SQL = {
  insert: statement(
    'INSERT INTO console_sessions (hash, kind, tenant_id, mode, key_hash, created, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    (s: ConsoleSessionRecord) => [s.hash, s.kind, s.tenant_id, s.mode, s.key_hash, s.created, s.expires_at],
  ),
  find: statement('SELECT * FROM console_sessions WHERE hash = ?', (hash: string) => [hash]),
  delete: statement('DELETE FROM console_sessions WHERE hash = ?', (hash: string) => [hash]),
  deleteExpired: statement('DELETE FROM console_sessions WHERE expires_at < ?', (nowSeconds: number) => [nowSeconds]),
};

export const PARTNER_SQL = {
  insertApp: statement(
    'INSERT INTO partner_apps (id, name, secret_sealed, previous_secret_sealed, previous_expires_at, redirect_uris, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
    (app: PartnerAppRecord) => [app.id, app.name, app.secret_sealed, app.previous_secret_sealed, app.previous_expires_at, JSON.stringify(app.redirect_uris), app.created],
  ),
  rollAppSecret: statement(
    'UPDATE partner_apps SET secret_sealed = ?, previous_secret_sealed = ?, previous_expires_at = ? WHERE id = ?',
    (app: PartnerAppRecord) => [app.secret_sealed, app.previous_secret_sealed, app.previous_expires_at, app.id],
  ),
  deleteAppGrants: statement('DELETE FROM partner_grants WHERE app_id = ?', (id: string) => [id]),
  deleteApp: statement('DELETE FROM partner_apps WHERE id = ?', (id: string) => [id]),
  findApp: statement('SELECT * FROM partner_apps WHERE id = ?', (id: string) => [id]),
  listApps: statement('SELECT * FROM partner_apps ORDER BY created, id'),
  insertGrant: statement(
    'INSERT INTO partner_grants (hash, kind, app_id, tenant_id, mode, grant_id, redirect_uri, created, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    (g: PartnerGrantRecord) => [g.hash, g.kind, g.app_id, g.tenant_id, g.mode, g.grant_id, g.redirect_uri, g.created, g.expires_at],
  ),
  findGrant: statement('SELECT * FROM partner_grants WHERE hash = ?', (hash: string) => [hash]),
  spendGrant: statement("DELETE FROM partner_grants WHERE hash = ? AND kind IN ('code', 'refresh')", (hash: string) => [hash]),
  listGrants: statement(
    "SELECT * FROM partner_grants WHERE tenant_id = ? AND mode = ? AND kind = 'refresh' ORDER BY created DESC, hash",
    (scope: CustomerScope) => [scope.tenantId, scope.mode],
  ),
  revokeGrant: statement('DELETE FROM partner_grants WHERE tenant_id = ? AND mode = ? AND grant_id = ?', (scope: CustomerScope, grantId: string) => [scope.tenantId, scope.mode, grantId]),
  deleteExpiredGrants: statement('DELETE FROM partner_grants WHERE expires_at < ?', (nowSeconds: number) => [nowSeconds]),
};
