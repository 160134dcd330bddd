import { MAX_RETENTION_DAYS } from '../../domain/tenants/tenant.ts';
/** `clientele tenants settings` (or `update`): show or change a tenant's settings. */
import type { RateLimitRule, Tenant, TenantSettings } from '../../domain/tenants/tenant.ts';
import { describeRule, effectiveRule, RATE_LIMIT_NAMES } from '../../domain/tenants/rate-limit-policy.ts';
import { tenantIdToWire } from '../../formats/ids.ts';
import { applyRateLimitOverrides } from '../../domain/tenants/rate-limit-overrides.ts';
import { tenantArg } from '../tenant-arg.ts';
import { booleanOption, JSON_OUTPUT, printJson, stringListOption, stringOption, UsageError, withTenants, type CliCommand, type OptionValues } from './command.ts';
import { emailUniqueness, tenantJson } from './tenant-values.ts';


/** `--asset-account NAME|none`: the Asset tenant account this tenant is a business of. */
function assetAccount(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  if (!/^[\x21-\x7e]{1,100}$/.test(value)) throw new UsageError('--asset-account takes a name of 1 to 100 visible ASCII characters, or none');
  return value;
}

function nativeRateLimits(value: string | undefined): TenantSettings['native_rate_limits'] | undefined {
  if (value === undefined) return undefined;
  if (value !== 'stripe' && value !== 'off') throw new UsageError('--native-rate-limits is stripe or off');
  return value;
}

function retentionDays(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'forever') return null;
  const days = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new UsageError(`--history-retention-days is a whole number of days from 1 to ${MAX_RETENTION_DAYS}, or forever`);
  }
  return days;
}

/** A whole number of days from 1 to `max`, for `flag`. */
function days(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${flag} is a whole number of days from 1 to ${max}`);
  return n;
}

/** The overrides after applying each `--rate-limit` in order; undefined when none is given. */
function rateLimitOverrides(current: TenantSettings['rate_limits'], args: string[] | undefined): TenantSettings['rate_limits'] | undefined {
  if (!args || args.length === 0) return undefined;
  try {
    return applyRateLimitOverrides(current, args);
  } catch (err) {
    throw new UsageError(`--rate-limit ${(err as Error).message}`);
  }
}

function showRule(rule: RateLimitRule | null): string {
  if (rule === null) return 'off';
  return rule.window_seconds === 0 ? String(rule.max) : `${rule.max}/${rule.window_seconds}`;
}

function printSettings(tenant: Tenant): void {
  const settings = tenant.settings;
  const overrides = Object.entries(settings.rate_limits ?? {});
  process.stdout.write(
    [
      `Tenant ${tenantIdToWire(tenant.id)} (${tenant.name})`,
      `  email_uniqueness=${settings.email_uniqueness}`,
      `  native_rate_limits=${settings.native_rate_limits}`,
      `  history_retention_days=${settings.history_retention_days ?? 'forever'}`,
      `  event_retention_days=${settings.event_retention_days}`,
      `  webhook_disable_after_days=${settings.webhook_disable_after_days}`,
      `  asset_account=${settings.asset_account ?? 'none'}`,
      `  rate limit overrides: ${overrides.length === 0 ? 'none' : overrides.map(([name, rule]) => `${name}=${showRule(rule)}`).join(' ')}`,
      '  rate limits in force (test | live):',
      ...RATE_LIMIT_NAMES.map((name) => {
        const shown = (['test', 'live'] as const).map((mode) => {
          const rule = effectiveRule(name, mode, settings);
          return rule === null ? 'off' : describeRule(name, rule);
        });
        return `    ${name}: ${shown[0] === shown[1] ? shown[0] : shown.join(' | ')}`;
      }),
    ].join('\n') + '\n',
  );
}

const OPTIONS = {
  tenant: { type: 'string' },
  'email-uniqueness': { type: 'string' },
  'native-rate-limits': { type: 'string' },
  'rate-limit': { type: 'string', multiple: true },
  'history-retention-days': { type: 'string' },
  'event-retention-days': { type: 'string' },
  'webhook-disable-after-days': { type: 'string' },
  'asset-account': { type: 'string' },
  ...JSON_OUTPUT,
} as const;

function settingsCommand(name: string, usage: string): CliCommand {
  return {
    name,
    usage,
    options: OPTIONS,
    run: async (values: OptionValues) => {
      const tenantText = stringOption(values, 'tenant');
      if (!tenantText) throw new UsageError(`${name} needs --tenant`);
      const uniqueness = emailUniqueness(stringOption(values, 'email-uniqueness'));
      const native = nativeRateLimits(stringOption(values, 'native-rate-limits'));
      const retention = retentionDays(stringOption(values, 'history-retention-days'));
      const eventRetention = days(stringOption(values, 'event-retention-days'), 'event-retention-days', MAX_RETENTION_DAYS);
      const disableAfter = days(stringOption(values, 'webhook-disable-after-days'), 'webhook-disable-after-days', 365);
      const account = assetAccount(stringOption(values, 'asset-account'));
      const rateLimitArgs = stringListOption(values, 'rate-limit');
      // Every flag is checked before anything is written.
      rateLimitOverrides({}, rateLimitArgs);
      const tenant = await withTenants(async (tenants) => {
        const current = await tenantArg(tenants, tenantText);
        const change: Partial<TenantSettings> = {};
        if (uniqueness !== undefined) change.email_uniqueness = uniqueness;
        if (native !== undefined) change.native_rate_limits = native;
        if (retention !== undefined) change.history_retention_days = retention;
        if (eventRetention !== undefined) change.event_retention_days = eventRetention;
        if (disableAfter !== undefined) change.webhook_disable_after_days = disableAfter;
        if (account !== undefined) change.asset_account = account;
        const limits = rateLimitOverrides(current.settings.rate_limits ?? {}, rateLimitArgs);
        if (limits !== undefined) change.rate_limits = limits;
        return Object.keys(change).length === 0 ? current : tenants.updateSettings(current.id, change);
      });
      if (booleanOption(values, 'json')) printJson(tenantJson(tenant));
      else printSettings(tenant);
      return 0;
    },
  };
}

export const tenantsSettingsCommand = settingsCommand(
  'tenants settings',
  `  tenants settings --tenant ID [--email-uniqueness enforced|off] [--native-rate-limits stripe|off]
                   [--rate-limit NAME=MAX/SECONDS|NAME=MAX|NAME=off|NAME=default]…
                   [--history-retention-days DAYS|forever] [--event-retention-days DAYS]
                   [--webhook-disable-after-days DAYS] [--asset-account NAME|none] [--json]
                                          Change a tenant's settings (none given: show them).
                                          --asset-account: tenants naming the same account are the
                                          businesses of one Asset tenant account; a client of any
                                          of them gets Asset tokens for all of them.
                                          Rate limits: ${RATE_LIMIT_NAMES.slice(0, 4).join(', ')},
                                          ${RATE_LIMIT_NAMES.slice(4).join(', ')}
                                          (atlas.concurrent takes MAX in flight at once);
                                          off: no limit; default: the documented limit again.
`,
);

export const tenantsUpdateCommand = settingsCommand(
  'tenants update',
  `  tenants update …                        Same as tenants settings
`,
);
