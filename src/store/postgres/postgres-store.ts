import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import type { AccessTokenRecord, ClientRecord } from '../../domain/tenants/clients.ts';
import { deletedCustomer } from '../../domain/customers/patch.ts';
import { type Customer, type CustomerScope } from '../../domain/customers/model.ts';
import { ConflictError, EmailTakenError, IdempotencyError, IdTakenError, NotFoundError, UnavailableError } from '../../domain/errors.ts';
import { historyEntry, type HistoryEntry } from '../../domain/customers/history.ts';
import type { IdempotencyRef, StoredResponse, WriteContext } from '../../domain/customers/write-context.ts';
import { decideClaim } from '../idempotency-rows.ts';
import type { SearchQuery } from '../../domain/customers/search-query.ts';
import { extraSettings, type Tenant, type TenantSettings } from '../../domain/tenants/tenant.ts';
import { type ApiKeyRecord } from '../../domain/tenants/secret-keys.ts';
import { checkBatch, CUSTOMER_COLUMNS, customerToRow, rowToCustomer, type CustomerRow } from '../customer-row.ts';
import { HISTORY_COLUMNS, historyRow, rowToAccessToken, rowToClient, rowToHistoryEntry, rowToKey, rowToTenant } from '../record-rows.ts';
import { listFilters, listOrder, type ListDialect } from '../list-sql.ts';
import type {
  Cursor,
  CustomerUpdater,
  HistoryPageQuery,
  IdempotencyClaim,
  IdempotencyClaimRequest,
  InsertManyOptions,
  InsertOutcome,
  ListQuery,
  ListTextField,
  Page,
  SearchPageQuery,
  Store,
} from '../../domain/store-port.ts';
import { Batcher, type BatchOutcome } from '../batcher.ts';
import { isUniqueViolation, unavailableIfDisconnected } from './pg-errors.ts';
import { compileSearch, FOLDED_FIELDS, likeContaining, Params } from './search-sql.ts';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
/** Advisory lock keys (two int4s: 'Clnt' and a purpose), held while migrating or creating the first tenant. */
const LOCK_NAMESPACE = 0x436c6e74;
const MIGRATION_LOCK = 1;
const FIRST_TENANT_LOCK = 2;

type Row = Record<string, unknown>;
type Queryable = pg.Pool | pg.PoolClient;

/** Columns the PostgreSQL schema adds to the shared row: search-only, derived from the customer. */
const PG_COLUMNS = [...CUSTOMER_COLUMNS, 'name_lower', 'phone_lower', 'metadata_lower', 'fields_lower'] as const;
const JSON_COLUMNS = new Set(['address', 'shipping', 'invoice_settings', 'metadata', 'preferred_locales', 'tax_ids', 'contacts']);
const KEY_COLUMNS = new Set(['tenant_id', 'mode', 'id']);

function placeholder(column: string, n: number): string {
  if (JSON_COLUMNS.has(column)) return `$${n}::json`;
  if (column === 'metadata_lower' || column === 'fields_lower') return `$${n}::jsonb`;
  if (column === 'delinquent') return `($${n}::int <> 0)`;
  return `$${n}`;
}

const INSERT_SQL = `INSERT INTO customers (${PG_COLUMNS.join(', ')}) VALUES (${PG_COLUMNS.map((c, i) => placeholder(c, i + 1)).join(', ')})`;
const UPDATE_SQL = (() => {
  const sets = PG_COLUMNS.map((c, i) => [c, i + 1] as const)
    .filter(([c]) => !KEY_COLUMNS.has(c))
    .map(([c, n]) => `${c} = ${placeholder(c, n)}`);
  const n = (c: string) => PG_COLUMNS.indexOf(c as (typeof PG_COLUMNS)[number]) + 1;
  return `UPDATE customers SET ${sets.join(', ')} WHERE tenant_id = $${n('tenant_id')} AND mode = $${n('mode')} AND id = $${n('id')}`;
})();

/** PostgreSQL binds at most 65,535 parameters per statement. */
const MAX_PARAMS = 65_535;
const HISTORY_COLUMN_COUNT = HISTORY_COLUMNS.split(',').length;

/** `INSERT … VALUES (…), (…) ON CONFLICT DO NOTHING` for `rows` customers: returns the keys of those inserted. */
function insertManySql(rows: number): string {
  const tuples = Array.from({ length: rows }, (_, r) => `(${PG_COLUMNS.map((c, i) => placeholder(c, r * PG_COLUMNS.length + i + 1)).join(', ')})`);
  return `INSERT INTO customers (${PG_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING RETURNING tenant_id, mode, id`;
}

