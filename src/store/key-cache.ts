/**
 * Key lookups remembered between requests, valid while the store's credential epoch (a counter
 * every key or tenant change moves on) stays where it was when they were looked up. Found keys
 * only: a key created a moment ago must work on its first request.
 */
export class KeyCache<T> {
  private readonly entries = new Map<string, T>();
  private epoch: number | null = null;

  constructor(private readonly maxEntries = 10_000) {}

  /** The lookup of `hash`, if remembered at `epoch` (the epoch now); a moved epoch forgets everything. */
  get(hash: string, epoch: number): T | undefined {
    if (epoch !== this.epoch) {
      this.entries.clear();
      this.epoch = epoch;
    }
    return this.entries.get(hash);
  }

  /** Remembers a lookup made at `epoch`, unless the epoch has moved on since. */
  set(hash: string, value: T, epoch: number): void {
    if (epoch !== this.epoch) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(hash, value);
  }
}
