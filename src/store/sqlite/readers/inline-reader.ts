import type Database from 'better-sqlite3';
import { guard } from '../sqlite-errors.ts';
import type { ConnectionLoad } from '../../../domain/store-port.ts';
import type { Reader, ReadJob, ReadRows } from './read-job.ts';
import { JobRunner } from './run-job.ts';

/** Reads on the store's own connection, on the calling thread: CLI commands, and `:memory:` databases, which no other connection can open. */
export class InlineReader implements Reader {
  private readonly runner: JobRunner;

  constructor(db: Database.Database) {
    this.runner = new JobRunner(db);
  }

  async read(_lane: string, job: ReadJob): Promise<ReadRows[]> {
    return guard(() => this.runner.run(job));
  }

  load(): ConnectionLoad {
    return { size: 0, inUse: 0, waiting: 0 };
  }

  async close(): Promise<void> {}
}
