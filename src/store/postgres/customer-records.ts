import type { Customer, CustomerScope } from '../../domain/customers/model.ts';
import { deletedCustomer } from '../../domain/customers/patch.ts';
import type { SearchQuery } from '../../domain/customers/search-query.ts';
import type { WriteContext } from '../../domain/customers/write-context.ts';
import type { ErasedCustomer, ErasureRequest } from '../../domain/customers/erasure.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { CustomerRecords, CustomerUpdater, InsertManyOptions, InsertOutcome, ListQuery, Page, SearchPageQuery } from '../../domain/store-port.ts';
import { Batcher, type BatchOutcome } from '../batcher.ts';
import { rowToCustomer } from '../rows/customer-row.ts';
import { cursorCustomerId, listPageSql, positionOf, searchPageSql, type CustomerPageSql } from '../sql/customer-pages.ts';
import { CUSTOMER_SQL } from '../sql/customer-sql.ts';
import { POSTGRES } from '../sql/dialect.ts';
import { countOf, pageOf } from '../sql/paging.ts';
import { insertCustomers } from './bulk-insert.ts';
import { eraseInTransaction } from './customer-erasure.ts';
import { CUSTOMER_WRITES, writeCustomer } from './customer-table.ts';
import { recordWrite } from './history-records.ts';
import { isOutage } from './pg-errors.ts';
import type { PgSession, PostgresPool } from './pool.ts';
import { searchCondition } from './search-sql.ts';
import { enforcesUniqueEmail } from './tenant-records.ts';

type NewCustomer = { customer: Customer; context: WriteContext };

/**
 * Customers. A write locks its customer's row (SELECT … FOR UPDATE), so concurrent writers from
 * any number of servers take turns per customer; creates arriving together share one transaction.
 */
export class PostgresCustomerRecords implements CustomerRecords {
  /**
   * Creates arriving together share one transaction: one multi-row INSERT, one history INSERT
   * and one COMMIT for all of them (insertCustomers, so each row succeeds or fails alone).
   */
  readonly inserts: Batcher<NewCustomer, Customer>;

  constructor(
    private readonly pool: PostgresPool,
    maxInFlight: number,
  ) {
    this.inserts = new Batcher((batch) => this.insertBatch(batch), { maxInFlight, maxBatch: 256, isOutage });
  }

  async insertCustomer(customer: Customer, context: WriteContext): Promise<Customer> {
    // A create holding an idempotency key completes it in its own transaction, alone.
    if (context.idempotency) return this.insertOne(customer, context);
    return this.inserts.run({ customer, context });
  }

  async insertCustomers(customers: readonly Customer[], contexts: readonly WriteContext[], options: InsertManyOptions = {}): Promise<InsertOutcome[]> {
    return insertCustomers(this.pool, customers, contexts, options);
  }

  async analyze(): Promise<void> {
    await this.pool.query('ANALYZE customers, customer_history');
  }

  async getCustomer(scope: CustomerScope, id: string): Promise<Customer | null> {
    const row = await this.pool.row(CUSTOMER_SQL.select, scope, id);
    return row ? rowToCustomer(row) : null;
  }

  async updateCustomer(scope: CustomerScope, id: string, update: CustomerUpdater, context: WriteContext): Promise<Customer> {
    return this.pool.transaction(async (tx) => {
      // The row lock makes concurrent updates of one customer take turns, across all servers:
      // each one transforms the version the previous one committed.
      const current = await lockLiveCustomer(tx, scope, id);
      const next = update(current);
      if (next === current) return current;
      await writeCustomer(tx, CUSTOMER_WRITES.update, next, await enforcesUniqueEmail(tx, scope.tenantId));
      await recordWrite(tx, current, next, context);
      return next;
    });
  }

  async deleteCustomer(scope: CustomerScope, id: string, nowMs: number, context: WriteContext, check?: (current: Customer) => void): Promise<Customer> {
    return this.pool.transaction(async (tx) => {
      const current = await lockLiveCustomer(tx, scope, id);
      check?.(current);
      const next = deletedCustomer(current, nowMs);
      await tx.query(CUSTOMER_WRITES.update, CUSTOMER_WRITES.values(next, false, nowMs));
      await recordWrite(tx, current, next, context);
      return next;
    });
  }

  async eraseCustomer(scope: CustomerScope, id: string, request: ErasureRequest, context: WriteContext): Promise<ErasedCustomer> {
    return this.pool.transaction((tx) => eraseInTransaction(tx, scope, id, request, context));
  }

  async listCustomers(scope: CustomerScope, query: ListQuery): Promise<Page<Customer>> {
    const cursor = query.cursor;
    const position = cursor && positionOf(await this.pool.row(CUSTOMER_SQL.position, scope, cursorCustomerId(cursor)), cursor);
    return this.page(listPageSql(POSTGRES, scope, query, position), query.limit);
  }

  async searchCustomers(scope: CustomerScope, query: SearchQuery, page: SearchPageQuery): Promise<Page<Customer>> {
    return this.page(searchPageSql(POSTGRES, scope, page, (params) => searchCondition(query, params)), page.limit);
  }

  private async page(sql: CustomerPageSql, limit: number): Promise<Page<Customer>> {
    const total = sql.count && countOf((await this.pool.queryRows(sql.count))[0]);
    return pageOf(await this.pool.queryRows(sql.page), limit, rowToCustomer, { backwards: sql.backwards, total });
  }

  private async insertBatch(batch: NewCustomer[]): Promise<BatchOutcome<Customer>[]> {
    if (batch.length === 1) {
      const [{ customer, context }] = batch as [NewCustomer];
      return this.insertOne(customer, context).then(
        (value) => [{ ok: true, value }],
        (error: unknown) => [{ ok: false, error }],
      );
    }
    const outcomes = await this.insertCustomers(batch.map((item) => item.customer), batch.map((item) => item.context));
    return outcomes.map((outcome): BatchOutcome<Customer> => {
      if (outcome.status === 'inserted') return { ok: true, value: outcome.customer };
      return { ok: false, error: outcome.status === 'failed' ? outcome.error : new Error('insert not attempted') };
    });
  }

  private async insertOne(customer: Customer, context: WriteContext): Promise<Customer> {
    return this.pool.transaction(async (tx) => {
      await writeCustomer(tx, CUSTOMER_WRITES.insert, customer, await enforcesUniqueEmail(tx, customer.tenant_id));
      await recordWrite(tx, null, customer, context);
      return customer;
    });
  }
}

async function lockLiveCustomer(tx: PgSession, scope: CustomerScope, id: string): Promise<Customer> {
  const row = await tx.row(CUSTOMER_SQL.selectForUpdate, scope, id);
  if (!row || row.deleted_at !== null) throw new NotFoundError('customer', id);
  return rowToCustomer(row);
}
