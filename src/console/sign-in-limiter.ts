/**
 * Failed sign-ins per client address: after 10 in any 5 minutes, the address waits (successes do
 * not count). It slows guessing a secret key or link through the console (both carry 256 bits, so
 * it is no last line); in this process's memory: with several servers each counts its own, like
 * the in-memory API limits.
 */
export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max = 10,
    private readonly windowMs = 5 * 60_000,
    private readonly maxAddresses = 10_000,
  ) {}

  private recent(address: string, nowMs: number): number[] {
    return (this.failures.get(address) ?? []).filter((at) => at > nowMs - this.windowMs);
  }

  /** Seconds the address must wait before it may try again; 0 when it may now. */
  retryAfter(address: string, nowMs = Date.now()): number {
    const recent = this.recent(address, nowMs);
    if (recent.length < this.max) return 0;
    return Math.max(1, Math.ceil((recent[recent.length - this.max]! + this.windowMs - nowMs) / 1000));
  }

  failed(address: string, nowMs = Date.now()): void {
    const recent = this.recent(address, nowMs);
    recent.push(nowMs);
    this.failures.delete(address);
    // Oldest addresses first out: a flood of addresses cannot grow the map without bound.
    if (this.failures.size >= this.maxAddresses) this.failures.delete(this.failures.keys().next().value!);
    this.failures.set(address, recent);
  }
}
