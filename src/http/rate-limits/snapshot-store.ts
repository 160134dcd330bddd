import { createRequire } from 'node:module';

type StoreCallback = (err: Error | null, result?: { current: number; ttl: number }) => void;
interface LimiterStore {
  incr(key: string, cb: StoreCallback, timeWindow: number, max: number): void;
  read?(key: string, cb: StoreCallback, timeWindow: number, max: number): void;
  child(routeOptions: unknown): LimiterStore;
}
const LibraryLocalStore = createRequire(import.meta.url)('@fastify/rate-limit/store/LocalStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  cache: number,
) => LimiterStore;

/**
 * The library's in-memory store, answering each call with its own copy of the counter. The
 * library's own hands every caller the same mutable object and reads it only after an await, so
 * requests checked in one turn of the event loop all saw the last one's count: 35 requests
 * arriving together against a budget of 25 were all refused, not 10 of them. (Requests arrive
 * together whenever their key lookups resolve in one batch.)
 */
class SnapshotStore implements LimiterStore {
  constructor(private readonly inner: LimiterStore) {}
  incr(key: string, cb: StoreCallback, timeWindow: number, max: number): void {
    this.inner.incr(key, (err, res) => cb(err, res && { current: res.current, ttl: res.ttl }), timeWindow, max);
  }
  read(key: string, cb: StoreCallback, timeWindow: number, max: number): void {
    this.inner.read!(key, (err, res) => cb(err, res && { current: res.current, ttl: res.ttl }), timeWindow, max);
  }
  child(routeOptions: unknown): LimiterStore {
    return new SnapshotStore(this.inner.child(routeOptions));
  }
}

export function snapshotStore(cacheSize: number) {
  return function InMemoryStore() {
    return new SnapshotStore(new LibraryLocalStore(false, false, cacheSize));
  } as unknown as new (params: unknown) => LimiterStore;
}
