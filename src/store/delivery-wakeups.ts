/**
 * Tells the dispatchers of this process that deliveries were queued. Calls are coalesced and made
 * on a later turn of the event loop: after the transaction that queued them has committed (a
 * SQLite group commit is one synchronous call), never inside it.
 */
export class DeliveryWakeups {
  private readonly listeners = new Set<() => void>();
  private scheduled = false;

  watch(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  queued(): void {
    if (this.scheduled || this.listeners.size === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      for (const listener of this.listeners) listener();
    });
  }
}
