import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import type { TenantRecords } from '../../domain/store-port.ts';
import type { ClientRecord } from '../../domain/tenants/clients.ts';
import type { ApiKeyRecord } from '../../domain/tenants/secret-keys.ts';
import { extraSettings, type Tenant, type TenantSettings } from '../../domain/tenants/tenant.ts';
import { rowToTenant } from '../rows/record-rows.ts';
import { CREDENTIAL_SQL } from '../sql/credential-sql.ts';
import { duplicateEmailsError, TENANT_SQL } from '../sql/tenant-sql.ts';
import type { Row, SqliteConnection } from './connection.ts';
import { isUniqueViolation } from './sqlite-errors.ts';

export class SqliteTenantRecords implements TenantRecords {
  constructor(private readonly connection: SqliteConnection) {}

  async createTenant(tenant: Tenant, keys: ApiKeyRecord[], onlyIfNone = false, clients: ClientRecord[] = []): Promise<boolean> {
    const connection = this.connection;
    return connection.transaction(() => {
      if (onlyIfNone && connection.row(TENANT_SQL.any)) return false;
      connection.changes(TENANT_SQL.insert, tenant);
      for (const key of keys) connection.changes(CREDENTIAL_SQL.insertKey, key);
      for (const client of clients) connection.changes(CREDENTIAL_SQL.insertClient, client);
      return true;
    });
  }

  async getTenant(id: string): Promise<Tenant | null> {
    const row = this.connection.autocommit(() => this.connection.row(TENANT_SQL.select, id));
    return row ? rowToTenant(row) : null;
  }

  async deleteEmptyTenant(id: string): Promise<void> {
    const connection = this.connection;
    connection.transaction(() => {
      if (connection.row(TENANT_SQL.hasCustomers, id)) throw new ConflictError(['tenant'], 'The tenant has customers; it cannot be deleted.');
      for (const statement of TENANT_SQL.deleteEmpty) connection.changes(statement, id);
    });
  }

  async listTenants(): Promise<Tenant[]> {
    return this.connection.autocommit(() => this.connection.rows(TENANT_SQL.list)).map(rowToTenant);
  }

  async updateTenantSettings(id: string, settings: Partial<TenantSettings>): Promise<Tenant> {
    const connection = this.connection;
    return connection.transaction(() => {
      const current = connection.row(TENANT_SQL.selectForUpdate, id);
      if (!current) throw new NotFoundError('tenant', id);
      if (settings.email_uniqueness !== undefined) {
        connection.changes(TENANT_SQL.setEmailUniqueness, id, settings.email_uniqueness);
        try {
          connection.changes(TENANT_SQL.applyEmailUniqueness, id, settings.email_uniqueness);
        } catch (err) {
          throw isUniqueViolation(err) ? duplicateEmailsError() : err;
        }
      }
      const { email_uniqueness: _, ...extra } = settings;
      if (Object.keys(extra).length > 0) {
        const merged = { ...extraSettings(rowToTenant(current).settings), ...extra };
        connection.changes(TENANT_SQL.setSettings, id, JSON.stringify(merged));
      }
      return rowToTenant(connection.row(TENANT_SQL.select, id) as Row);
    });
  }
}

/** Whether the tenant enforces unique e-mails, read in a customer write's transaction. */
export function enforcesUniqueEmail(connection: SqliteConnection, tenantId: string): boolean {
  return connection.row(TENANT_SQL.emailUniqueness, tenantId)?.email_uniqueness !== 'off';
}
