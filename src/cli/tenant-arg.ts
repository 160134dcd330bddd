import { NotFoundError } from '../domain/errors.ts';
import type { TenantService } from '../domain/tenants/tenant-service.ts';
import type { Tenant } from '../domain/tenants/tenant.ts';
import { tenantIdFromWire } from '../formats/ids.ts';

/** The tenant `--tenant biz_…` names; NotFoundError naming it as the user wrote it. */
export async function tenantArg(tenants: TenantService, text: string): Promise<Tenant> {
  const id = tenantIdFromWire(text);
  const tenant = id === null ? null : await tenants.find(id);
  if (!tenant) throw new NotFoundError('tenant', text);
  return tenant;
}
