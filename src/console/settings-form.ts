import { ValidationError } from '../domain/errors.ts';
import { applyRateLimitOverrides } from '../domain/tenants/rate-limit-overrides.ts';
import { MAX_RETENTION_DAYS, type TenantSettings } from '../domain/tenants/tenant.ts';

const days = (field: keyof TenantSettings, text: unknown, allowNone: boolean): number | null => {
  const value = typeof text === 'string' ? text.trim() : '';
  if (value === '' && allowNone) return null;
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > MAX_RETENTION_DAYS) {
    throw new ValidationError([field], `${String(field).replaceAll('_', ' ')}: a whole number of days from 1 to ${MAX_RETENTION_DAYS}${allowNone ? ', or empty for ever' : ''}.`);
  }
  return Number(value);
};

/**
 * The settings form's fields, as the tenant service takes them. `asset_account` only from the host
 * admin: naming another tenant's Asset account would let this tenant's client act for that tenant.
 */
export function settingsOf(body: unknown, options: { admin: boolean } = { admin: false }): Partial<TenantSettings> {
  const form = (body ?? {}) as Record<string, unknown>;
  const uniqueness = form.email_uniqueness;
  if (uniqueness !== 'enforced' && uniqueness !== 'off') throw new ValidationError(['email_uniqueness'], 'E-mail uniqueness is enforced or off.');
  const nativeLimits = form.native_rate_limits;
  if (nativeLimits !== 'off' && nativeLimits !== 'stripe') throw new ValidationError(['native_rate_limits'], 'Native rate limits are off or stripe.');
  const overrides = (typeof form.rate_limits === 'string' ? form.rate_limits : '').split(/[\s,]+/).filter((entry) => entry !== '');
  let rateLimits: TenantSettings['rate_limits'];
  try {
    // The field lists every override: what it no longer names is back to the documented limit.
    rateLimits = applyRateLimitOverrides({}, overrides);
  } catch (err) {
    throw new ValidationError(['rate_limits'], `Rate limits: ${(err as Error).message}`);
  }
  const disableAfter = typeof form.webhook_disable_after_days === 'string' ? form.webhook_disable_after_days.trim() : '';
  if (!/^\d{1,3}$/.test(disableAfter) || Number(disableAfter) < 1 || Number(disableAfter) > 365) {
    throw new ValidationError(['webhook_disable_after_days'], 'Disable failing endpoints after: a whole number of days from 1 to 365.');
  }
  const account = typeof form.asset_account === 'string' ? form.asset_account.trim() : '';
  if (options.admin && account !== '' && !/^[\x21-\x7e]{1,100}$/.test(account)) {
    throw new ValidationError(['asset_account'], 'Asset account: a name of 1 to 100 visible ASCII characters, or empty for none.');
  }
  return {
    ...(options.admin ? { asset_account: account === '' ? null : account } : {}),
    webhook_disable_after_days: Number(disableAfter),
    rate_limits: rateLimits,
    email_uniqueness: uniqueness,
    native_rate_limits: nativeLimits,
    history_retention_days: days('history_retention_days', form.history_retention_days, true),
    event_retention_days: days('event_retention_days', form.event_retention_days, false)!,
  };
}
