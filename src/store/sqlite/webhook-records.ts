import type { CustomerScope } from '../../domain/customers/model.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { ClaimRequest, IdCursor, Page, WebhookRecords, DeliveriesOf } from '../../domain/store-port.ts';
import type { AttemptResult, Delivery, DeliveryJob, DeliveryWithAttempts } from '../../domain/webhooks/delivery.ts';
import { isDelivering, type EndpointFlavor, type WebhookEndpoint } from '../../domain/webhooks/endpoint.ts';
import { rowToDelivery, rowToEndpoint } from '../rows/event-rows.ts';
import { SQLITE } from '../sql/dialect.ts';
import { pageOf } from '../sql/paging.ts';
import { DELIVERY_SQL, ENDPOINT_SQL, attemptsSql, claimSql, idPageSql } from '../sql/webhook-sql.ts';
import { deliveriesFilter } from '../sql/webhook-sql.ts';
import { deliveryJobs, withAttempts } from '../rows/delivery-jobs.ts';
import type { SqliteConnection } from './connection.ts';

/** Endpoints and deliveries; every write goes through group commit, as customer writes do. */
export class SqliteWebhookRecords implements WebhookRecords {
  constructor(private readonly connection: SqliteConnection) {}

  async insertEndpoint(endpoint: WebhookEndpoint): Promise<void> {
    await this.connection.write(() => this.connection.changes(ENDPOINT_SQL.insert, endpoint));
  }

  async getEndpoint(scope: CustomerScope, id: string): Promise<WebhookEndpoint | null> {
    const row = this.connection.autocommit(() => this.connection.row(ENDPOINT_SQL.select, scope, id));
    return row ? rowToEndpoint(row) : null;
  }

  async listEndpoints(scope: CustomerScope, flavor: EndpointFlavor, query: { limit: number; cursor?: IdCursor }): Promise<Page<WebhookEndpoint>> {
    const { page, backwards } = idPageSql(SQLITE, 'webhook_endpoints', scope, { column: 'flavor', value: flavor }, query);
    return pageOf(this.connection.autocommit(() => this.connection.queryRows(page)), query.limit, rowToEndpoint, { backwards });
  }

  async updateEndpoint(scope: CustomerScope, id: string, update: (current: WebhookEndpoint) => WebhookEndpoint): Promise<WebhookEndpoint> {
    const connection = this.connection;
    return connection.write(() => {
      const row = connection.row(ENDPOINT_SQL.selectForUpdate, scope, id);
      if (!row) throw new NotFoundError('webhook_endpoint', id);
      const current = rowToEndpoint(row);
      const next = update(current);
      connection.changes(ENDPOINT_SQL.update, next);
      if (isDelivering(current) && !isDelivering(next)) connection.changes(DELIVERY_SQL.hold, scope, id);
      if (!isDelivering(current) && isDelivering(next) && connection.changes(DELIVERY_SQL.release, scope, id, Date.now()) > 0) connection.wakeups.queued();
      return next;
    });
  }

  async deleteEndpoint(scope: CustomerScope, id: string): Promise<boolean> {
    return this.connection.write(() => {
      this.connection.changes(DELIVERY_SQL.deleteAttemptsOfEndpoint, scope, id);
      this.connection.changes(DELIVERY_SQL.deleteOfEndpoint, scope, id);
      return this.connection.changes(ENDPOINT_SQL.delete, scope, id) > 0;
    });
  }

  async listDeliveries(scope: CustomerScope, of: DeliveriesOf, query: { limit: number; cursor?: IdCursor }): Promise<Page<DeliveryWithAttempts>> {
    const connection = this.connection;
    return connection.autocommit(() => {
      const { page, backwards } = idPageSql(SQLITE, 'webhook_deliveries', scope, deliveriesFilter(of), query);
      const deliveries = pageOf(connection.queryRows(page), query.limit, rowToDelivery, { backwards });
      const attempts = deliveries.data.length === 0 ? [] : connection.queryRows(attemptsSql(SQLITE, scope, deliveries.data.map((d) => d.id)));
      return { ...deliveries, data: withAttempts(deliveries.data, attempts) };
    });
  }

  async getDelivery(scope: CustomerScope, endpointId: string, id: string): Promise<DeliveryWithAttempts | null> {
    const connection = this.connection;
    return connection.autocommit(() => {
      const row = connection.row(DELIVERY_SQL.select, scope, endpointId, id);
      if (!row) return null;
      return withAttempts([rowToDelivery(row)], connection.queryRows(attemptsSql(SQLITE, scope, [id])))[0]!;
    });
  }

  async retryDelivery(scope: CustomerScope, endpointId: string, id: string, nowMs: number): Promise<Delivery | null> {
    const connection = this.connection;
    const row = await connection.write(() => {
      if (connection.changes(DELIVERY_SQL.retry, scope, endpointId, id, nowMs) > 0) connection.wakeups.queued();
      return connection.row(DELIVERY_SQL.select, scope, endpointId, id);
    });
    return row ? rowToDelivery(row) : null;
  }

  async recoverDeliveries(scope: CustomerScope, endpointId: string, sinceMs: number, nowMs: number): Promise<number> {
    const connection = this.connection;
    return connection.write(() => {
      const recovered = connection.changes(DELIVERY_SQL.recover, scope, endpointId, sinceMs, nowMs);
      if (recovered > 0) connection.wakeups.queued();
      return recovered;
    });
  }

  async claimDeliveries(request: ClaimRequest): Promise<DeliveryJob[]> {
    const connection = this.connection;
    return connection.write(() => {
      const claim = claimSql(SQLITE, request);
      const deliveries = (connection.prepared(claim.text).all(claim.values) as Record<string, unknown>[]).map(rowToDelivery);
      return deliveryJobs(deliveries, SQLITE, (query) => connection.queryRows(query));
    });
  }

  async recordAttempt(delivery: Delivery, owner: string, result: AttemptResult): Promise<boolean> {
    const connection = this.connection;
    return connection.write(() => {
      if (connection.changes(DELIVERY_SQL.finish, delivery, owner, result) === 0) return false;
      connection.changes(DELIVERY_SQL.insertAttempt, delivery, result);
      const now = result.attempt.at + result.attempt.durationMs;
      if (result.next.state !== 'ready' && connection.changes(DELIVERY_SQL.promoteNext, delivery, now) > 0) connection.wakeups.queued();
      if (result.endpoint) {
        connection.changes(ENDPOINT_SQL.health, delivery, result.endpoint);
        if (result.endpoint.disable !== null) connection.changes(DELIVERY_SQL.hold, { tenantId: delivery.tenantId, mode: delivery.mode }, delivery.endpointId);
      }
      return true;
    });
  }

  async nextDueAt(): Promise<number | null> {
    const row = this.connection.autocommit(() => this.connection.row(DELIVERY_SQL.nextDue));
    return row?.due === null || row?.due === undefined ? null : Number(row.due);
  }

  async deliveryBacklog(): Promise<number> {
    return Number(this.connection.autocommit(() => this.connection.row(DELIVERY_SQL.backlog))?.pending ?? 0);
  }

  watchDeliveries(listener: () => void): () => void {
    return this.connection.wakeups.watch(listener);
  }
}
