/**
 * The noisy neighbour (issue 15): tenant B's retrieves while tenant A, holding the size's
 * customers, runs worst-case searches at 4 clients. B's throughput is compared with B alone,
 * measured just before in the same run; each load generator is its own process.
 */
import type { Store } from '../src/domain/store-port.ts';
import { newCustomer } from '../src/domain/customers/factory.ts';
import { SYSTEM_WRITE } from '../src/domain/customers/write-context.ts';
import { TenantService } from '../src/domain/tenants/tenant-service.ts';
import { toPrefixed } from '../src/formats/ids.ts';
import { customerPatch } from './data.ts';
import type { DriveResult, DriveSpec } from './drive.ts';
import type { CheckResult, ScenarioResult } from './report.ts';
import type { Timing } from './ceilings.ts';

export const NEIGHBOUR_CUSTOMERS = 1_000;
const NOISY_CLIENTS = 4;
/** The worst case: two substrings that match nothing, so nothing ends a scan early. */
export const WORST_SEARCH = 'name~"xqzw" OR email~"qqzzx"';
/** Worse still: a substring of a field no index serves (every one of A's rows is read and folded). */
export const UNINDEXED_SEARCH = 'description~"xqzw"';
const RATIO_TARGET = 0.7;
const P99_TARGET_MS = 10;

export interface Neighbour {
  key: string;
  ids: string[];
}

/** Tenant B, with its own customers: made before the server starts, as tenant A is. */
export async function makeNeighbour(store: Store): Promise<Neighbour> {
  const made = (await new TenantService(store).create('neighbour'))!;
  const scope = { tenantId: made.tenant.id, mode: 'test' as const };
  const customers = Array.from({ length: NEIGHBOUR_CUSTOMERS }, (_, i) => newCustomer(scope, customerPatch(10_000_000 + i)));
  await store.insertCustomers(customers, customers.map(() => SYSTEM_WRITE));
  return { key: made.secrets.test, ids: customers.map((c) => toPrefixed('cus', c.id)) };
}

export interface NeighbourBench {
  url: string;
  /** Tenant A's key. */
  noisyKey: string;
  neighbour: Neighbour;
  timing: Timing;
  readConnections: number;
  drive(spec: DriveSpec): Promise<DriveResult>;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export async function benchNeighbour(b: NeighbourBench): Promise<{ scenarios: ScenarioResult[]; checks: CheckResult[] }> {
  const retrieve: DriveSpec = {
    url: b.url,
    connections: b.readConnections,
    ...b.timing,
    method: 'GET',
    path: '/v1/customers/__id__',
    headers: { authorization: `Bearer ${b.neighbour.key}` },
    pools: { id: b.neighbour.ids },
  };
  const solo = await b.drive(retrieve);
  const noisy = (search: string): DriveSpec => ({
    url: b.url,
    connections: NOISY_CLIENTS,
    ...b.timing,
    method: 'GET',
    path: `/v1/customers/search?query=${encodeURIComponent(search)}`,
    headers: { authorization: `Bearer ${b.noisyKey}` },
    pools: {},
    timeoutSeconds: 30,
  });
  const crowdedBy = async (search: string) => {
    const [crowded, noise] = await Promise.all([b.drive(retrieve), b.drive(noisy(search))]);
    const noiseFailed = noise.non2xx + noise.errors + noise.timeouts;
    const note =
      `meanwhile tenant A ran ${search} at ${NOISY_CLIENTS} clients: ${noise.requestsPerSecond}/s, p99 ${noise.latencyMs.p99.toFixed(2)} ms` +
      (noiseFailed ? `, ${noiseFailed} answered with an error (${noise.firstFailure?.slice(0, 100) ?? ''})` : '');
    return { crowded, ratio: round2(crowded.requestsPerSecond / solo.requestsPerSecond), note };
  };
  const worst = await crowdedBy(WORST_SEARCH);
  const unindexed = await crowdedBy(UNINDEXED_SEARCH);
  const failed = worst.crowded.non2xx + worst.crowded.errors + worst.crowded.timeouts;
  const scenario = (name: string, r: DriveResult, extra: Partial<ScenarioResult>): ScenarioResult => ({
    name,
    connections: r.connections,
    requestsPerSecond: r.requestsPerSecond,
    p50Ms: r.latencyMs.p50,
    p99Ms: r.latencyMs.p99,
    failed: r.non2xx + r.errors + r.timeouts,
    ...(r.firstFailure ? { failure: r.firstFailure.slice(0, 200) } : {}),
    ceiling: null,
    ratio: null,
    target: null,
    met: null,
    ...extra,
  });
  const scenarios = [
    scenario('neighbour B retrieve, alone', solo, { note: `tenant B: ${NEIGHBOUR_CUSTOMERS.toLocaleString('en-US')} customers` }),
    scenario('neighbour B retrieve, A searching', worst.crowded, {
      ceiling: { name: 'B alone (this run)', perSecond: solo.requestsPerSecond },
      ratio: worst.ratio,
      target: `≥ ${RATIO_TARGET}× alone, p99 < ${P99_TARGET_MS} ms`,
      met: failed === 0 && worst.ratio >= RATIO_TARGET && worst.crowded.latencyMs.p99 < P99_TARGET_MS,
      note: worst.note,
    }),
    scenario('neighbour B retrieve, A unindexed search', unindexed.crowded, {
      ceiling: { name: 'B alone (this run)', perSecond: solo.requestsPerSecond },
      ratio: unindexed.ratio,
      note: `extra, no target: ${unindexed.note}`,
    }),
  ];
  return { scenarios, checks: [] };
}
