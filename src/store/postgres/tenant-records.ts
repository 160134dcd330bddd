import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import type { TenantRecords } from '../../domain/store-port.ts';
import type { ClientRecord } from '../../domain/tenants/clients.ts';
import type { ApiKeyRecord } from '../../domain/tenants/secret-keys.ts';
import { extraSettings, type Tenant, type TenantSettings } from '../../domain/tenants/tenant.ts';
import { rowToTenant } from '../rows/record-rows.ts';
import { CREDENTIAL_SQL } from '../sql/credential-sql.ts';
import { statement } from '../sql/dialect.ts';
import { duplicateEmailsError, TENANT_SQL } from '../sql/tenant-sql.ts';
import { FIRST_TENANT_LOCK } from './advisory-locks.ts';
import { isUniqueViolation } from './pg-errors.ts';
import type { PgSession, PostgresPool, Row } from './pool.ts';

/** Taken by deleteEmptyTenant: it waits for the customer inserts in flight, which hold FOR KEY SHARE on the tenant. */
const LOCK_TENANT = statement('SELECT 1 FROM tenants WHERE id = ? FOR UPDATE', (id: string) => [id]);

export class PostgresTenantRecords implements TenantRecords {
  constructor(private readonly pool: PostgresPool) {}

  async createTenant(tenant: Tenant, keys: ApiKeyRecord[], onlyIfNone = false, clients: ClientRecord[] = []): Promise<boolean> {
    return this.pool.transaction(async (tx) => {
      if (onlyIfNone) {
        // Many servers starting on an empty database: exactly one provisions the first tenant.
        await tx.query('SELECT pg_advisory_xact_lock($1, $2)', FIRST_TENANT_LOCK);
        if (await tx.row(TENANT_SQL.any)) return false;
      }
      await tx.changes(TENANT_SQL.insert, tenant);
      for (const key of keys) await tx.changes(CREDENTIAL_SQL.insertKey, key);
      for (const client of clients) await tx.changes(CREDENTIAL_SQL.insertClient, client);
      return true;
    });
  }

  async getTenant(id: string): Promise<Tenant | null> {
    const row = await this.pool.row(TENANT_SQL.select, id);
    return row ? rowToTenant(row) : null;
  }

  async deleteEmptyTenant(id: string): Promise<void> {
    await this.pool.transaction(async (tx) => {
      await tx.rows(LOCK_TENANT, id);
      if (await tx.row(TENANT_SQL.hasCustomers, id)) throw new ConflictError(['tenant'], 'The tenant has customers; it cannot be deleted.');
      for (const statement of TENANT_SQL.deleteEmpty) await tx.changes(statement, id);
    });
  }

  async listTenants(): Promise<Tenant[]> {
    return (await this.pool.rows(TENANT_SQL.list)).map(rowToTenant);
  }

  async updateTenantSettings(id: string, settings: Partial<TenantSettings>): Promise<Tenant> {
    return this.pool.transaction(async (tx) => {
      const current = await tx.row(TENANT_SQL.selectForUpdate, id);
      if (!current) throw new NotFoundError('tenant', id);
      if (settings.email_uniqueness !== undefined) {
        await tx.changes(TENANT_SQL.setEmailUniqueness, id, settings.email_uniqueness);
        try {
          await tx.changes(TENANT_SQL.applyEmailUniqueness, id, settings.email_uniqueness);
        } catch (err) {
          throw isUniqueViolation(err) ? duplicateEmailsError() : err;
        }
      }
      const { email_uniqueness: _, ...extra } = settings;
      if (Object.keys(extra).length > 0) {
        const merged = { ...extraSettings(rowToTenant(current).settings), ...extra };
        await tx.changes(TENANT_SQL.setSettings, id, JSON.stringify(merged));
      }
      return rowToTenant((await tx.row(TENANT_SQL.select, id)) as Row);
    });
  }
}

/** Whether the tenant enforces unique e-mails, read in a customer write's transaction (under FOR KEY SHARE). */
export async function enforcesUniqueEmail(tx: PgSession, tenantId: string): Promise<boolean> {
  return (await tx.row(TENANT_SQL.emailUniqueness, tenantId))?.email_uniqueness !== 'off';
}
