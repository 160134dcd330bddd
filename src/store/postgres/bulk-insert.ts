import { historyEntry } from '../../domain/customers/history.ts';
import type { Customer } from '../../domain/customers/model.ts';
import type { WriteContext } from '../../domain/customers/write-context.ts';
import { EmailTakenError, IdTakenError, UnavailableError } from '../../domain/errors.ts';
import type { InsertManyOptions, InsertOutcome } from '../../domain/store-port.ts';
import { checkBatch } from '../rows/customer-row.ts';
import { HISTORY_COLUMNS, historyRow } from '../rows/record-rows.ts';
import { POSTGRES, render, statement } from '../sql/dialect.ts';
import { CUSTOMER_WRITES, writeCustomer } from './customer-table.ts';
import { DELIVERIES_CHANNEL, recordWrite } from './history-records.ts';
import { customerEvent, type CustomerEvent } from '../../domain/events/customer-event.ts';
import { EVENT_COLUMNS, eventRow } from '../rows/event-rows.ts';
import type { PgSession, PostgresPool } from './pool.ts';
import { enforcesUniqueEmail } from './tenant-records.ts';

/** PostgreSQL binds at most 65,535 parameters per statement. */
const MAX_PARAMS = 65_535;
const CUSTOMERS_PER_INSERT = Math.floor(MAX_PARAMS / CUSTOMER_WRITES.columns.length);
const HISTORY_PER_INSERT = Math.floor(MAX_PARAMS / HISTORY_COLUMNS.length);
const HISTORY_TUPLE = `(${HISTORY_COLUMNS.map(() => '?').join(', ')})`;
const EVENTS_PER_INSERT = Math.floor(MAX_PARAMS / EVENT_COLUMNS.length);
const EVENT_TUPLE = `(${EVENT_COLUMNS.map(() => '?').join(', ')})`;
const eventsManySql = (rows: number) => render(POSTGRES, `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES ${Array.from({ length: rows }, () => EVENT_TUPLE).join(', ')}`);

/**
 * New customers' events, each queued to every endpoint of its scope that wants customer.created
 * (no earlier delivery of a new customer can exist). The events come as arrays, not read back from
 * their table: a join on it was planned with whatever statistics the table had when small.
 */
const FAN_OUT_NEW = statement(
  (dialect) => `INSERT INTO webhook_deliveries (tenant_id, mode, id, endpoint_id, event_id, customer_id, seq, state, next_attempt_at, created)
    SELECT e.tenant_id, e.mode, ${dialect.deliveryId('e.id', 'w.id')}, w.id, e.id, e.customer_id, e.version, 'ready', e.created, e.created
    FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::bigint[]) AS e(tenant_id, mode, id, customer_id, version, created)
    JOIN webhook_endpoints w ON w.tenant_id = e.tenant_id AND w.mode = e.mode AND w.status = 'enabled' AND (w.event_mask & 1) <> 0`,
  (events: CustomerEvent[]) => [
    events.map((e) => e.tenantId), events.map((e) => e.mode), events.map((e) => e.id), events.map((e) => e.customerId),
    events.map((e) => e.customerVersion), events.map((e) => e.created),
  ],
);

/** Only the customers the database accepted come back: the others conflict (their id, or their e-mail under uniqueness). */
const insertManySql = (rows: number) => `${CUSTOMER_WRITES.insertMany(rows)} ON CONFLICT DO NOTHING RETURNING tenant_id, mode, id`;
const historyManySql = (rows: number) =>
  render(POSTGRES, `INSERT INTO customer_history (${HISTORY_COLUMNS.join(', ')}) VALUES ${Array.from({ length: rows }, () => HISTORY_TUPLE).join(', ')}`);

/** Which of a group of customers of one tenant and mode are there already. */
const EXISTING = statement('SELECT tenant_id, mode, id FROM customers WHERE tenant_id = ? AND mode = ? AND id = ANY(?)', (group: Customer[]) => [
  group[0]!.tenant_id, group[0]!.mode, group.map((customer) => customer.id),
]);

const keyOf = (customer: { tenant_id?: unknown; mode?: unknown; id?: unknown }) => `${String(customer.tenant_id)}\0${String(customer.mode)}\0${String(customer.id)}`;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Store.insertCustomers: one multi-row INSERT … ON CONFLICT DO NOTHING per CUSTOMERS_PER_INSERT
 * customers; the rows it did not insert are the ones that conflict, told apart by looking their
 * ids up. With `stopAtFirstFailure`, a failure rolls the batch back to its savepoint and the rows
 * before it are inserted again. Should the database refuse a row for any other reason, the batch
 * is retried one row per savepoint, so that row fails alone.
 */