function historyManySql(rows: number): string {
  const tuples = Array.from({ length: rows }, (_, r) => `(${Array.from({ length: HISTORY_COLUMN_COUNT }, (_, i) => `$${r * HISTORY_COLUMN_COUNT + i + 1}`).join(', ')})`);
  return `INSERT INTO customer_history (${HISTORY_COLUMNS}) VALUES ${tuples.join(', ')}`;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const customerKey = (c: { tenant_id?: unknown; mode?: unknown; id?: unknown }) => `${String(c.tenant_id)}\0${String(c.mode)}\0${String(c.id)}`;

function rowValues(customer: Customer, enforceUniqueEmail: boolean, deletedAt: number | null = null): unknown[] {
  const row: CustomerRow & Record<string, unknown> = customerToRow(customer, enforceUniqueEmail, deletedAt);
  row.name_lower = customer.name === null ? null : customer.name.toLowerCase();
  row.phone_lower = customer.phone === null ? null : customer.phone.toLowerCase();
  row.metadata_lower = JSON.stringify(Object.fromEntries(Object.entries(customer.metadata).map(([k, v]) => [k, v.toLowerCase()])));
  row.fields_lower = JSON.stringify(
    Object.fromEntries(FOLDED_FIELDS.flatMap((f) => (customer[f] === null ? [] : [[f, (customer[f] as string).toLowerCase()]]))),
  );
  return PG_COLUMNS.map((c) => row[c]);
}

export interface PostgresStoreOptions {
  /** Most connections this process opens (PGPOOL_MAX). */
  poolMax?: number;
  /** Apply pending migrations when opening (default true). */
  migrate?: boolean;
  /** Called with pool errors on idle connections (the database restarting, say); they are not fatal. */
  onPoolError?: (err: Error) => void;
}

/**
 * The production store: PostgreSQL through a `pg` pool. Every statement is parameterised and
 * filters on tenant_id; updates lock the row (SELECT … FOR UPDATE) so concurrent writers from any
 * number of servers serialise per customer. A dropped or refused connection becomes
 * UnavailableError, and the pool reconnects on the next request by itself.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres';
  private closed = false;

  /**
   * Creates arriving together share one transaction: one multi-row INSERT, one history INSERT
   * and one COMMIT for all of them (insertCustomers, so each row succeeds or fails alone).
   */
  private readonly inserts: Batcher<{ customer: Customer; context: WriteContext }, Customer>;
  /** Key lookups arriving together share one query: every request of every surface makes one. */
  private readonly keyLookups: Batcher<string, { key: ApiKeyRecord; tenant: Tenant } | null>;

  private constructor(
    private readonly pool: pg.Pool,
    poolMax: number,
  ) {
    // A quarter of the pool each: reads, updates and other writes keep connections of their own.
    const inFlight = Math.max(1, Math.floor(poolMax / 4));
    const isOutage = (error: unknown) => error instanceof UnavailableError;
    this.inserts = new Batcher((items) => this.insertBatch(items), { maxInFlight: inFlight, maxBatch: 256, isOutage });
    this.keyLookups = new Batcher((hashes) => this.findApiKeys(hashes), { maxInFlight: inFlight, maxBatch: 256, isOutage });
  }

  static async open(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString,
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      application_name: 'clientele',
    });
    // An idle connection the server drops (restart, failover) must not crash the process.
    pool.on('error', (err) => options.onPoolError?.(err));
    // Nor one dropped at any other moment: between being handed out and its first query, the
    // socket can deliver a FATAL (pg_terminate_backend, shutdown) in the same read as the
    // connection's readiness, before anyone could listen. The failure still reaches the query
    // that uses the connection next, and the connection is then discarded.
    pool.on('connect', (client) => client.on('error', () => {}));
    const store = new PostgresStore(pool, options.poolMax ?? 10);
    if (options.migrate ?? true) {
      try {
        await store.migrate();
      } catch (err) {
        await pool.end();
        throw err;
      }
    }
    return store;
  }

  async migrate(): Promise<void> {
    const { client, release } = await this.connect();
    try {
      // Session-level lock: servers starting together wait here, then find nothing left to do.
      await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_NAMESPACE, MIGRATION_LOCK]);
      try {
        await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at bigint NOT NULL)');
        const done = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((r) => r.version as string));
        const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort();
        for (const file of files) {
          const version = file.replace(/\.sql$/, '');
          if (done.has(version)) continue;
          await client.query('BEGIN');
          try {
            await client.query(readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8'));
            await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version, Date.now()]);
            await client.query('COMMIT');
          } catch (err) {
            await client.query('ROLLBACK').catch(() => {});
            throw err;
          }
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_NAMESPACE, MIGRATION_LOCK]).catch(() => {});
      }
    } finally {
      release();
    }
  }

  async ping(): Promise<void> {
    await this.query(this.pool, 'SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  async createTenant(tenant: Tenant, keys: ApiKeyRecord[], onlyIfNone = false, clients: ClientRecord[] = []): Promise<boolean> {
    return this.transaction(async (c) => {
      if (onlyIfNone) {
        // Many servers starting on an empty database: exactly one provisions the first tenant.
        await this.query(c, 'SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, FIRST_TENANT_LOCK]);
        if ((await this.query(c, 'SELECT 1 FROM tenants LIMIT 1')).length > 0) return false;
      }
      await this.query(c, 'INSERT INTO tenants (id, name, created, email_uniqueness, settings) VALUES ($1, $2, $3, $4, $5)', [
        tenant.id, tenant.name, tenant.created, tenant.settings.email_uniqueness, JSON.stringify(extraSettings(tenant.settings)),
      ]);
      for (const key of keys) await this.insertKey(c, key);
      for (const client of clients) await this.insertClient(c, client);
      return true;
    });
  }

  async getTenant(id: string): Promise<Tenant | null> {
    const [row] = await this.query(this.pool, 'SELECT * FROM tenants WHERE id = $1', [id]);
    return row ? rowToTenant(row) : null;
  }

  async deleteEmptyTenant(id: string): Promise<void> {
    await this.transaction(async (c) => {
      // The row lock waits for inserts in flight (they hold FOR KEY SHARE on the tenant).
      await this.query(c, 'SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE', [id]);
      if ((await this.query(c, 'SELECT 1 FROM customers WHERE tenant_id = $1 LIMIT 1', [id])).length > 0) {
        throw new ConflictError(['tenant'], 'The tenant has customers; it cannot be deleted.');
      }
      await this.query(c, 'DELETE FROM access_tokens WHERE tenant_id = $1', [id]);
      await this.query(c, 'DELETE FROM api_clients WHERE tenant_id = $1', [id]);
      await this.query(c, 'DELETE FROM api_keys WHERE tenant_id = $1', [id]);
      await this.query(c, 'DELETE FROM tenants WHERE id = $1', [id]);
    });
  }

  async listTenants(): Promise<Tenant[]> {
    return (await this.query(this.pool, 'SELECT * FROM tenants ORDER BY created, id')).map(rowToTenant);
  }

  async updateTenantSettings(id: string, settings: Partial<TenantSettings>): Promise<Tenant> {
    return this.transaction(async (c) => {
      const [current] = await this.query(c, 'SELECT * FROM tenants WHERE id = $1 FOR UPDATE', [id]);
      if (!current) throw new NotFoundError('tenant', id);
      if (settings.email_uniqueness !== undefined) {
        await this.query(c, 'UPDATE tenants SET email_uniqueness = $1 WHERE id = $2', [settings.email_uniqueness, id]);
        try {
          await this.query(
            c,
            'UPDATE customers SET email_unique = CASE WHEN $1 AND deleted_at IS NULL THEN email_lower END WHERE tenant_id = $2',
            [settings.email_uniqueness === 'enforced', id],
          );
        } catch (err) {
          if (isUniqueViolation(err)) {
            throw new ConflictError(
              ['email_uniqueness'],
              'Cannot enforce unique e-mails: some non-deleted customers share an e-mail address. Resolve the duplicates first.',
            );
          }
          throw err;
        }
      }
      const { email_uniqueness: _, ...extra } = settings;
      if (Object.keys(extra).length > 0) {
        const merged = { ...extraSettings(rowToTenant(current).settings), ...extra };
        await this.query(c, 'UPDATE tenants SET settings = $1 WHERE id = $2', [JSON.stringify(merged), id]);
      }
      const [row] = await this.query(c, 'SELECT * FROM tenants WHERE id = $1', [id]);
      return rowToTenant(row!);
    });
  }

  async findApiKey(hash: string): Promise<{ key: ApiKeyRecord; tenant: Tenant } | null> {
    return this.keyLookups.run(hash);
  }

  private async findApiKeys(hashes: string[]): Promise<BatchOutcome<{ key: ApiKeyRecord; tenant: Tenant } | null>[]> {
    const rows = await this.query(
      this.pool,
      `SELECT k.*, t.name AS tenant_name, t.created AS tenant_created, t.email_uniqueness, t.settings AS tenant_settings
         FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.hash = ANY($1)`,
      [[...new Set(hashes)]],
    );
    const byHash = new Map(rows.map((row) => [row.hash as string, row]));
    return hashes.map((hash) => {
      const row = byHash.get(hash);
      if (!row) return { ok: true, value: null };
      return {
        ok: true,
        value: {
          key: rowToKey(row),
          tenant: rowToTenant({ id: row.tenant_id, name: row.tenant_name, created: row.tenant_created, email_uniqueness: row.email_uniqueness, settings: row.tenant_settings }),
        },
      };
    });
  }

  async rollApiKey(key: ApiKeyRecord, oldExpireAt: number): Promise<void> {
    await this.transaction(async (c) => {
      await this.query(
        c,
        'UPDATE api_keys SET expires_at = least(coalesce(expires_at, $1), $1) WHERE tenant_id = $2 AND mode = $3',
        [oldExpireAt, key.tenant_id, key.mode],
      );
      await this.insertKey(c, key);
    });
  }

  async findClient(id: string): Promise<{ client: ClientRecord; tenant: Tenant } | null> {
    const [row] = await this.query(
      this.pool,
      `SELECT c.*, t.name AS tenant_name, t.created AS tenant_created, t.email_uniqueness, t.settings AS tenant_settings
         FROM api_clients c JOIN tenants t ON t.id = c.tenant_id WHERE c.id = $1`,
      [id],
    );
    if (!row) return null;
    return {
      client: rowToClient(row),
      tenant: rowToTenant({ id: row.tenant_id, name: row.tenant_name, created: row.tenant_created, email_uniqueness: row.email_uniqueness, settings: row.tenant_settings }),
    };
  }

  async rollClient(client: ClientRecord, oldExpireAt: number): Promise<void> {
    await this.transaction(async (c) => {
      await this.query(
        c,
        'UPDATE api_clients SET expires_at = least(coalesce(expires_at, $1), $1) WHERE tenant_id = $2 AND mode = $3',
        [oldExpireAt, client.tenant_id, client.mode],
      );
      await this.insertClient(c, client);
    });
  }

  async insertAccessToken(token: AccessTokenRecord): Promise<void> {
    await this.query(this.pool, 'INSERT INTO access_tokens (tenant_id, hash, client_id, mode, created, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      token.tenant_id, token.hash, token.client_id, token.mode, token.created, token.expires_at,
    ]);
  }

  async findAccessToken(tenantId: string, hash: string): Promise<AccessTokenRecord | null> {
    const [row] = await this.query(this.pool, 'SELECT * FROM access_tokens WHERE tenant_id = $1 AND hash = $2', [tenantId, hash]);
    return row ? rowToAccessToken(row) : null;
  }

  async deleteExpiredAccessTokens(nowSeconds: number): Promise<number> {
    const result = await this.query(this.pool, 'DELETE FROM access_tokens WHERE expires_at < $1 RETURNING 1', [nowSeconds]);
    return result.length;
  }

  private async insertClient(c: Queryable, client: ClientRecord): Promise<void> {
    await this.query(c, 'INSERT INTO api_clients (tenant_id, id, mode, secret_sealed, created, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      client.tenant_id, client.id, client.mode, client.secret_sealed, client.created, client.expires_at,
    ]);
  }

  private async insertKey(c: Queryable, key: ApiKeyRecord): Promise<void> {
    await this.query(c, 'INSERT INTO api_keys (tenant_id, id, mode, hash, last4, created, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      key.tenant_id, key.id, key.mode, key.hash, key.last4, key.created, key.expires_at,
    ]);
  }

  async insertCustomer(customer: Customer, context: WriteContext): Promise<Customer> {
    // A create holding an idempotency key completes it in its own transaction, alone.
    if (context.idempotency) return this.insertOne(customer, context);
    return this.inserts.run({ customer, context });
  }

  private async insertBatch(items: { customer: Customer; context: WriteContext }[]): Promise<BatchOutcome<Customer>[]> {
    if (items.length === 1) {
      const [{ customer, context }] = items as [{ customer: Customer; context: WriteContext }];
      return this.insertOne(customer, context).then(
        (value) => [{ ok: true, value }],
        (error: unknown) => [{ ok: false, error }],
      );
    }
    const outcomes = await this.insertCustomers(items.map((i) => i.customer), items.map((i) => i.context));
    return outcomes.map((o): BatchOutcome<Customer> => {
      if (o.status === 'inserted') return { ok: true, value: o.customer };
      return { ok: false, error: o.status === 'failed' ? o.error : new Error('insert not attempted') };
    });
  }

  private async insertOne(customer: Customer, context: WriteContext): Promise<Customer> {
    return this.transaction(async (c) => {
      const enforce = await this.enforcesUniqueEmail(c, customer.tenant_id);
      await this.writeCustomer(c, INSERT_SQL, customer, enforce);
      await this.recordWrite(c, null, customer, context);
      return customer;
    });
  }

  /**
   * One multi-row INSERT … ON CONFLICT DO NOTHING per ≤ 1,598 customers: the rows it did not
   * insert are the ones that conflict (their id, or their e-mail under uniqueness), told apart by
   * looking their ids up. With `stopAtFirstFailure`, a failure rolls the batch back to its
   * savepoint and the rows before it are inserted again. Should the database refuse a row for
   * any other reason, the batch is retried one row per savepoint, so that row fails alone.
   */
  async insertCustomers(customers: readonly Customer[], contexts: readonly WriteContext[], options: InsertManyOptions = {}): Promise<InsertOutcome[]> {
    checkBatch(customers, contexts);
    if (customers.length === 0) return [];
    const stop = options.stopAtFirstFailure === true;
    return this.transaction(async (c) => {
      const enforce = new Map<string, boolean>();
      for (const tenantId of new Set(customers.map((x) => x.tenant_id))) enforce.set(tenantId, await this.enforcesUniqueEmail(c, tenantId));
      const failures = new Map<number, Error>();
      // A customer with the id of an earlier one of the batch fails before the database sees it.
      const seen = new Set<string>();
      customers.forEach((x, i) => {
        const key = customerKey(x);
        if (seen.has(key)) failures.set(i, new IdTakenError(x.id));
        seen.add(key);
      });
      /** With `stop`: nothing from this index on is inserted. */
      let limit = stop && failures.size > 0 ? Math.min(...failures.keys()) : customers.length;
      const attempted = () => customers.map((_, i) => i).filter((i) => i < limit && !failures.has(i));
      await this.query(c, 'SAVEPOINT insert_many');
      let inserted: number[];
      try {
        for (;;) {
          const candidates = attempted();
          const done = new Set<string>();
          for (const part of chunks(candidates, Math.floor(MAX_PARAMS / PG_COLUMNS.length))) {
            const values = part.flatMap((i) => rowValues(customers[i]!, enforce.get(customers[i]!.tenant_id)!));
            for (const row of await this.query(c, insertManySql(part.length), values)) done.add(customerKey(row));
          }
          const refused = candidates.filter((i) => !done.has(customerKey(customers[i]!)));
          const errors = await this.conflictErrors(c, refused.map((i) => customers[i]!));
          if (stop && refused.length > 0) {
            // Undo the batch; insert again only what came before the first failure.
            await this.query(c, 'ROLLBACK TO SAVEPOINT insert_many');
            limit = refused[0]!;
            failures.set(limit, errors[0]!);
            continue;
          }
          refused.forEach((i, n) => failures.set(i, errors[n]!));
          inserted = candidates.filter((i) => done.has(customerKey(customers[i]!)));
          break;
        }
        const history = inserted.map((i) => historyRow(historyEntry(null, customers[i]!, contexts[i]!)));
        for (const part of chunks(history, Math.floor(MAX_PARAMS / HISTORY_COLUMN_COUNT))) {
          await this.query(c, historyManySql(part.length), part.flat());
        }
      } catch (err) {
        if (err instanceof UnavailableError) throw err;
        await this.query(c, 'ROLLBACK TO SAVEPOINT insert_many');
        inserted = await this.insertOneByOne(c, customers, contexts, enforce, attempted(), failures, stop);
        if (stop && failures.size > 0) limit = Math.min(...failures.keys());
      }
      const ok = new Set(inserted);
      return customers.map((customer, i): InsertOutcome => {
        if (ok.has(i)) return { status: 'inserted', customer };
        const error = failures.get(i);
        return error && (!stop || i <= limit) ? { status: 'failed', error } : { status: 'not_attempted' };
      });
    });
  }

  /** Why each of `refused` was not inserted: its id is taken, or else its e-mail. */
  private async conflictErrors(c: Queryable, refused: Customer[]): Promise<Error[]> {
    if (refused.length === 0) return [];
    const taken = new Set<string>();
    const groups = new Map<string, Customer[]>();
    for (const x of refused) {
      const key = `${x.tenant_id}\0${x.mode}`;
      groups.set(key, [...(groups.get(key) ?? []), x]);
    }
    for (const group of groups.values()) {
      const [first] = group;
      const rows = await this.query(c, 'SELECT tenant_id, mode, id FROM customers WHERE tenant_id = $1 AND mode = $2 AND id = ANY($3)', [
        first!.tenant_id, first!.mode, group.map((x) => x.id),
      ]);
      for (const row of rows) taken.add(customerKey(row));
    }
    return refused.map((x) => (taken.has(customerKey(x)) ? new IdTakenError(x.id) : new EmailTakenError(x.email ?? '')));
  }

  /** The slow path of insertCustomers: each customer in its own savepoint. Returns the indexes inserted. */
  private async insertOneByOne(
    c: Queryable,
    customers: readonly Customer[],
    contexts: readonly WriteContext[],
    enforce: Map<string, boolean>,
    candidates: number[],
    failures: Map<number, Error>,
    stop: boolean,
  ): Promise<number[]> {
    const inserted: number[] = [];
    for (const i of candidates) {
      await this.query(c, 'SAVEPOINT insert_one');
      try {
        await this.writeCustomer(c, INSERT_SQL, customers[i]!, enforce.get(customers[i]!.tenant_id)!);
        await this.recordWrite(c, null, customers[i]!, contexts[i]!);
        await this.query(c, 'RELEASE SAVEPOINT insert_one');
        inserted.push(i);
      } catch (err) {
        if (err instanceof UnavailableError) throw err;
        await this.query(c, 'ROLLBACK TO SAVEPOINT insert_one');
        failures.set(i, err as Error);
        if (stop) break;
      }
    }
    return inserted;
  }

  async analyze(): Promise<void> {
    await this.query(this.pool, 'ANALYZE customers, customer_history');
  }

  async getCustomer(scope: CustomerScope, id: string): Promise<Customer | null> {
    const [row] = await this.query(this.pool, 'SELECT * FROM customers WHERE tenant_id = $1 AND mode = $2 AND id = $3', [
      scope.tenantId, scope.mode, id,
    ]);
    return row ? rowToCustomer(row) : null;
  }

  async updateCustomer(scope: CustomerScope, id: string, update: CustomerUpdater, context: WriteContext): Promise<Customer> {
    return this.transaction(async (c) => {
      // The row lock makes concurrent updates of one customer take turns, across all servers:
      // each one transforms the version the previous one committed.
      const current = await this.lockLiveCustomer(c, scope, id);
      const next = update(current);
      if (next === current) return current;
      await this.writeCustomer(c, UPDATE_SQL, next, await this.enforcesUniqueEmail(c, scope.tenantId));
      await this.recordWrite(c, current, next, context);
      return next;
    });
  }

  async deleteCustomer(scope: CustomerScope, id: string, nowMs: number, context: WriteContext, check?: (current: Customer) => void): Promise<Customer> {
    return this.transaction(async (c) => {
      const current = await this.lockLiveCustomer(c, scope, id);
      check?.(current);
      const next = deletedCustomer(current, nowMs);
      await this.query(c, UPDATE_SQL, rowValues(next, false, nowMs));
      await this.recordWrite(c, current, next, context);
      return next;
    });
  }

  async listCustomerHistory(scope: CustomerScope, customerId: string, query: HistoryPageQuery): Promise<Page<HistoryEntry>> {
    const p = new Params();
    const where = [`tenant_id = ${p.add(scope.tenantId)}`, `mode = ${p.add(scope.mode)}`, `customer_id = ${p.add(customerId)}`];
    if (query.beforeVersion !== undefined) where.push(`version < ${p.add(query.beforeVersion)}`);
    if (query.afterVersion !== undefined) where.push(`version > ${p.add(query.afterVersion)}`);
    const backwards = query.beforeVersion === undefined && query.afterVersion !== undefined;
    const rows = await this.query(
      this.pool,
      `SELECT * FROM customer_history WHERE ${where.join(' AND ')} ORDER BY version ${backwards ? 'ASC' : 'DESC'} LIMIT ${p.add(query.limit + 1)}`,
      p.values,
    );
    const data = rows.slice(0, query.limit).map(rowToHistoryEntry);
    if (backwards) data.reverse();
    return { data, hasMore: rows.length > query.limit };
  }

  async deleteHistoryBefore(tenantId: string, cutoffMs: number): Promise<number> {
    const result = await this.pool.query('DELETE FROM customer_history WHERE tenant_id = $1 AND created < $2', [tenantId, cutoffMs]).catch(unavailableIfDisconnected);
    return result.rowCount ?? 0;
  }

  async claimIdempotencyKey(request: IdempotencyClaimRequest): Promise<IdempotencyClaim> {
    const { ref } = request;
    const lockedUntil = request.nowMs + request.leaseMs;
    return this.transaction(async (c) => {
      // Insert first: of requests racing for a new key, exactly one inserts; the others wait on
      // its row and then read it.
      const inserted = await this.query(
        c,
        `INSERT INTO idempotency_keys (tenant_id, mode, key, fingerprint, owner, locked_until, created, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING 1`,
        [ref.tenantId, ref.mode, ref.key, request.fingerprint, request.owner, lockedUntil, request.nowMs, request.nowMs + request.ttlMs],
      );
      if (inserted.length === 1) return { state: 'claimed' } as const;
      const [row] = await this.query(c, 'SELECT * FROM idempotency_keys WHERE tenant_id = $1 AND mode = $2 AND key = $3 FOR UPDATE', [
        ref.tenantId, ref.mode, ref.key,
      ]);
      const decision = decideClaim(row, request);
      if (decision === 'insert') {
        // The row there has expired: the key starts afresh.
        await this.query(
          c,
          `UPDATE idempotency_keys SET fingerprint = $4, owner = $5, locked_until = $6, created = $7, expires_at = $8,
                  response_status = NULL, response_headers = NULL, response_body = NULL
            WHERE tenant_id = $1 AND mode = $2 AND key = $3`,
          [ref.tenantId, ref.mode, ref.key, request.fingerprint, request.owner, lockedUntil, request.nowMs, request.nowMs + request.ttlMs],
        );
        return { state: 'claimed' } as const;
      }
      if (decision === 'take_over') {
        await this.query(c, 'UPDATE idempotency_keys SET owner = $4, locked_until = $5 WHERE tenant_id = $1 AND mode = $2 AND key = $3', [
          ref.tenantId, ref.mode, ref.key, request.owner, lockedUntil,
        ]);
        return { state: 'claimed' } as const;
      }
      return decision;
    });
  }

  async completeIdempotencyKey(ref: IdempotencyRef, owner: string, response: StoredResponse): Promise<boolean> {
    return this.completeKey(this.pool, ref, owner, response);
  }

  async releaseIdempotencyKey(ref: IdempotencyRef, owner: string): Promise<void> {
    await this.query(
      this.pool,
      'DELETE FROM idempotency_keys WHERE tenant_id = $1 AND mode = $2 AND key = $3 AND owner = $4 AND response_status IS NULL',
      [ref.tenantId, ref.mode, ref.key, owner],
    );
  }

  async deleteExpiredIdempotencyKeys(nowMs: number): Promise<number> {
    const result = await this.pool.query('DELETE FROM idempotency_keys WHERE expires_at <= $1', [nowMs]).catch(unavailableIfDisconnected);
    return result.rowCount ?? 0;
  }

  private async completeKey(c: Queryable, ref: IdempotencyRef, owner: string, response: StoredResponse): Promise<boolean> {
    const rows = await this.query(
      c,
      `UPDATE idempotency_keys SET response_status = $5, response_headers = $6, response_body = $7, owner = NULL, locked_until = NULL
        WHERE tenant_id = $1 AND mode = $2 AND key = $3 AND owner = $4 RETURNING 1`,
      [ref.tenantId, ref.mode, ref.key, owner, response.status, JSON.stringify(response.headers), response.body],
    );
    return rows.length === 1;
  }

  /** The history entry of a write and its idempotency key's response, in the write's transaction. */
  private async recordWrite(c: Queryable, before: Customer | null, after: Customer, context: WriteContext): Promise<void> {
    const row = historyRow(historyEntry(before, after, context));
    await this.query(c, `INSERT INTO customer_history (${HISTORY_COLUMNS}) VALUES (${row.map((_, i) => '$' + (i + 1)).join(', ')})`, row);
    const idempotency = context.idempotency;
    if (idempotency && !(await this.completeKey(c, idempotency.ref, idempotency.owner, idempotency.response(after)))) {
      // Another request took the key over (this one outlived its lease): it must not write twice.
      throw new IdempotencyError('in_progress', idempotency.ref.key);
    }
  }

  async listCustomers(scope: CustomerScope, query: ListQuery): Promise<Page<Customer>> {
    const p = new Params();
    const dialect = postgresListDialect(p);
    const where = [`tenant_id = ${p.add(scope.tenantId)}`, `mode = ${p.add(scope.mode)}`, 'deleted_at IS NULL', ...listFilters(query, dialect)];
    let total: number | undefined;
    if (query.withTotal) {
      const [row] = await this.query(this.pool, `SELECT count(*) AS n FROM customers WHERE ${where.join(' AND ')}`, p.values);
      total = Number(row!.n);
    }
    let backwards = false;
    if (query.startingAfter !== undefined) {
      const cursor = await this.cursorOf(scope, query.startingAfter, 'starting_after');
      where.push(`(created, id) < (${p.add(cursor.created)}, ${p.add(cursor.id)})`);
    } else if (query.endingBefore !== undefined) {
      const cursor = await this.cursorOf(scope, query.endingBefore, 'ending_before');
      where.push(`(created, id) > (${p.add(cursor.created)}, ${p.add(cursor.id)})`);
      backwards = true;
    }
    const order = listOrder(query, dialect, backwards);
    const rows = await this.query(
      this.pool,
      `SELECT * FROM customers WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${p.add(query.limit + 1)} OFFSET ${p.add(query.offset ?? 0)}`,
      p.values,
    );
    const hasMore = rows.length > query.limit;
    const page = rows.slice(0, query.limit).map(rowToCustomer);
    if (backwards) page.reverse();
    const result: Page<Customer> = { data: page, hasMore };
    if (total !== undefined) result.total = total;
    return result;
  }

  async searchCustomers(scope: CustomerScope, query: SearchQuery, page: SearchPageQuery): Promise<Page<Customer>> {
    const p = new Params();
    const where = [`tenant_id = ${p.add(scope.tenantId)}`, `mode = ${p.add(scope.mode)}`, 'deleted_at IS NULL', compileSearch(query, p)];
    let total: number | undefined;
    if (page.withTotal) {
      const [row] = await this.query(this.pool, `SELECT count(*) AS n FROM customers WHERE ${where.join(' AND ')}`, p.values);
      total = Number(row!.n);
    }
    if (page.after) where.push(`(created, id) < (${p.add(page.after.created)}, ${p.add(page.after.id)})`);
    const rows = await this.query(
      this.pool,
      `SELECT * FROM customers WHERE ${where.join(' AND ')} ORDER BY created DESC, id DESC LIMIT ${p.add(page.limit + 1)}`,
      p.values,
    );
    const result: Page<Customer> = { data: rows.slice(0, page.limit).map(rowToCustomer), hasMore: rows.length > page.limit };
    if (total !== undefined) result.total = total;
    return result;
  }

  private async lockLiveCustomer(c: Queryable, scope: CustomerScope, id: string): Promise<Customer> {
    const [row] = await this.query(c, 'SELECT * FROM customers WHERE tenant_id = $1 AND mode = $2 AND id = $3 FOR UPDATE', [
      scope.tenantId, scope.mode, id,
    ]);
    if (!row || row.deleted_at !== null) throw new NotFoundError('customer', id);
    return rowToCustomer(row);
  }

  private async cursorOf(scope: CustomerScope, id: string, param: string): Promise<Cursor> {
    const [row] = await this.query(this.pool, 'SELECT created, id FROM customers WHERE tenant_id = $1 AND mode = $2 AND id = $3', [
      scope.tenantId, scope.mode, id,
    ]);
    if (!row) throw new NotFoundError('customer', id, [param]);
    return { created: Number(row.created), id: row.id as string };
  }

  /**
   * The tenant's setting, read under FOR KEY SHARE: a concurrent change of the setting (which
   * takes FOR UPDATE) waits for this write, and this write waits for it, so none slips between.
   */
  private async enforcesUniqueEmail(c: Queryable, tenantId: string): Promise<boolean> {
    const [row] = await this.query(c, 'SELECT email_uniqueness FROM tenants WHERE id = $1 FOR KEY SHARE', [tenantId]);
    return row?.email_uniqueness !== 'off';
  }

  private async writeCustomer(c: Queryable, sql: string, customer: Customer, enforceUniqueEmail: boolean): Promise<void> {
    try {
      await c.query(sql, rowValues(customer, enforceUniqueEmail));
    } catch (err) {
      if (isUniqueViolation(err, 'customers_email_unique')) throw new EmailTakenError(customer.email ?? '');
      if (isUniqueViolation(err, 'customers_pkey')) throw new IdTakenError(customer.id);
      unavailableIfDisconnected(err);
    }
  }

  /**
   * A connection checked out of the pool, with a listener for its 'error' event: pg-pool listens
   * only while a connection is idle, and a socket that dies while we hold the connection would
   * otherwise be an unhandled 'error' that ends the process. The query in flight still fails (and
   * becomes UnavailableError); `release` then discards the broken connection.
   */
  private async connect(): Promise<{ client: pg.PoolClient; release: (failure?: Error) => void }> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      return unavailableIfDisconnected(err);
    }
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    client.on('error', onError);
    return {
      client,
      release: (failure?: Error) => {
        client.removeListener('error', onError);
        client.release(failure ?? broken);
      },
    };
  }

  private async query(c: Queryable, sql: string, values: unknown[] = []): Promise<Row[]> {
    try {
      return (await c.query(sql, values)).rows as Row[];
    } catch (err) {
      return unavailableIfDisconnected(err);
    }
  }

  /** Runs `fn` in a transaction on one connection; a connection that failed is discarded, not reused. */
  private async transaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const { client, release } = await this.connect();
    let broken: Error | undefined;
    try {
      await this.query(client, 'BEGIN');
      const result = await fn(client);
      await this.query(client, 'COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      throw err;
    } finally {
      release(broken);
    }
  }
}

function postgresListDialect(p: Params): ListDialect {
  const folded = (field: ListTextField) => `${field}_lower`;
  return {
    bind: (value) => p.add(value),
    folded,
    contains: (field, text) => `${folded(field)} LIKE ${p.add(likeContaining(text))}`,
  };
}

