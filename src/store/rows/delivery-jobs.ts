import type { Delivery, DeliveryJob, DeliveryWithAttempts } from '../../domain/webhooks/delivery.ts';
import type { BoundSql, Dialect } from '../sql/dialect.ts';
import { byKeysSql, tenantsByIdSql } from '../sql/webhook-sql.ts';
import { rowToAttempt, rowToEndpoint, rowToEvent } from './event-rows.ts';
import { rowToTenant } from './record-rows.ts';

type Row = Record<string, unknown>;

/** What claimed deliveries need besides themselves: their events, endpoints and tenants, one query each. */
export function jobQueries(dialect: Dialect, deliveries: readonly Delivery[]): { events: BoundSql; endpoints: BoundSql; tenants: BoundSql } {
  const unique = <T>(items: T[], key: (item: T) => string) => [...new Map(items.map((item) => [key(item), item])).values()];
  const triple = (d: Delivery, id: string): [string, string, string] => [d.tenantId, d.mode, id];
  return {
    events: byKeysSql(dialect, 'events', unique(deliveries.map((d) => triple(d, d.eventId)), (t) => t.join('\0'))),
    endpoints: byKeysSql(dialect, 'webhook_endpoints', unique(deliveries.map((d) => triple(d, d.endpointId)), (t) => t.join('\0'))),
    tenants: tenantsByIdSql(dialect, [...new Set(deliveries.map((d) => d.tenantId))]),
  };
}

/** The jobs of claimed deliveries; one whose event or endpoint has gone meanwhile (a delete) is left out. */
export function assembleJobs(deliveries: readonly Delivery[], rows: { events: Row[]; endpoints: Row[]; tenants: Row[] }): DeliveryJob[] {
  const events = new Map(rows.events.map((row) => [row.id as string, rowToEvent(row)]));
  const endpoints = new Map(rows.endpoints.map((row) => [row.id as string, rowToEndpoint(row)]));
  const tenants = new Map(rows.tenants.map((row) => [row.id as string, rowToTenant(row)]));
  const jobs: DeliveryJob[] = [];
  for (const delivery of deliveries) {
    const event = events.get(delivery.eventId);
    const endpoint = endpoints.get(delivery.endpointId);
    const tenant = tenants.get(delivery.tenantId);
    if (event && endpoint && tenant) jobs.push({ delivery, event, endpoint, tenant });
  }
  return jobs;
}

/** Synchronous stores (SQLite) run the three queries in the claim's own transaction. */
export function deliveryJobs(deliveries: Delivery[], dialect: Dialect, run: (query: BoundSql) => Row[]): DeliveryJob[] {
  if (deliveries.length === 0) return [];
  const queries = jobQueries(dialect, deliveries);
  return assembleJobs(deliveries, { events: run(queries.events), endpoints: run(queries.endpoints), tenants: run(queries.tenants) });
}

export function withAttempts(deliveries: Delivery[], attemptRows: Row[]): DeliveryWithAttempts[] {
  const byDelivery = new Map<string, DeliveryWithAttempts['attemptLog']>();
  for (const row of attemptRows) {
    const attempt = rowToAttempt(row);
    byDelivery.set(attempt.deliveryId, [...(byDelivery.get(attempt.deliveryId) ?? []), attempt]);
  }
  return deliveries.map((delivery) => ({ ...delivery, attemptLog: byDelivery.get(delivery.id) ?? [] }));
}
