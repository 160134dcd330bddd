import type Database from 'better-sqlite3';
import type { Customer } from '../../domain/customers/model.ts';
import { valuesToCustomer } from '../rows/customer-row.ts';
import type { BoundSql, Statement } from '../sql/dialect.ts';
import { GroupCommit } from './group-commit.ts';
import { TextChanges } from './customer-text.ts';
import { DeliveryWakeups } from '../delivery-wakeups.ts';
import { guard, storeError } from './sqlite-errors.ts';

export type Row = Record<string, unknown>;

/** Search builds SQL per query shape: the caches are bounded rather than left to grow forever. */
const MAX_CACHED_STATEMENTS = 1000;

/**
 * The store's one connection to the database file, with its prepared statements (each prepared
 * once per SQL text) and the three ways a call runs: in autocommit, in a transaction of its own,
 * or as a write through group commit.
 */
export class SqliteConnection {
  /** Exposed for tests and benchmarks: how many writes shared how many commits. */
  readonly group: GroupCommit;
  /** The customers the current group commit wrote, for the substring index. */
  readonly text = new TextChanges(this);
  /** Told when a write queued webhook deliveries: the dispatcher of this process wakes at once. */
  readonly wakeups = new DeliveryWakeups();
  private readonly statements = new Map<string, Database.Statement>();
  /** Statements reading customers as arrays (raw mode, set once when prepared): see valuesToCustomer. */
  private readonly customerStatements = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {
    this.group = new GroupCommit(db, () => this.text.index(), () => this.text.forget());
  }

  prepared(sql: string): Database.Statement {
    return this.cached(this.statements, sql, false);
  }

  row<A extends unknown[]>(statement: Statement<A>, ...args: A): Row | undefined {
    return this.prepared(statement.sqlite).get(statement.values(...args)) as Row | undefined;
  }

  rows<A extends unknown[]>(statement: Statement<A>, ...args: A): Row[] {
    return this.prepared(statement.sqlite).all(statement.values(...args)) as Row[];
  }

  /** Runs a statement that writes; returns how many rows it changed. */
  changes<A extends unknown[]>(statement: Statement<A>, ...args: A): number {
    return this.prepared(statement.sqlite).run(statement.values(...args)).changes;
  }

  customer<A extends unknown[]>(statement: Statement<A>, ...args: A): Customer | undefined {
    const values = this.cached(this.customerStatements, statement.sqlite, true).get(statement.values(...args)) as unknown[] | undefined;
    return values && valuesToCustomer(values);
  }

  /** The rows of a customer page, as arrays for valuesToCustomer. */
  customerRows(query: BoundSql): unknown[][] {
    return this.cached(this.customerStatements, query.text, true).all(query.values) as unknown[][];
  }

  queryRow(query: BoundSql): Row | undefined {
    return this.prepared(query.text).get(query.values) as Row | undefined;
  }

  queryRows(query: BoundSql): Row[] {
    return this.prepared(query.text).all(query.values) as Row[];
  }

  /** `fn`'s statements each in a transaction of its own (SQLite's autocommit). */
  autocommit<T>(fn: () => T): T {
    return guard(fn);
  }

  /** `fn` in a transaction of its own, begun IMMEDIATE: it holds the write lock from its first read. */
  transaction<T>(fn: () => T): T {
    return guard(() => this.db.transaction(fn).immediate());
  }

  /**
   * A customer or key write, through group commit: it shares one transaction (and one fsync) with
   * the writes arriving alongside it, as a savepoint of its own, and resolves once that
   * transaction is durable.
   */
  write<T>(fn: () => T): Promise<T> {
    return this.group.run(() => this.db.transaction(fn).immediate()).catch((err: unknown) => {
      throw storeError(err);
    });
  }

  private cached(cache: Map<string, Database.Statement>, sql: string, raw: boolean): Database.Statement {
    let statement = cache.get(sql);
    if (!statement) {
      if (cache.size >= MAX_CACHED_STATEMENTS) cache.clear();
      statement = this.db.prepare(sql);
      if (raw) statement.raw(true);
      cache.set(sql, statement);
    }
    return statement;
  }
}
