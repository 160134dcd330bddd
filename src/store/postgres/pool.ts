import pg from 'pg';
import type { BoundSql, Statement } from '../sql/dialect.ts';
import { unavailableIfDisconnected } from './pg-errors.ts';

export type Row = Record<string, unknown>;

/**
 * Statements run on the pool (each on a connection of its own, in autocommit) or on one
 * transaction's connection. Every failure to reach the database becomes UnavailableError.
 */
export class PgSession {
  constructor(private readonly on: pg.Pool | pg.PoolClient) {}

  async query(sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
    try {
      return await this.on.query(sql, values);
    } catch (err) {
      return unavailableIfDisconnected(err);
    }
  }

  async rows<A extends unknown[]>(statement: Statement<A>, ...args: A): Promise<Row[]> {
    return (await this.query(statement.postgres, statement.values(...args))).rows as Row[];
  }

  async row<A extends unknown[]>(statement: Statement<A>, ...args: A): Promise<Row | undefined> {
    return (await this.rows(statement, ...args))[0];
  }

  /** Runs a statement that writes; returns how many rows it changed. */
  async changes<A extends unknown[]>(statement: Statement<A>, ...args: A): Promise<number> {
    return (await this.query(statement.postgres, statement.values(...args))).rowCount ?? 0;
  }

  async queryRows(query: BoundSql): Promise<Row[]> {
    return (await this.query(query.text, query.values)).rows as Row[];
  }
}

/** The store's connection pool: statements in autocommit, and transactions that hold one connection from BEGIN to COMMIT. */
export class PostgresPool extends PgSession {
  constructor(private readonly pool: pg.Pool) {
    super(pool);
  }

  /**
   * A connection checked out of the pool, with a listener for its 'error' event: pg-pool listens
   * only while a connection is idle, and a socket that dies while we hold the connection would
   * otherwise be an unhandled 'error' that ends the process. The query in flight still fails (and
   * becomes UnavailableError); `release` then discards the broken connection.
   */
  async connect(): Promise<{ connection: pg.PoolClient; release: (failure?: Error) => void }> {
    let connection: pg.PoolClient;
    try {
      connection = await this.pool.connect();
    } catch (err) {
      return unavailableIfDisconnected(err);
    }
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    connection.on('error', onError);
    return {
      connection,
      release: (failure?: Error) => {
        connection.removeListener('error', onError);
        connection.release(failure ?? broken);
      },
    };
  }

  /** Runs `fn` in a transaction on one connection; a connection that failed is discarded, not reused. */
  async transaction<T>(fn: (tx: PgSession) => Promise<T>): Promise<T> {
    const { connection, release } = await this.connect();
    const tx = new PgSession(connection);
    let broken: Error | undefined;
    try {
      await tx.query('BEGIN');
      const result = await fn(tx);
      await tx.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await connection.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      throw err;
    } finally {
      release(broken);
    }
  }
}
