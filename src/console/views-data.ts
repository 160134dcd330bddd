import type { Customer } from '../domain/customers/model.ts';
import type { HistoryEntry } from '../domain/customers/history.ts';
import type { StoredEvent } from '../domain/events/customer-event.ts';
import type { DeliveryWithAttempts } from '../domain/webhooks/delivery.ts';
import type { PartnerAppRecord } from '../domain/partners/partner.ts';
import { RATE_LIMIT_NAMES } from '../domain/tenants/rate-limit-policy.ts';
import type { Tenant } from '../domain/tenants/tenant.ts';
import { customerIdToWire, deliveryIdToWire, eventIdToWire, tenantIdToWire, webhookEndpointIdToWire } from '../formats/ids.ts';

/** What the templates show: plain strings, dates already written out (UTC). */
export const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
const shown = (value: unknown): string => (value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

export function customerView(c: Customer) {
  const address = c.address ? [c.address.line1, c.address.line2, [c.address.postal_code, c.address.city].filter(Boolean).join(' '), c.address.state, c.address.country].filter(Boolean).join(', ') : null;
  const shipping = c.shipping?.address
    ? [c.shipping.name, c.shipping.address.line1, c.shipping.address.line2, [c.shipping.address.postal_code, c.shipping.address.city].filter(Boolean).join(' '), c.shipping.address.country].filter(Boolean).join(', ')
    : null;
  return {
    id: customerIdToWire(c.id),
    name: c.name,
    email: c.email,
    phone: c.phone,
    created: when(c.created * 1000),
    updated: when(c.updated),
    deleted: c.deleted,
    version: c.version,
    fields: [
      ['Name', c.name], ['E-mail', c.email], ['Phone', c.phone], ['Description', c.description], ['Company', c.company_name], ['Website', c.website],
      ['Billing e-mail', c.billing_email], ['Status', c.status], ['Balance', String(c.balance)], ['Currency', c.currency], ['Tax exempt', c.tax_exempt],
      ['Invoice prefix', c.invoice_prefix], ['Preferred locales', c.preferred_locales.join(', ') || null], ['External id', c.external_id],
      ['Address', address], ['Shipping', shipping], ['Created', when(c.created * 1000)], ['Updated', when(c.updated)], ['Version', String(c.version)],
    ].map(([label, value]) => ({ label: label!, value: value ?? '—' })),
    metadata: Object.entries(c.metadata).map(([key, value]) => ({ key, value })),
    taxIds: c.tax_ids.map((t) => ({ type: t.type, value: t.value })),
    contacts: c.contacts.map((k) => ({ name: k.name ?? '—', email: k.email ?? '—', phone: k.phone ?? '—', primary: k.is_primary })),
  };
}

export function historyView(entry: HistoryEntry) {
  return {
    version: entry.version,
    when: when(entry.created),
    action: entry.action,
    actor: entry.actor,
    surface: entry.surface,
    changes: entry.changes.map((change) => ({ field: change.path.join('.'), before: shown(change.before), after: shown(change.after) })),
  };
}

export function deliveryView(d: DeliveryWithAttempts) {
  return {
    id: deliveryIdToWire(d.id),
    endpointId: webhookEndpointIdToWire(d.endpointId),
    state: d.state,
    attempts: d.attempts,
    lastStatus: d.lastStatus === null ? '—' : String(d.lastStatus),
    attemptLog: d.attemptLog.map((a) => ({ n: a.attempt, when: when(a.at), status: a.statusCode === null ? '—' : String(a.statusCode), error: a.error ?? '', ms: a.durationMs })),
  };
}

export function eventView(event: StoredEvent, deliveries: DeliveryWithAttempts[]) {
  return { id: eventIdToWire(event.id), type: event.type, when: when(event.created), deliveries: deliveries.map(deliveryView) };
}

const RATE_LIMIT_HELP = RATE_LIMIT_NAMES.join(', ');

export function tenantView(tenant: Tenant) {
  const s = tenant.settings;
  return {
    id: tenantIdToWire(tenant.id),
    name: tenant.name,
    rateLimitNames: RATE_LIMIT_HELP,
    settings: {
      email_uniqueness: s.email_uniqueness,
      native_rate_limits: s.native_rate_limits,
      history_retention_days: s.history_retention_days === null ? '' : String(s.history_retention_days),
      event_retention_days: String(s.event_retention_days),
      webhook_disable_after_days: String(s.webhook_disable_after_days),
      asset_account: s.asset_account ?? '',
      rate_limits: Object.entries(s.rate_limits).map(([name, rule]) => `${name}=${rule === null ? 'off' : rule.window_seconds === 0 ? rule.max : `${rule.max}/${rule.window_seconds}`}`).join(', '),
    },
  };
}

export function partnerView(app: PartnerAppRecord) {
  return { id: app.id, name: app.name, redirectUris: app.redirect_uris.join(' ') };
}
