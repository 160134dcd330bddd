/** What one input of a batch came to. */
export type BatchOutcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface BatcherOptions {
  /** Batches running at once; the calls arriving while they all run wait and go together into the next. */
  maxInFlight: number;
  /** Inputs per batch at most. */
  maxBatch: number;
  /**
   * An error that means the store cannot be reached (the pool found no connection in time, the
   * connection broke). When a batch meets one, the calls still queued get it too, at once: they
   * would wait on the same unreachable store, and their callers' own time limit (the pool's
   * connection timeout) would be spent twice over before they even started.
   */
  isOutage?: (error: unknown) => boolean;
}

/**
 * Gathers concurrent calls into batches, for a store whose cost is per round trip and per
 * commit rather than per row. The calls made in one turn of the event loop start together (no
 * timer: an idle store adds no wait); while `maxInFlight` batches run, new calls queue and go
 * as one batch into the first that frees up. Each caller gets its own input's outcome, so one
 * failing input never fails its neighbours; only an error of the batch as a whole (the
 * connection lost, the COMMIT refused) reaches all of them.
 */
export class Batcher<I, O> {
  private queue: { input: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** Batches run, and inputs in them: how much gathering happened. */
  batches = 0;
  items = 0;
  /** Hears each batch's size (metrics). */
  onBatch: ((size: number) => void) | null = null;

  constructor(
    private readonly runBatch: (inputs: I[]) => Promise<BatchOutcome<O>[]>,
    private readonly options: BatcherOptions,
  ) {}

  run(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      this.batches += 1;
      this.items += batch.length;
      this.onBatch?.(batch.length);
      const settle = (outcomes: BatchOutcome<O>[] | null, error?: unknown) => {
        let outage: { error: unknown } | undefined;
        for (const [i, call] of batch.entries()) {
          const outcome = outcomes?.[i];
          if (outcome?.ok) {
            call.resolve(outcome.value);
            continue;
          }
          const failure = outcome ? outcome.error : (error ?? new Error('batch returned no outcome for an input'));
          call.reject(failure);
          if (!outage && this.options.isOutage?.(failure)) outage = { error: failure };
        }
        if (outage) for (const call of this.queue.splice(0)) call.reject(outage.error);
      };
      let started: Promise<BatchOutcome<O>[]>;
      try {
        started = this.runBatch(batch.map((call) => call.input));
      } catch (error) {
        started = Promise.reject(error);
      }
      started
        .then(
          (outcomes) => settle(outcomes),
          (error: unknown) => settle(null, error),
        )
        .finally(() => {
          this.inFlight -= 1;
          this.pump();
        });
    }
  }
}
