import { ValidationError } from '../domain/errors.ts';
import { applyRateLimitOverrides } from '../domain/tenants/rate-limit-overrides.ts';
import type { TenantSettings } from '../domain/tenants/tenant.ts';

const days = (field: keyof TenantSettings, text: unknown, allowNone: boolean): number | null => {
  const value = typeof text === 'string' ? text.trim() : '';
  if (value === '' && allowNone) return null;
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1) throw new ValidationError([field], `${String(field).replaceAll('_', ' ')}: a whole number of days from 1${allowNone ? ', or empty for ever' : ''}.`);
  return Number(value);
};

/** The settings form's fields, as the tenant service takes them (the service checks them again). */
export function settingsOf(body: unknown): Partial<TenantSettings> {
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
  return {
    rate_limits: rateLimits,
    email_uniqueness: uniqueness,
    native_rate_limits: nativeLimits,
    history_retention_days: days('history_retention_days', form.history_retention_days, true),
    event_retention_days: days('event_retention_days', form.event_retention_days, false)!,
  };
}
