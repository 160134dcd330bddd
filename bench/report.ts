/**
 * What a benchmark run found: the printed tables, bench/results/<date>-<store>.json, and the
 * results section of bench/README.md (regenerated from the newest results file of each store).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Throughput } from './ceilings.ts';
import type { LoadResult } from './load.ts';
import type { Rss } from './processes.ts';
import { ROOT } from './processes.ts';

export type StoreKind = 'sqlite' | 'postgres';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  os: string;
  sqlite?: string;
  postgres?: string;
  /** How the server under test ran: the compiled build, or (runs before 2026-12-03) its sources through tsx. */
  server?: string;
}

export interface ScenarioResult {
  name: string;
  connections: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests that failed: non-2xx answers, connection errors, timeouts. */
  failed: number;
  failure?: string;
  ceiling: { name: string; perSecond: number } | null;
  ratio: number | null;
  target: string | null;
  met: boolean | null;
  note?: string;
}

export interface CheckResult {
  what: string;
  value: string;
  target: string;
  met: boolean | null;
}

export interface SizeRun {
  store: StoreKind;
  size: number;
  mode: 'quick' | 'full' | 'custom';
  command: string;
  finishedAt: string;
  secondsPerScenario: number;
  warmupSeconds: number;
  readConnections: number;
  writeConnections: number;
  /** PostgreSQL: PGPOOL_MAX of the server under test. */
  pgPoolMax?: number;
  load: LoadResult & { sampleSeconds: number; note: string };
  rss: { afterStart: Rss | null; afterScenarios: Rss | null; maxSeenMb: number | null };
  /** The machine's 1-minute load average before loading and after the scenarios: other work skews the figures. */
  loadAverage: { before: number; after: number };
  ceilings: Record<string, Throughput>;
  scenarios: ScenarioResult[];
  checks: CheckResult[];
  machineCores?: number;
}

export interface ResultsFile {
  store: StoreKind;
  date: string;
  machine: Machine;
  /** Keyed by customer count; a later run of the same size that day replaces the earlier one. */
  runs: Record<string, SizeRun>;
}

export const RESULTS_DIR = join(ROOT, 'bench', 'results');
const README = join(ROOT, 'bench', 'README.md');
const START = '<!-- results:start -->';
const END = '<!-- results:end -->';

