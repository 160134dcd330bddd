import type Database from 'better-sqlite3';

interface Pending {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: the writes that arrive while the event loop is busy are gathered into one
 * transaction, so that N concurrent writes cost one fsync (synchronous=FULL) instead of N.
 *
 * Each write is its own better-sqlite3 transaction function; called inside the group's transaction
 * it runs as a savepoint, so one that throws is rolled back alone and its caller gets its error,
 * while its neighbours go on. Every caller is answered only after the group's COMMIT has returned,
 * that is once its write is durable; if the COMMIT itself fails, every write of the group fails.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  /** Transactions committed (one per group): with `writes`, shows how much grouping happened. */
  commits = 0;
  writes = 0;
  /** Hears each committed group's size (metrics). */
  onBatch: ((size: number) => void) | null = null;

  constructor(
    private readonly db: Database.Database,
    /** Runs in each group's transaction after its writes (a failure fails the whole group). */
    private readonly beforeCommit: () => void = () => {},
    /** Runs when a group's transaction failed to commit. */
    private readonly afterRollback: () => void = () => {},
    private readonly maxGroup = 512,
  ) {}

  /** Runs `write` (a function that writes through `db.transaction`) in the next group. */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: write, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const group = this.queue.splice(0, this.maxGroup);
    this.scheduled = this.queue.length > 0;
    if (this.scheduled) setImmediate(() => this.flush());
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.db
        .transaction(() => {
          for (const write of group) {
            try {
              outcomes.push({ ok: true, value: write.run() });
            } catch (error) {
              outcomes.push({ ok: false, value: error });
            }
          }
          this.beforeCommit();
        })
        .immediate();
    } catch (error) {
      // BEGIN or COMMIT failed: nothing of the group is durable.
      this.afterRollback();
      for (const write of group) write.reject(error);
      return;
    }
    this.commits += 1;
    this.writes += group.length;
    this.onBatch?.(group.length);
    group.forEach((write, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.value);
    });
  }
}
