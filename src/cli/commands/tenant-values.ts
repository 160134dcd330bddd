import type { EmailUniqueness, Tenant } from '../../domain/tenants/tenant.ts';
import { tenantIdToWire } from '../../formats/ids.ts';
import { UsageError } from './command.ts';

/** A tenant as the tenant commands print it with --json. */
export function tenantJson(tenant: Tenant) {
  return { id: tenantIdToWire(tenant.id), name: tenant.name, created: tenant.created, settings: tenant.settings };
}

/** `--email-uniqueness`: enforced or off. */
export function emailUniqueness(value: string | undefined): EmailUniqueness | undefined {
  if (value === undefined) return undefined;
  if (value !== 'enforced' && value !== 'off') throw new UsageError('--email-uniqueness is enforced or off');
  return value;
}
