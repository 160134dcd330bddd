/** `clientele keys roll` and `clientele clients roll`: a new secret key or OAuth client for a tenant's mode. */
import { keyIdToWire } from '../../formats/ids.ts';
import { tenantArg } from '../tenant-arg.ts';
import { booleanOption, expireInSeconds, JSON_OUTPUT, printJson, TENANT_AND_MODE, tenantAndMode, withTenants, type CliCommand } from './command.ts';

const OPTIONS = { ...TENANT_AND_MODE, 'expire-in': { type: 'string' }, ...JSON_OUTPUT } as const;

export const keysRollCommand: CliCommand = {
  name: 'keys roll',
  usage: `  keys roll --tenant ID --mode test|live [--expire-in SECONDS] [--json]
`,
  options: OPTIONS,
  run: async (values) => {
    const { tenant, mode } = tenantAndMode('keys roll', values);
    const graceSeconds = expireInSeconds(values);
    const rolled = await withTenants(async (tenants) => tenants.rollKey((await tenantArg(tenants, tenant)).id, mode, graceSeconds));
    if (booleanOption(values, 'json')) printJson({ tenant, mode, key: rolled.secret, key_id: keyIdToWire(rolled.keyId) });
    else process.stdout.write(`New ${mode} key for ${tenant}: ${rolled.secret}\n`);
    return 0;
  },
};

export const clientsRollCommand: CliCommand = {
  name: 'clients roll',
  usage: `  clients roll --tenant ID --mode test|live [--expire-in SECONDS] [--json]
`,
  options: OPTIONS,
  run: async (values) => {
    const { tenant, mode } = tenantAndMode('clients roll', values);
    const graceSeconds = expireInSeconds(values);
    const rolled = await withTenants(async (tenants) => tenants.rollClient((await tenantArg(tenants, tenant)).id, mode, graceSeconds));
    if (booleanOption(values, 'json')) printJson({ tenant, mode, ...rolled });
    else process.stdout.write(`New ${mode} client for ${tenant}: ${rolled.client_id}  secret: ${rolled.client_secret}\n`);
    return 0;
  },
};
