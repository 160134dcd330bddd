/** `clientele tenants create` and `clientele tenants list`. */
import { tenantIdToWire } from '../../formats/ids.ts';
import { booleanOption, JSON_OUTPUT, printJson, stringOption, UsageError, withTenants, type CliCommand } from './command.ts';
import { emailUniqueness, tenantJson } from './tenant-values.ts';

export const tenantsCreateCommand: CliCommand = {
  name: 'tenants create',
  usage: `  tenants create --name NAME [--email-uniqueness enforced|off] [--json]
`,
  options: { name: { type: 'string' }, 'email-uniqueness': { type: 'string' }, ...JSON_OUTPUT },
  run: async (values) => {
    const name = stringOption(values, 'name');
    if (!name) throw new UsageError('tenants create needs --name');
    const uniqueness = emailUniqueness(stringOption(values, 'email-uniqueness'));
    const made = await withTenants((tenants) => tenants.create(name, uniqueness ? { email_uniqueness: uniqueness } : {}));
    if (!made) throw new Error('tenant was not created');
    const created = {
      tenant: { id: tenantIdToWire(made.tenant.id), name: made.tenant.name },
      keys: { test: made.secrets.test, live: made.secrets.live },
      clients: made.clients,
    };
    if (booleanOption(values, 'json')) printJson(created);
    else {
      process.stdout.write(`Tenant ${created.tenant.id} (${created.tenant.name})\n  test: ${created.keys.test}\n  live: ${created.keys.live}\n`);
      for (const mode of ['test', 'live'] as const) {
        const client = made.clients?.[mode];
        if (client) process.stdout.write(`  ${mode} client: ${client.client_id}  secret: ${client.client_secret}\n`);
      }
    }
    return 0;
  },
};

export const tenantsListCommand: CliCommand = {
  name: 'tenants list',
  usage: `  tenants list [--json]
`,
  options: { ...JSON_OUTPUT },
  run: async (values) => {
    const tenants = await withTenants((service) => service.list());
    if (booleanOption(values, 'json')) printJson(tenants.map(tenantJson));
    else for (const tenant of tenants) process.stdout.write(`${tenantIdToWire(tenant.id)}  ${tenant.name}  email_uniqueness=${tenant.settings.email_uniqueness}\n`);
    return 0;
  },
};
