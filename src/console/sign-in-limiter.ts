/**
 * Sign-in attempts per client address: 10 in any 5 minutes, in this process's memory. It slows
 * guessing a secret key through the console (keys carry 256 bits, so it is no last line); with
 * several servers each counts its own, like the in-memory API limits.
 */
export class SignInLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly max = 10,
    private readonly windowMs = 5 * 60_000,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Counts an attempt; the seconds to wait when it is over the limit, else 0. */
  take(address: string, nowMs = Date.now()): number {
    const recent = (this.attempts.get(address) ?? []).filter((at) => at > nowMs - this.windowMs);
    if (recent.length >= this.max) {
      this.attempts.set(address, recent);
      return Math.max(1, Math.ceil((recent[0]! + this.windowMs - nowMs) / 1000));
    }
    recent.push(nowMs);
    this.attempts.delete(address);
    // Oldest addresses first out: a flood of addresses cannot grow the map without bound.
    if (this.attempts.size >= this.maxAddresses) this.attempts.delete(this.attempts.keys().next().value!);
    this.attempts.set(address, recent);
    return 0;
  }
}