/** A rate as printed: whole numbers, but a tenth where it is below 10 (a search answering 0.4 per second is not 0). */
export const int = (n: number) => (Math.abs(n) < 10 && n !== 0 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US'));
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');
const ratio = (r: number | null) => (r === null ? '—' : r.toFixed(2) + '×');
const yesNo = (met: boolean | null) => (met === null ? '—' : met ? 'yes' : 'NO');
export const sizeLabel = (n: number) => (n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n % 1000 === 0 ? `${n / 1000}k` : String(n));
const storeLabel = (s: StoreKind) => (s === 'sqlite' ? 'SQLite' : 'PostgreSQL');

function scenarioRows(run: SizeRun): string[][] {
  return run.scenarios.map((s) => [
    s.name,
    String(s.connections),
    int(s.requestsPerSecond),
    ms(s.p50Ms),
    ms(s.p99Ms),
    s.ceiling ? `${s.ceiling.name} ${int(s.ceiling.perSecond)}/s` : '—',
    ratio(s.ratio),
    s.target ?? '—',
    yesNo(s.met),
    [s.failed > 0 ? `${s.failed} FAILED (${s.failure ?? ''})` : '', s.note ?? ''].filter(Boolean).join('; '),
  ]);
}

const SCENARIO_HEAD = ['scenario', 'conc.', 'req/s', 'p50 ms', 'p99 ms', 'ceiling', 'ratio', 'target', 'met?', 'notes'];

function ceilingRows(run: SizeRun): string[][] {
  return Object.entries(run.ceilings).map(([name, t]) => [name, String(t.concurrency), int(t.perSecond), ms(t.p50Ms), ms(t.p99Ms), t.note ?? '']);
}

const CEILING_HEAD = ['ceiling', 'conc.', 'per s', 'p50 ms', 'p99 ms', 'notes'];

function textTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function markdownTable(head: string[], rows: string[][]): string {
  const esc = (c: string) => c.replaceAll('|', '\\|');
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function summaryLines(run: SizeRun): string[] {
  const rss = run.rss;
  const mb = (r: Rss | null) => (r ? `${r.rssMb} MB` : '—');
  return [
    `import: ${int(run.load.rows)} customers in ${run.load.seconds.toFixed(1)} s = ${int(run.load.rowsPerSecond)} rows/s` +
      (run.load.fileBytes !== undefined ? ` from ${(run.load.fileBytes / 1e6).toFixed(0)} MB of NDJSON` : '') +
      ` — ${run.load.note}; read back for the scenarios in ${run.load.sampleSeconds.toFixed(1)} s`,
    `server RSS: ${mb(rss.afterStart)} after start on the loaded store, ${mb(rss.afterScenarios)} after the scenarios, ` +
      `peak ${rss.afterScenarios ? rss.afterScenarios.peakMb + ' MB' : '—'} (VmHWM)`,
    `machine load average (1 min): ${run.loadAverage.before.toFixed(2)} before loading, ${run.loadAverage.after.toFixed(2)} after the scenarios` +
      ` on ${run.machineCores ?? '?'} cores: the benchmark itself keeps it near the core count; well above means other work competed for the CPU`,
  ];
}

/** The tables of one store and size, for the terminal. */
export function printRun(run: SizeRun): string {
  const title = `${storeLabel(run.store)}, ${int(run.size)} customers in one tenant (${run.mode} run: ${run.secondsPerScenario} s per scenario after ${run.warmupSeconds} s warm-up)`;
  return [
    '',
    title,
    '='.repeat(title.length),
    ...summaryLines(run),
    '',
    textTable(SCENARIO_HEAD, scenarioRows(run)),
    '',
    textTable(['check', 'value', 'target', 'met?'], run.checks.map((c) => [c.what, c.value, c.target, yesNo(c.met)])),
    '',
    textTable(CEILING_HEAD, ceilingRows(run)),
    '',
  ].join('\n');
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Merges the run into bench/results/<date>-<store>.json; returns the file's path. */
export function saveRun(run: SizeRun, machine: Machine): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const date = run.finishedAt.slice(0, 10);
  const file = join(RESULTS_DIR, `${date}-${run.store}.json`);
  const existing: ResultsFile | null = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ResultsFile) : null;
  const next: ResultsFile = { store: run.store, date, machine, runs: { ...(existing?.runs ?? {}), [String(run.size)]: run } };
  writeFileSync(file, JSON.stringify(next, null, 2) + '\n');
  return file;
}

function newestResults(store: StoreKind): { file: string; results: ResultsFile } | null {
  if (!existsSync(RESULTS_DIR)) return null;
  const names = readdirSync(RESULTS_DIR)
    .filter((f) => new RegExp(`^\\d{4}-\\d{2}-\\d{2}-${store}\\.json$`).test(f))
    .sort();
  const newest = names.at(-1);
  if (!newest) return null;
  return { file: newest, results: JSON.parse(readFileSync(join(RESULTS_DIR, newest), 'utf8')) as ResultsFile };
}

function machineLine(m: Machine): string {
  return [
    `${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB`,
    m.os,
    `Node ${m.node}`,
    m.sqlite ? `SQLite ${m.sqlite}` : null,
    m.postgres ? `PostgreSQL ${m.postgres}` : null,
    `server ${m.server ?? 'run from its sources through tsx'}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Rewrites the section between the markers in bench/README.md from the newest results of each store. */
export function refreshReadme(): void {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`bench/README.md has no ${START} … ${END} section`);
  const parts: string[] = [];
  for (const store of ['sqlite', 'postgres'] as const) {
    const newest = newestResults(store);
    if (!newest) {
      parts.push(`### ${storeLabel(store)}\n\nNo results yet.`);
      continue;
    }
    const { results, file } = newest;
    const runs = Object.values(results.runs).sort((a, b) => a.size - b.size);
    for (const run of runs) {
      parts.push(
        [
          `### ${storeLabel(store)}, ${sizeLabel(run.size)} customers — ${run.mode} run, ${run.finishedAt.slice(0, 16).replace('T', ' ')} UTC`,
          '',
          `\`${run.command}\` · ${machineLine(results.machine)} · ${run.secondsPerScenario} s per scenario after ${run.warmupSeconds} s warm-up · ` +
            `[results/${file}](results/${file})`,
          '',
          ...summaryLines(run).map((l) => `- ${l}`),
          '',
          markdownTable(SCENARIO_HEAD, scenarioRows(run)),
          '',
          markdownTable(['check', 'value', 'target', 'met?'], run.checks.map((c) => [c.what, c.value, c.target, yesNo(c.met)])),
          '',
          markdownTable(CEILING_HEAD, ceilingRows(run)),
        ].join('\n'),
      );
    }
  }
  const section = `${START}\n<!-- Generated by \`npm run bench\` (bench/report.ts); edits here are overwritten. -->\n\n${parts.join('\n\n')}\n\n${END}`;
  writeFileSync(README, text.slice(0, start) + section + text.slice(end + END.length));
}
