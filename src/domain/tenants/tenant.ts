export type EmailUniqueness = 'enforced' | 'off';

/** At most `max` requests per `window_seconds`. */
export interface RateLimitRule {
  max: number;
  window_seconds: number;
}

export interface TenantSettings {
  /** `enforced`: one non-deleted customer per e-mail (case-insensitive) per mode. `off`: Stripe's own behaviour. */
  email_uniqueness: EmailUniqueness;
  /** Days a customer's change history is kept; null keeps it for ever. */
  history_retention_days: number | null;
  /** `stripe`: the native API applies Stripe's own limits; `off` (default): unlimited, as self-hosted suits. */
  native_rate_limits: 'off' | 'stripe';
  /** Overrides of the vendor-documented limits, by limit name (src/http/rate-limits.ts): a rule, or null to turn that limit off. */
  rate_limits: Record<string, RateLimitRule | null>;
  /** Days events are kept (those with deliveries still pending are kept until they are done). */
  event_retention_days: number;
  /** An endpoint whose every delivery attempt has failed for this many days is disabled. */
  webhook_disable_after_days: number;
  /**
   * Asset's tenant account this tenant is a business of: tenants that name the same account are its
   * businesses, and a client credential of any of them may get Asset tokens for all of them (Asset's
   * "Scope the access token to a specific business"). null: the tenant is an account of its own.
   */
  asset_account: string | null;
}

/** The longest history or event retention a tenant may set: a hundred years. */
export const MAX_RETENTION_DAYS = 36_500;

export const DEFAULT_TENANT_SETTINGS: TenantSettings = {
  email_uniqueness: 'enforced',
  history_retention_days: null,
  native_rate_limits: 'off',
  rate_limits: {},
  event_retention_days: 30,
  webhook_disable_after_days: 5,
  asset_account: null,
};

/** Whether two tenants are businesses of one Asset tenant account. */
export function sameAssetAccount(a: Tenant, b: Tenant): boolean {
  return a.id === b.id || (a.settings.asset_account != null && a.settings.asset_account === b.settings.asset_account);
}

/** The settings kept beside email_uniqueness, as one JSON document. */
export type ExtraTenantSettings = Omit<TenantSettings, 'email_uniqueness'>;

export function extraSettings(settings: TenantSettings): ExtraTenantSettings {
  const { email_uniqueness: _, ...extra } = settings;
  return extra;
}

export interface Tenant {
  /** Canonical 96-bit id; rendered `biz_…`. */
  id: string;
  name: string;
  created: number;
  settings: TenantSettings;
}
