import type Database from 'better-sqlite3';
import type { ReadJob, ReadRows } from './read-job.ts';

/** Search builds SQL per query shape: the cache is bounded rather than left to grow forever. */
const MAX_CACHED_STATEMENTS = 1000;

/** Runs read jobs on one connection, preparing each SQL text once. */
export class JobRunner {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  run(job: ReadJob): ReadRows[] {
    const run = () => job.queries.map((q) => this.statement(q.text, q.raw).all(q.values) as ReadRows);
    // One statement is its own snapshot; several share a read transaction.
    return job.queries.length === 1 ? run() : this.db.transaction(run).deferred();
  }

  private statement(sql: string, raw: boolean): Database.Statement {
    const key = raw ? `raw:${sql}` : sql;
    let statement = this.statements.get(key);
    if (!statement) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      statement = this.db.prepare(sql);
      if (raw) statement.raw(true);
      this.statements.set(key, statement);
    }
    return statement;
  }
}
