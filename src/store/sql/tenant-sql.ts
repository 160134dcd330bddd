import { ConflictError } from '../../domain/errors.ts';
import { extraSettings, type EmailUniqueness, type Tenant } from '../../domain/tenants/tenant.ts';
import { statement } from './dialect.ts';

const byId = (id: string) => [id];

export const TENANT_SQL = {
  any: statement('SELECT 1 FROM tenants LIMIT 1'),
  insert: statement('INSERT INTO tenants (id, name, created, email_uniqueness, settings) VALUES (?, ?, ?, ?, ?)', (tenant: Tenant) => [
    tenant.id, tenant.name, tenant.created, tenant.settings.email_uniqueness, JSON.stringify(extraSettings(tenant.settings)),
  ]),
  select: statement('SELECT * FROM tenants WHERE id = ?', byId),
  /** The tenant whose settings change, locked until the change commits. */
  selectForUpdate: statement((dialect) => `SELECT * FROM tenants WHERE id = ?${dialect.forUpdate}`, byId),
  list: statement('SELECT * FROM tenants ORDER BY created, id'),
  hasCustomers: statement('SELECT 1 FROM customers WHERE tenant_id = ? LIMIT 1', byId),
  /** Deletes an empty tenant: its tokens, clients and keys, then the tenant. */
  deleteEmpty: [
    statement('DELETE FROM access_tokens WHERE tenant_id = ?', byId),
    statement('DELETE FROM api_clients WHERE tenant_id = ?', byId),
    statement('DELETE FROM api_keys WHERE tenant_id = ?', byId),
    statement('DELETE FROM tenants WHERE id = ?', byId),
  ],
  setEmailUniqueness: statement('UPDATE tenants SET email_uniqueness = ? WHERE id = ?', (id: string, uniqueness: EmailUniqueness) => [uniqueness, id]),
  /** Fills or empties every customer's email_unique, the column the unique index covers (see duplicateEmailsError). */
  applyEmailUniqueness: statement(
    "UPDATE customers SET email_unique = CASE WHEN ? = 'enforced' AND deleted_at IS NULL THEN email_lower END WHERE tenant_id = ?",
    (id: string, uniqueness: EmailUniqueness) => [uniqueness, id],
  ),
  setSettings: statement('UPDATE tenants SET settings = ? WHERE id = ?', (id: string, settingsJson: string) => [settingsJson, id]),
  /**
   * A customer write's view of the tenant's setting. PostgreSQL reads it under FOR KEY SHARE: a
   * concurrent change of the setting (which takes FOR UPDATE) and the write wait for each other,
   * so none slips between.
   */
  emailUniqueness: statement((dialect) => `SELECT email_uniqueness FROM tenants WHERE id = ?${dialect.forKeyShare}`, byId),
};

/** What a unique violation of applyEmailUniqueness means. */
export function duplicateEmailsError(): ConflictError {
  return new ConflictError(
    ['email_uniqueness'],
    'Cannot enforce unique e-mails: some non-deleted customers share an e-mail address. Resolve the duplicates first.',
  );
}
