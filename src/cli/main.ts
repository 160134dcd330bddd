import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import type { Mode } from '../domain/customers/model.ts';
import { DomainError } from '../domain/errors.ts';
import type { EmailUniqueness, RateLimitRule, Tenant, TenantSettings } from '../domain/tenants/tenant.ts';
import { TenantService } from '../domain/tenants/tenant-service.ts';
import { tenantArg } from './tenant-arg.ts';
import { openStore } from '../store/open.ts';
import { EXPORT_FORMATS, exportCommand, type ExportFormat } from './export.ts';
import { IMPORT_FORMATS, type ImportFormat } from './import-formats.ts';
import { importCommand, ImportSetupError } from './import.ts';
import { loadSecretBox } from './master-key.ts';
import { serve } from './serve.ts';
import { keyIdToWire, tenantIdToWire } from '../formats/ids.ts';
import { describeRule, effectiveRule, RATE_LIMIT_NAMES } from '../domain/tenants/rate-limit-policy.ts';
import { parseRateLimitOverride } from './rate-limit-arg.ts';

const USAGE = `Usage: clientele <command> [options]

Commands:
  serve                                   Start the HTTP server (PORT, HOST, CLIENTELE_DATA_DIR, DATABASE_URL, LOG_LEVEL,
                                          REDIS_URL, CLIENTELE_RATE_LIMITS=off)
  migrate                                 Apply pending store migrations
  tenants create --name NAME [--email-uniqueness enforced|off] [--json]
  tenants list [--json]
  tenants settings --tenant ID [--email-uniqueness enforced|off] [--native-rate-limits stripe|off]
                   [--rate-limit NAME=MAX/SECONDS|NAME=MAX|NAME=off|NAME=default]…
                   [--history-retention-days DAYS|forever] [--json]
                                          Change a tenant's settings (none given: show them).
                                          Rate limits: ${RATE_LIMIT_NAMES.slice(0, 4).join(', ')},
                                          ${RATE_LIMIT_NAMES.slice(4).join(', ')}
                                          (atlas.concurrent takes MAX in flight at once);
                                          off: no limit; default: the documented limit again.
  tenants update …                        Same as tenants settings
  keys roll --tenant ID --mode test|live [--expire-in SECONDS] [--json]
  clients roll --tenant ID --mode test|live [--expire-in SECONDS] [--json]
  import FILE --tenant ID --mode test|live [--format ndjson|csv|json] [--strict] [--resume]
              [--errors ERRORS.ndjson] [--checkpoint PATH] [--batch-size N] [--quiet] [--json]
                                          Import customers (Stripe's customer shape, Stripe's dashboard
                                          CSV, or CSV headed with parameter names: email,address[city]).
                                          Bad rows are reported by line and the others imported; --strict
                                          stops at the first. FILE - reads stdin (no resume).
                                          Exit 0: all imported; 1: some failed; 130: interrupted.
  export --tenant ID --mode test|live [--format ndjson|csv] [--output FILE]
                                          Every customer, oldest first, as the API prints it (stdout).
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

function nativeRateLimits(value: string | undefined): TenantSettings['native_rate_limits'] | undefined {
  if (value === undefined) return undefined;
  if (value !== 'stripe' && value !== 'off') throw new UsageError('--native-rate-limits is stripe or off');
  return value;
}

const MAX_RETENTION_DAYS = 36_500;

function retentionDays(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'forever') return null;
  const days = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new UsageError(`--history-retention-days is a whole number of days from 1 to ${MAX_RETENTION_DAYS}, or forever`);
  }
  return days;
}

/** The overrides after applying each `--rate-limit` in order; undefined when none is given. */
function rateLimitOverrides(current: TenantSettings['rate_limits'], args: string[] | undefined): TenantSettings['rate_limits'] | undefined {
  if (!args || args.length === 0) return undefined;
  const next: Record<string, RateLimitRule | null> = { ...current };
  for (const arg of args) {
    let parsed;
    try {
      parsed = parseRateLimitOverride(arg);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (parsed.rule === 'default') delete next[parsed.name];
    else next[parsed.name] = parsed.rule;
  }
  return next;
}

function showRule(rule: RateLimitRule | null): string {
  if (rule === null) return 'off';
  return rule.window_seconds === 0 ? String(rule.max) : `${rule.max}/${rule.window_seconds}`;
}

function printSettings(t: Tenant): void {
  const s = t.settings;
  const overrides = Object.entries(s.rate_limits ?? {});
  process.stdout.write(
    [
      `Tenant ${tenantIdToWire(t.id)} (${t.name})`,
      `  email_uniqueness=${s.email_uniqueness}`,
      `  native_rate_limits=${s.native_rate_limits}`,
      `  history_retention_days=${s.history_retention_days ?? 'forever'}`,
      `  rate limit overrides: ${overrides.length === 0 ? 'none' : overrides.map(([name, rule]) => `${name}=${showRule(rule)}`).join(' ')}`,
      '  rate limits in force (test | live):',
      ...RATE_LIMIT_NAMES.map((name) => {
        const shown = (['test', 'live'] as const).map((mode) => {
          const rule = effectiveRule(name, mode, s);
          return rule === null ? 'off' : describeRule(name, rule);
        });
        return `    ${name}: ${shown[0] === shown[1] ? shown[0] : shown.join(' | ')}`;
      }),
    ].join('\n') + '\n',
  );
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

function tenantAndMode(command: string, values: { tenant?: string | undefined; mode?: string | undefined }): { tenant: string; mode: Mode } {
  if (!values.tenant) throw new UsageError(`${command} needs --tenant`);
  if (values.mode !== 'test' && values.mode !== 'live') throw new UsageError(`${command} needs --mode test|live`);
  return { tenant: values.tenant, mode: values.mode };
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
      'native-rate-limits': { type: 'string' },
      'rate-limit': { type: 'string', multiple: true },
      'history-retention-days': { type: 'string' },
      'expire-in': { type: 'string' },
      format: { type: 'string' },
      strict: { type: 'boolean', default: false },
      resume: { type: 'boolean', default: false },
      errors: { type: 'string' },
      checkpoint: { type: 'string' },
      'batch-size': { type: 'string' },
      output: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, sub] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 1 : 0;
  }
  if (command === 'import') {
    if (sub === undefined || positionals.length > 2) throw new UsageError('import takes one FILE (or - for stdin)');
    const { tenant, mode } = tenantAndMode('import', values);
    const format = values.format;
    if (format !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format is ${IMPORT_FORMATS.join(', ')}`);
    const batchSize = values['batch-size'];
    if (batchSize !== undefined && (!/^\d{1,6}$/.test(batchSize) || Number(batchSize) < 1)) throw new UsageError('--batch-size is a whole number of rows, from 1 to 999999');
    return importCommand({
      file: sub,
      ...(batchSize ? { batchSize: Number(batchSize) } : {}),
      tenant,
      mode,
      ...(format ? { format: format as ImportFormat } : {}),
      strict: values.strict,
      resume: values.resume,
      ...(values.errors ? { errors: values.errors } : {}),
      ...(values.checkpoint ? { checkpoint: values.checkpoint } : {}),
      json: values.json,
      quiet: values.quiet,
    });
  }
  if (command === 'export') {
    if (sub !== undefined) throw new UsageError('export takes no FILE: it writes to stdout, or to --output FILE');
    const { tenant, mode } = tenantAndMode('export', values);
    const format = values.format ?? 'ndjson';
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format is ${EXPORT_FORMATS.join(' or ')}`);
    return exportCommand({ tenant, mode, format: format as ExportFormat, ...(values.output ? { output: values.output } : {}) });
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
    case 'tenants settings':
    case 'tenants update': {
      if (!values.tenant) throw new UsageError(`tenants ${sub} needs --tenant`);
      const email = uniqueness(values['email-uniqueness']);
      const native = nativeRateLimits(values['native-rate-limits']);
      const retention = retentionDays(values['history-retention-days']);
      // Every flag is checked before anything is written.
      rateLimitOverrides({}, values['rate-limit']);
      const tenant = await withTenants(async (t) => {
        const current = await tenantArg(t, values.tenant!);
        const change: Partial<TenantSettings> = {};
        if (email !== undefined) change.email_uniqueness = email;
        if (native !== undefined) change.native_rate_limits = native;
        if (retention !== undefined) change.history_retention_days = retention;
        const limits = rateLimitOverrides(current.settings.rate_limits ?? {}, values['rate-limit']);
        if (limits !== undefined) change.rate_limits = limits;
        return Object.keys(change).length === 0 ? current : t.updateSettings(current.id, change);
      });
      if (values.json) print(tenantJson(tenant));
      else printSettings(tenant);
      return 0;
    }
    case 'keys roll': {
      if (!values.tenant) throw new UsageError('keys roll needs --tenant');
      const mode = values.mode as Mode | undefined;
      if (mode !== 'test' && mode !== 'live') throw new UsageError('keys roll needs --mode test|live');
      const expireIn = values['expire-in'];
      if (expireIn !== undefined && !/^\d+$/.test(expireIn)) throw new UsageError('--expire-in is a whole number of seconds');
      const grace = expireIn === undefined ? 0 : Number(expireIn);
      const rolled = await withTenants(async (t) => t.rollKey((await tenantArg(t, values.tenant!)).id, mode, grace));
      if (values.json) print({ tenant: values.tenant, mode, key: rolled.secret, key_id: keyIdToWire(rolled.keyId) });
      else process.stdout.write(`New ${mode} key for ${values.tenant}: ${rolled.secret}\n`);
      return 0;
    }
    case 'clients roll': {
      if (!values.tenant) throw new UsageError('clients roll needs --tenant');
      const mode = values.mode as Mode | undefined;
      if (mode !== 'test' && mode !== 'live') throw new UsageError('clients roll needs --mode test|live');
      const expireIn = values['expire-in'];
      if (expireIn !== undefined && !/^\d+$/.test(expireIn)) throw new UsageError('--expire-in is a whole number of seconds');
      const rolled = await withTenants(async (t) => t.rollClient((await tenantArg(t, values.tenant!)).id, mode, expireIn === undefined ? 0 : Number(expireIn)));
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
    } else if (err instanceof ImportSetupError) {
      process.stderr.write(`clientele: ${err.message}\n`);
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
