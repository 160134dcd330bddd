import { newId } from '../ids.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { Mode } from '../customers/model.ts';
import { DEFAULT_TENANT_SETTINGS, type Tenant, type TenantSettings } from './tenant.ts';
import { issueSecretKey } from './secret-keys.ts';
import { issueClient, type ClientRecord } from './clients.ts';
import type { SecretBox } from './secret-box.ts';
import type { CredentialRecords, TenantRecords } from '../store-port.ts';

export interface ClientCredentials {
  client_id: string;
  client_secret: string;
}

export interface ProvisionedTenant {
  tenant: Tenant;
  /** Shown once: the store keeps only their hashes. */
  secrets: Record<Mode, string>;
  /** Shown once: the store keeps the secrets encrypted. Absent when the service has no SecretBox. */
  clients?: Record<Mode, ClientCredentials>;
}

/** Tenants, their secret keys and their client credentials. */
export class TenantService {
  /** Without a SecretBox, tenants get secret keys but no client credentials. */
  constructor(
    private readonly store: TenantRecords & CredentialRecords,
    private readonly box?: SecretBox,
  ) {}

  /**
   * A new tenant with one test and one live secret key. With `onlyIfNone`, nothing is created
   * (and null returned) when any tenant exists already: safe for many servers starting at once.
   */
  async create(name: string, settings: Partial<TenantSettings> = {}, options: { onlyIfNone?: boolean } = {}): Promise<ProvisionedTenant | null> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 200) throw new ValidationError(['name'], 'A tenant name is 1 to 200 characters.');
    const now = Date.now();
    const tenant: Tenant = {
      id: newId(now),
      name: trimmed,
      created: Math.floor(now / 1000),
      settings: { ...DEFAULT_TENANT_SETTINGS, ...settings },
    };
    const test = issueSecretKey(tenant.id, 'test', newId(now), now);
    const live = issueSecretKey(tenant.id, 'live', newId(now), now);
    const clients = this.box ? { test: issueClient(this.box, tenant.id, 'test', now), live: issueClient(this.box, tenant.id, 'live', now) } : null;
    const clientRecords: ClientRecord[] = clients ? [clients.test.record, clients.live.record] : [];
    const created = await this.store.createTenant(tenant, [test.record, live.record], options.onlyIfNone ?? false, clientRecords);
    if (!created) return null;
    const provisioned: ProvisionedTenant = { tenant, secrets: { test: test.secret, live: live.secret } };
    if (clients) {
      provisioned.clients = {
        test: { client_id: clients.test.record.id, client_secret: clients.test.secret },
        live: { client_id: clients.live.record.id, client_secret: clients.live.secret },
      };
    }
    return provisioned;
  }

  /** Removes a tenant that holds no customers (one just provisioned), with its keys. */
  async remove(id: string): Promise<void> {
    await this.store.deleteEmptyTenant(id);
  }

  async list(): Promise<Tenant[]> {
    return this.store.listTenants();
  }

  /** The tenant, or null when there is none with this id. */
  find(id: string): Promise<Tenant | null> {
    return this.store.getTenant(id);
  }

  async get(id: string): Promise<Tenant> {
    const tenant = await this.find(id);
    if (!tenant) throw new NotFoundError('tenant', id);
    return tenant;
  }

  async updateSettings(id: string, settings: Partial<TenantSettings>): Promise<Tenant> {
    const tenant = await this.get(id);
    return this.store.updateTenantSettings(tenant.id, settings);
  }

  /** A new secret key for the mode; the old ones stop working after `graceSeconds` (0: at once). */
  async rollKey(tenantId: string, mode: Mode, graceSeconds = 0): Promise<{ secret: string; keyId: string }> {
    if (!Number.isSafeInteger(graceSeconds) || graceSeconds < 0) {
      throw new ValidationError(['expire_in'], 'The grace period is a whole number of seconds, 0 or more.');
    }
    const tenant = await this.get(tenantId);
    const now = Date.now();
    const issued = issueSecretKey(tenant.id, mode, newId(now), now);
    await this.store.rollApiKey(issued.record, Math.floor(now / 1000) + graceSeconds);
    return { secret: issued.secret, keyId: issued.record.id };
  }

  /** New client credentials for the mode; the old ones stop working after `graceSeconds` (0: at once). */
  async rollClient(tenantId: string, mode: Mode, graceSeconds = 0): Promise<ClientCredentials> {
    if (!this.box) throw new Error('client credentials need a SecretBox');
    if (!Number.isSafeInteger(graceSeconds) || graceSeconds < 0) {
      throw new ValidationError(['expire_in'], 'The grace period is a whole number of seconds, 0 or more.');
    }
    const tenant = await this.get(tenantId);
    const now = Date.now();
    const issued = issueClient(this.box, tenant.id, mode, now);
    await this.store.rollClient(issued.record, Math.floor(now / 1000) + graceSeconds);
    return { client_id: issued.record.id, client_secret: issued.secret };
  }
}