export async function insertCustomers(
  pool: PostgresPool,
  customers: readonly Customer[],
  contexts: readonly WriteContext[],
  options: InsertManyOptions,
): Promise<InsertOutcome[]> {
  checkBatch(customers, contexts);
  if (customers.length === 0) return [];
  const stop = options.stopAtFirstFailure === true;
  return pool.transaction(async (tx) => {
    const enforced = new Map<string, boolean>();
    for (const tenantId of new Set(customers.map((customer) => customer.tenant_id))) enforced.set(tenantId, await enforcesUniqueEmail(tx, tenantId));
    const valuesOf = (i: number) => CUSTOMER_WRITES.values(customers[i]!, enforced.get(customers[i]!.tenant_id)!);
    const failures = new Map<number, Error>();
    // A customer with the id of an earlier one of the batch fails before the database sees it.
    const seen = new Set<string>();
    customers.forEach((customer, i) => {
      const key = keyOf(customer);
      if (seen.has(key)) failures.set(i, new IdTakenError(customer.id));
      seen.add(key);
    });
    /** With `stop`: nothing from this index on is inserted. */
    let limit = stop && failures.size > 0 ? Math.min(...failures.keys()) : customers.length;
    const attempted = () => customers.map((_, i) => i).filter((i) => i < limit && !failures.has(i));
    await tx.query('SAVEPOINT insert_many');
    let inserted: number[];
    try {
      for (;;) {
        const candidates = attempted();
        const done = new Set<string>();
        for (const part of chunks(candidates, CUSTOMERS_PER_INSERT)) {
          for (const row of (await tx.query(insertManySql(part.length), part.flatMap(valuesOf))).rows) done.add(keyOf(row));
        }
        const refused = candidates.filter((i) => !done.has(keyOf(customers[i]!)));
        const errors = await conflictErrors(tx, refused.map((i) => customers[i]!));
        if (stop && refused.length > 0) {
          // Undo the batch; insert again only what came before the first failure.
          await tx.query('ROLLBACK TO SAVEPOINT insert_many');
          limit = refused[0]!;
          failures.set(limit, errors[0]!);
          continue;
        }
        refused.forEach((i, n) => failures.set(i, errors[n]!));
        inserted = candidates.filter((i) => done.has(keyOf(customers[i]!)));
        break;
      }
      const history = inserted.map((i) => historyRow(historyEntry(null, customers[i]!, contexts[i]!)));
      for (const part of chunks(history, HISTORY_PER_INSERT)) await tx.query(historyManySql(part.length), part.flat());
      await recordEvents(tx, inserted.flatMap((i) => customerEvent(null, customers[i]!, [], contexts[i]!) ?? []));
    } catch (err) {
      if (err instanceof UnavailableError) throw err;
      await tx.query('ROLLBACK TO SAVEPOINT insert_many');
      inserted = [];
      for (const i of attempted()) {
        const failure = await insertAlone(tx, customers[i]!, contexts[i]!, enforced.get(customers[i]!.tenant_id)!);
        if (!failure) inserted.push(i);
        else failures.set(i, failure);
        if (failure && stop) break;
      }
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

/** The events of new customers, and their deliveries; NOTIFY (at COMMIT) when any was queued. */
async function recordEvents(tx: PgSession, events: CustomerEvent[]): Promise<void> {
  if (events.length === 0) return;
  for (const part of chunks(events, EVENTS_PER_INSERT)) await tx.query(eventsManySql(part.length), part.flatMap(eventRow));
  if ((await tx.changes(FAN_OUT_NEW, events)) > 0) await tx.query(`SELECT pg_notify('${DELIVERIES_CHANNEL}', '')`);
}

/** Why each of `refused` was not inserted: its id is taken, or else its e-mail. */
async function conflictErrors(tx: PgSession, refused: Customer[]): Promise<Error[]> {
  if (refused.length === 0) return [];
  const taken = new Set<string>();
  const byScope = new Map<string, Customer[]>();
  for (const customer of refused) {
    const scope = `${customer.tenant_id}\0${customer.mode}`;
    byScope.set(scope, [...(byScope.get(scope) ?? []), customer]);
  }
  for (const group of byScope.values()) {
    for (const row of await tx.rows(EXISTING, group)) taken.add(keyOf(row));
  }
  return refused.map((customer) => (taken.has(keyOf(customer)) ? new IdTakenError(customer.id) : new EmailTakenError(customer.email ?? '')));
}

/** The slow path: one customer in a savepoint of its own. Returns why it failed, if it did. */
async function insertAlone(tx: PgSession, customer: Customer, context: WriteContext, enforceUniqueEmail: boolean): Promise<Error | undefined> {
  await tx.query('SAVEPOINT insert_one');
  try {
    await writeCustomer(tx, CUSTOMER_WRITES.insert, customer, enforceUniqueEmail);
    await recordWrite(tx, null, customer, context);
    await tx.query('RELEASE SAVEPOINT insert_one');
    return undefined;
  } catch (err) {
    if (err instanceof UnavailableError) throw err;
    await tx.query('ROLLBACK TO SAVEPOINT insert_one');
    return err as Error;
  }
}
