import type { ConnectionLoad } from '../../../domain/store-port.ts';
import type { BoundSql } from '../../sql/dialect.ts';

/** One statement of a read job: its rows as arrays (`raw`, for valuesToCustomer) or as objects. */
export interface ReadQuery extends BoundSql {
  raw: boolean;
}

/**
 * A read: statements run in one read transaction, so they see one snapshot (a page and its total
 * agree). The answer holds each statement's rows, in order.
 */
export interface ReadJob {
  queries: ReadQuery[];
}

export type ReadRows = unknown[][] | Record<string, unknown>[];

/** Where reads run: on the store's own connection, or on a pool of reader threads. */
export interface Reader {
  /** `lane`: whose read this is (a tenant); one lane never holds every reader thread. */
  read(lane: string, job: ReadJob): Promise<ReadRows[]>;
  /** Threads, those reading, and reads waiting for one. */
  load(): ConnectionLoad;
  close(): Promise<void>;
}
