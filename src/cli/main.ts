import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import type { Mode } from '../domain/customer.ts';
import { DomainError } from '../domain/errors.ts';
import type { EmailUniqueness, Tenant } from '../domain/tenant.ts';
import { TenantService, tenantIdToWire } from '../domain/tenant-service.ts';
import { openStore } from '../store/open.ts';
import { loadSecretBox } from './master-key.ts';
import { serve } from './serve.ts';

const USAGE = `Usage: clientele <command> [options]

Commands:
  serve                                   Start the HTTP server (PORT, HOST, CLIENTELE_DATA_DIR, DATABASE_URL, LOG_LEVEL)
  migrate                                 Apply pending store migrations
  tenants create --name NAME [--email-uniqueness enforced|off] [--json]
  tenants list [--json]
  tenants update --tenant ID --email-uniqueness enforced|off [--json]
  keys roll --tenant ID --mode test|live [--expire-in SECONDS] [--json]
  clients roll --tenant ID --mode test|live [--expire-in SECONDS] [--json]
`;

class UsageError extends Error {}

function tenantJson(t: Tenant) {
  return { id: tenantIdToWire(t.id), name: t.name, created: t.created, settings: t.settings };
}

function uniqueness(value: string | undefined): EmailUniqueness | undefined {
  if (value === undefined) return undefined;
  if (value !== 'enforced' && value !== 'off') throw new UsageError('--email-uniqueness is enforced or off');
  return value;
}

async function withTenants<T>(fn: (tenants: TenantService) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { box } = loadSecretBox(config);
  const store = await openStore(config);
  try {
    return await fn(new TenantService(store, box));
  } finally {
    await store.close();
  }
}

const print = (value: unknown) => process.stdout.write(JSON.stringify(value) + '\n');

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      tenant: { type: 'string' },
      mode: { type: 'string' },
      'email-uniqueness': { type: 'string' },
      'expire-in': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, sub] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 1 : 0;
  }
  switch (`${command} ${sub ?? ''}`.trim()) {
    case 'serve':
      await serve();
      return -1; // keep running
    case 'migrate': {
      const store = await openStore(loadConfig());
      await store.migrate();
      await store.close();
      process.stdout.write('Migrations applied.\n');
      return 0;
    }
    case 'tenants create': {
      if (!values.name) throw new UsageError('tenants create needs --name');
      const settings = uniqueness(values['email-uniqueness']);
      const made = await withTenants((t) => t.create(values.name!, settings ? { email_uniqueness: settings } : {}));
      if (!made) throw new Error('tenant was not created');
      const out = {
        tenant: { id: tenantIdToWire(made.tenant.id), name: made.tenant.name },
        keys: { test: made.secrets.test, live: made.secrets.live },
        clients: made.clients,
      };
      if (values.json) print(out);
      else {
        process.stdout.write(`Tenant ${out.tenant.id} (${out.tenant.name})\n  test: ${out.keys.test}\n  live: ${out.keys.live}\n`);
        for (const mode of ['test', 'live'] as const) {
          const c = made.clients?.[mode];
          if (c) process.stdout.write(`  ${mode} client: ${c.client_id}  secret: ${c.client_secret}\n`);
        }
      }
      return 0;
    }
    case 'tenants list': {
      const tenants = await withTenants((t) => t.list());
      if (values.json) print(tenants.map(tenantJson));
      else for (const t of tenants) process.stdout.write(`${tenantIdToWire(t.id)}  ${t.name}  email_uniqueness=${t.settings.email_uniqueness}\n`);
      return 0;
    }
    case 'tenants update': {
      if (!values.tenant) throw new UsageError('tenants update needs --tenant');
      const setting = uniqueness(values['email-uniqueness']);
      if (!setting) throw new UsageError('tenants update needs --email-uniqueness enforced|off');
      const tenant = await withTenants((t) => t.updateSettings(values.tenant!, { email_uniqueness: setting }));
      if (values.json) print(tenantJson(tenant));
      else process.stdout.write(`Tenant ${tenantIdToWire(tenant.id)}: email_uniqueness=${tenant.settings.email_uniqueness}\n`);
      return 0;
    }
    case 'keys roll': {
      if (!values.tenant) throw new UsageError('keys roll needs --tenant');
      const mode = values.mode as Mode | undefined;
      if (mode !== 'test' && mode !== 'live') throw new UsageError('keys roll needs --mode test|live');
      const expireIn = values['expire-in'];
      if (expireIn !== undefined && !/^\d+$/.test(expireIn)) throw new UsageError('--expire-in is a whole number of seconds');
      const grace = expireIn === undefined ? 0 : Number(expireIn);
      const rolled = await withTenants((t) => t.rollKey(values.tenant!, mode, grace));
      if (values.json) print({ tenant: values.tenant, mode, key: rolled.secret, key_id: rolled.keyId });
      else process.stdout.write(`New ${mode} key for ${values.tenant}: ${rolled.secret}\n`);
      return 0;
    }
    case 'clients roll': {
      if (!values.tenant) throw new UsageError('clients roll needs --tenant');
      const mode = values.mode as Mode | undefined;
      if (mode !== 'test' && mode !== 'live') throw new UsageError('clients roll needs --mode test|live');
      const expireIn = values['expire-in'];
      if (expireIn !== undefined && !/^\d+$/.test(expireIn)) throw new UsageError('--expire-in is a whole number of seconds');
      const rolled = await withTenants((t) => t.rollClient(values.tenant!, mode, expireIn === undefined ? 0 : Number(expireIn)));
      if (values.json) print({ tenant: values.tenant, mode, ...rolled });
      else process.stdout.write(`New ${mode} client for ${values.tenant}: ${rolled.client_id}  secret: ${rolled.client_secret}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command: ${positionals.join(' ')}`);
  }
}

export async function run(argv: string[]): Promise<void> {
  try {
    const code = await main(argv);
    if (code >= 0) process.exitCode = code;
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`clientele: ${(err as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (err instanceof DomainError) {
      process.stderr.write(`clientele: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`clientele: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  }
}
