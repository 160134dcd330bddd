/**
 * Loads generated customers into a store through the bulk import (`clientele import`'s own
 * `importFile`), and reads a sample of them back for the scenarios.
 *
 * The customers are written to an NDJSON file first (not timed), in Stripe's shape, exactly as a
 * user would hand them to `clientele import`; the import is what is timed.
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { CustomerScope } from '../src/domain/customers/model.ts';
import { importFile } from '../src/cli/import.ts';
import type { Store } from '../src/domain/store-port.ts';
import { customerPatch } from './data.ts';
import { customerIdToWire } from '../src/formats/ids.ts';

export interface LoadResult {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** The NDJSON file's size. */
  fileBytes: number;
  /** Seconds spent writing the file (not part of `seconds`). */
  fileSeconds: number;
}

export interface LoadOptions {
  /** Called now and then with the rows imported so far. */
  progress?: (rows: number) => void;
}

/** Customer i of bench/data.ts as one NDJSON line in Stripe's shape. */
function ndjsonLine(i: number): string {
  const { metadata, ...rest } = customerPatch(i);
  return JSON.stringify({ ...rest, metadata: metadata?.set ?? {} }) + '\n';
}

/** Writes customers 0 … n-1 to `dir/customers.ndjson`, then imports that file into `scope`. */
export async function loadCustomers(store: Store, scope: CustomerScope, n: number, dir: string, options: LoadOptions = {}): Promise<LoadResult> {
  const path = join(dir, 'customers.ndjson');
  const fileStarted = performance.now();
  const out = createWriteStream(path);
  for (let i = 0; i < n; i++) {
    if (!out.write(ndjsonLine(i))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const fileSeconds = (performance.now() - fileStarted) / 1000;
  const fileBytes = (await stat(path)).size;

  const progressEvery = Math.max(10_000, Math.floor(n / 10));
  let nextReport = progressEvery;
  let firstFailure: string | null = null;
  const summary = await importFile(store, scope, path, {
    checkpoint: false,
    actor: 'bench:import',
    onFailure: (failure) => {
      firstFailure ??= `row ${failure.row}: ${failure.field ?? ''} ${failure.message}`;
    },
    onProgress: (p) => {
      if (options.progress && p.rows >= nextReport) {
        options.progress(p.rows);
        nextReport += progressEvery;
      }
    },
  });
  if (summary.imported !== n) {
    throw new Error(`bench import: ${summary.imported} of ${n} rows imported (${summary.failed} failed; first: ${firstFailure ?? 'none'})`);
  }
  return { rows: n, seconds: summary.seconds, rowsPerSecond: summary.rowsPerSecond, fileBytes, fileSeconds };
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
    const page = await store.listCustomers(scope, { limit: 1000, ...(after ? { cursor: { after, field: ['starting_after'] } } : {}) });
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
