import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../domain/store-port.ts';
import { tenantIdToWire } from '../formats/ids.ts';
import { DEFAULT_TENANT_SETTINGS } from '../domain/tenants/tenant.ts';

const DAY_MS = 86_400_000;

export interface SweepCounts {
  accessTokens: number;
  idempotencyKeys: number;
  history: number;
  events: number;
  /** Console sessions and one-time links, and partner codes and tokens, past their expiry. */
  sessions: number;
}

/**
 * Deletes what has outlived its use: expired access tokens, expired idempotency keys, and the
 * history entries of each tenant past its `history_retention_days`, and its events past
 * `event_retention_days` whose deliveries are done. Any server may run it; the
 * deletes are idempotent. A failing step is logged and the others still run. Logs counts and
 * tenant ids only.
 */
export async function sweepExpired(store: Store, log: Pick<FastifyBaseLogger, 'info' | 'debug' | 'warn'>, nowMs: number = Date.now()): Promise<SweepCounts> {
  const counts: SweepCounts = { accessTokens: 0, idempotencyKeys: 0, history: 0, events: 0, sessions: 0 };
  const step = async (what: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      log.warn({ err: { message: (err as Error).message } }, `sweep of ${what} failed`);
    }
  };
  await step('access tokens', async () => {
    counts.accessTokens = await store.deleteExpiredAccessTokens(Math.floor(nowMs / 1000));
  });
  await step('console sessions and partner grants', async () => {
    counts.sessions = (await store.deleteExpiredConsoleSessions(Math.floor(nowMs / 1000))) + (await store.deleteExpiredPartnerGrants(Math.floor(nowMs / 1000)));
  });
  await step('idempotency keys', async () => {
    counts.idempotencyKeys = await store.deleteExpiredIdempotencyKeys(nowMs);
  });
  await step('history', async () => {
    for (const tenant of await store.listTenants()) {
      const days = tenant.settings.history_retention_days;
      if (days === null || days === undefined) continue;
      const deleted = await store.deleteHistoryBefore(tenant.id, nowMs - days * DAY_MS);
      counts.history += deleted;
      if (deleted > 0) log.info({ tenant: tenantIdToWire(tenant.id), deleted, retention_days: days }, 'history past retention deleted');
    }
  });
  await step('events', async () => {
    for (const tenant of await store.listTenants()) {
      const days = tenant.settings.event_retention_days ?? DEFAULT_TENANT_SETTINGS.event_retention_days;
      const deleted = await store.deleteEventsBefore(tenant.id, nowMs - days * DAY_MS);
      counts.events += deleted;
      if (deleted > 0) log.info({ tenant: tenantIdToWire(tenant.id), deleted, retention_days: days }, 'events past retention deleted');
    }
  });
  // SQLite keeps no statistics by itself; PostgreSQL's autovacuum gathers its own.
  if (store.kind === 'sqlite') await step('planner statistics', () => store.analyze());
  const total = counts.accessTokens + counts.idempotencyKeys + counts.history + counts.events + counts.sessions;
  (total > 0 ? log.info : log.debug).call(log, { swept: counts }, 'sweep done');
  return counts;
}
