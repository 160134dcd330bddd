/**
 * Loads generated customers into a store, and reads a sample of them back for the scenarios.
 *
 * This stands in for the bulk import (`clientele import`, not written yet): `loadCustomers` is
 * the one function to swap for it. It goes through the Store interface, as the server does,
 * with many inserts in flight so that SQLite's group commit shares one fsync among them, and a
 * PostgreSQL pool of about the size a server would use.
 */
import { newCustomer, type CustomerScope } from '../src/domain/customer.ts';
import { SYSTEM_WRITE } from '../src/domain/write-context.ts';
import { customerIdToWire } from '../src/http/native/customer-wire.ts';
import type { Store } from '../src/store/store.ts';
import { customerPatch } from './data.ts';

export interface LoadResult {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** SQLite only: how many commits the group commit needed for those rows. */
  commits?: number;
}

export interface LoadOptions {
  /** Inserts in flight at once (default: 1024 on SQLite, 32 on PostgreSQL). */
  concurrency?: number;
  /** Called now and then with the rows written so far. */
  progress?: (rows: number) => void;
}

/** Inserts customers 0 … n-1 of bench/data.ts into `scope`. */
export async function loadCustomers(store: Store, scope: CustomerScope, n: number, options: LoadOptions = {}): Promise<LoadResult> {
  const concurrency = Math.min(n, options.concurrency ?? (store.kind === 'sqlite' ? 1024 : 32));
  const group = (store as { group?: { commits: number } }).group;
  const commitsBefore = group?.commits ?? 0;
  const started = performance.now();
  let next = 0;
  let done = 0;
  const progressEvery = Math.max(10_000, Math.floor(n / 20));
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await store.insertCustomer(newCustomer(scope, customerPatch(i)), SYSTEM_WRITE);
      done++;
      if (options.progress && done % progressEvery === 0) options.progress(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const result: LoadResult = { rows: n, seconds, rowsPerSecond: n / seconds };
  if (group) result.commits = group.commits - commitsBefore;
  return result;
}

export interface SampledCustomer {
  /** `cus_…`, as the API takes it. */
  id: string;
  email: string;
  name: string;
}

export interface Sample {
  /** Customers spread evenly over the whole list, newest first. */
  spread: SampledCustomer[];
  /** Customers from the oldest tenth of the list: cursors for a deep page. */
  deep: SampledCustomer[];
  /** Every customer counted while paging through. */
  total: number;
}

/**
 * Pages through the tenant's whole list (newest first, by cursor, as a client would) and keeps
 * about `size` customers spread evenly over it. It reads back what was loaded, however it was
 * loaded, so it keeps working when the loader becomes the import command.
 */
export async function sampleCustomers(store: Store, scope: CustomerScope, expected: number, size = 20_000): Promise<Sample> {
  const every = Math.max(1, Math.floor(expected / size));
  const spread: SampledCustomer[] = [];
  const deep: SampledCustomer[] = [];
  const deepFrom = Math.floor(expected * 0.9);
  const deepEvery = Math.max(1, Math.floor((expected - deepFrom) / 1000));
  let position = 0;
  let after: string | undefined;
  for (;;) {
    const page = await store.listCustomers(scope, { limit: 1000, ...(after ? { startingAfter: after } : {}) });
    for (const c of page.data) {
      const sampled = { id: customerIdToWire(c.id), email: c.email ?? '', name: c.name ?? '' };
      if (position % every === 0) spread.push(sampled);
      // The very oldest customers have no page after them: stop 11 short of the end.
      if (position >= deepFrom && position < expected - 11 && (position - deepFrom) % deepEvery === 0) deep.push(sampled);
      position++;
    }
    if (!page.hasMore || page.data.length === 0) break;
    after = page.data[page.data.length - 1]!.id;
  }
  return { spread, deep, total: position };
}
