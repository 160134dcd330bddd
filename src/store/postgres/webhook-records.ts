import type { CustomerScope } from '../../domain/customers/model.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { ClaimRequest, IdCursor, Page, WebhookRecords, DeliveriesOf } from '../../domain/store-port.ts';
import type { AttemptResult, Delivery, DeliveryJob, DeliveryWithAttempts } from '../../domain/webhooks/delivery.ts';
import { isDelivering, type EndpointFlavor, type WebhookEndpoint } from '../../domain/webhooks/endpoint.ts';
import { assembleJobs, jobQueries, withAttempts } from '../rows/delivery-jobs.ts';
import { rowToDelivery, rowToEndpoint } from '../rows/event-rows.ts';
import { POSTGRES } from '../sql/dialect.ts';
import { pageOf } from '../sql/paging.ts';
import { ATTEMPT_COLUMNS } from '../rows/event-rows.ts';
import { statement } from '../sql/dialect.ts';
import { DELIVERY_SQL, ENDPOINT_SQL, FINISH_TEMPLATE, attemptValues, attemptsSql, claimSql, finishValues, idPageSql, keptResponse } from '../sql/webhook-sql.ts';
import { deliveriesFilter } from '../sql/webhook-sql.ts';
import type { DeliveryListener } from './delivery-listener.ts';
import { DELIVERIES_CHANNEL } from './history-records.ts';
import type { PgSession, PostgresPool } from './pool.ts';

/** The types of ATTEMPT_COLUMNS but the last, response_body (keptResponse). */
const ATTEMPT_TYPES = ['TEXT', 'TEXT', 'TEXT', 'INTEGER', 'BIGINT', 'INTEGER', 'INTEGER', 'TEXT'];

/** The attempt's outcome and its log row in one round trip: the same statements SQLite runs one by one, the INSERT only when the claim was still held. */
const FINISH_AND_LOG = statement(
  (dialect) => `WITH f AS (${FINISH_TEMPLATE} RETURNING 1)
   INSERT INTO webhook_attempts (${ATTEMPT_COLUMNS.join(', ')}) SELECT ${ATTEMPT_TYPES.map((type) => `CAST(? AS ${type})`).join(', ')}, ${keptResponse(dialect)} FROM f`,
  (delivery: Delivery, owner: string, result: AttemptResult) => [...finishValues(delivery, owner, result), ...attemptValues(delivery, result)],
);

const notify = (tx: PgSession) => tx.query(`SELECT pg_notify('${DELIVERIES_CHANNEL}', '')`);

/**
 * Endpoints and deliveries. Claims take rows FOR UPDATE SKIP LOCKED, so any number of servers
 * share the deliveries without two taking the same one.
 */
export class PostgresWebhookRecords implements WebhookRecords {
  constructor(
    private readonly pool: PostgresPool,
    private readonly listener: DeliveryListener,
  ) {}

  async insertEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    await this.pool.changes(ENDPOINT_SQL.insert, endpoint);
  }

  async getEndpoint(scope: CustomerScope, id: string): Promise<WebhookEndpoint | null> {
    const row = await this.pool.row(ENDPOINT_SQL.select, scope, id);
    return row ? rowToEndpoint(row) : null;
  }

  async listEndpoints(scope: CustomerScope, flavor: EndpointFlavor, query: { limit: number; cursor?: IdCursor }): Promise<Page<WebhookEndpoint>> {
    const { page, backwards } = idPageSql(POSTGRES, 'webhook_endpoints', scope, { column: 'flavor', value: flavor }, query);
    return pageOf(await this.pool.queryRows(page), query.limit, rowToEndpoint, { backwards });
  }

  async updateEndpoint(scope: CustomerScope, id: string, update: (current: WebhookEndpoint) => WebhookEndpoint): Promise<WebhookEndpoint> {
    return this.pool.transaction(async (tx) => {
      const row = await tx.row(ENDPOINT_SQL.selectForUpdate, scope, id);
      if (!row) throw new NotFoundError('webhook_endpoint', id);
      const current = rowToEndpoint(row);
      const next = update(current);
      await tx.changes(ENDPOINT_SQL.update, next);
      if (isDelivering(current) && !isDelivering(next)) await tx.changes(DELIVERY_SQL.hold, scope, id);
      if (!isDelivering(current) && isDelivering(next) && (await tx.changes(DELIVERY_SQL.release, scope, id, Date.now())) > 0) await notify(tx);
      return next;
    });
  }

  async deleteEndpoint(scope: CustomerScope, id: string): Promise<boolean> {
    return this.pool.transaction(async (tx) => {
      await tx.changes(DELIVERY_SQL.deleteAttemptsOfEndpoint, scope, id);
      await tx.changes(DELIVERY_SQL.deleteOfEndpoint, scope, id);
      return (await tx.changes(ENDPOINT_SQL.delete, scope, id)) > 0;
    });
  }

  async listDeliveries(scope: CustomerScope, of: DeliveriesOf, query: { limit: number; cursor?: IdCursor }): Promise<Page<DeliveryWithAttempts>> {
    const { page, backwards } = idPageSql(POSTGRES, 'webhook_deliveries', scope, deliveriesFilter(of), query);
    const deliveries = pageOf(await this.pool.queryRows(page), query.limit, rowToDelivery, { backwards });
    const attempts = deliveries.data.length === 0 ? [] : await this.pool.queryRows(attemptsSql(POSTGRES, scope, deliveries.data.map((d) => d.id)));
    return { ...deliveries, data: withAttempts(deliveries.data, attempts) };
  }

  async getDelivery(scope: CustomerScope, endpointId: string, id: string): Promise<DeliveryWithAttempts | null> {
    const row = await this.pool.row(DELIVERY_SQL.select, scope, endpointId, id);
    if (!row) return null;
    return withAttempts([rowToDelivery(row)], await this.pool.queryRows(attemptsSql(POSTGRES, scope, [id])))[0]!;
  }

  async retryDelivery(scope: CustomerScope, endpointId: string, id: string, nowMs: number): Promise<Delivery | null> {
    const row = await this.pool.transaction(async (tx) => {
      if ((await tx.changes(DELIVERY_SQL.retry, scope, endpointId, id, nowMs)) > 0) await notify(tx);
      return tx.row(DELIVERY_SQL.select, scope, endpointId, id);
    });
    return row ? rowToDelivery(row) : null;
  }

  async recoverDeliveries(scope: CustomerScope, endpointId: string, sinceMs: number, nowMs: number): Promise<number> {
    return this.pool.transaction(async (tx) => {
      const recovered = await tx.changes(DELIVERY_SQL.recover, scope, endpointId, sinceMs, nowMs);
      if (recovered > 0) await notify(tx);
      return recovered;
    });
  }

  async claimDeliveries(request: ClaimRequest): Promise<DeliveryJob[]> {
    const deliveries = (await this.pool.queryRows(claimSql(POSTGRES, request))).map(rowToDelivery);
    if (deliveries.length === 0) return [];
    const queries = jobQueries(POSTGRES, deliveries);
    const [events, endpoints, tenants] = await Promise.all([
      this.pool.queryRows(queries.events), this.pool.queryRows(queries.endpoints), this.pool.queryRows(queries.tenants),
    ]);
    return assembleJobs(deliveries, { events, endpoints, tenants });
  }

  /**
   * A delivery that is done first takes its customer's row FOR SHARE: a write of that customer
   * either committed before (its new delivery, queued as waiting, is then promoted here) or waits
   * until this commits (and then finds nothing pending, and queues its delivery ready).
   */
  async recordAttempt(delivery: Delivery, owner: string, result: AttemptResult): Promise<boolean> {
    return this.pool.transaction(async (tx) => {
      if ((await tx.changes(FINISH_AND_LOG, delivery, owner, result)) === 0) return false;
      if (result.next.state !== 'ready') {
        await tx.rows(DELIVERY_SQL.lockCustomer, delivery);
        if ((await tx.changes(DELIVERY_SQL.promoteNext, delivery, result.attempt.at + result.attempt.durationMs)) > 0) await notify(tx);
      }
      if (result.endpoint) {
        await tx.changes(ENDPOINT_SQL.health, delivery, result.endpoint);
        if (result.endpoint.disable !== null) await tx.changes(DELIVERY_SQL.hold, { tenantId: delivery.tenantId, mode: delivery.mode }, delivery.endpointId);
      }
      return true;
    });
  }

  async nextDueAt(): Promise<number | null> {
    const row = await this.pool.row(DELIVERY_SQL.nextDue);
    return row?.due === null || row?.due === undefined ? null : Number(row.due);
  }

  async deliveryBacklog(): Promise<number> {
    return Number((await this.pool.row(DELIVERY_SQL.backlog))?.pending ?? 0);
  }

  watchDeliveries(listener: () => void): () => void {
    return this.listener.watch(listener);
  }
}
