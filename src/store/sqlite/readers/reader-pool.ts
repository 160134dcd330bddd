import type { ConnectionLoad } from '../../../domain/store-port.ts';
import { Worker } from 'node:worker_threads';
import { QueryBudgetError, UnavailableError } from '../../../domain/errors.ts';
import { storeError } from '../sqlite-errors.ts';
import type { Reader, ReadJob, ReadRows } from './read-job.ts';

export interface ReaderPoolOptions {
  /** Reader threads, each with its own connection. */
  threads: number;
  /** How long a read may wait and run before it is stopped and answered with QueryBudgetError. */
  budgetMs: number;
  /** Each reader connection's page cache. */
  cacheMiB: number;
  busyTimeoutMs: number;
}

const RESTART_DELAY_MS = 1000;

interface Pending {
  lane: string;
  job: ReadJob;
  resolve(rows: ReadRows[]): void;
  reject(err: unknown): void;
  timer?: NodeJS.Timeout;
}

interface Lane {
  running: number;
  queue: Pending[];
}

// Compiled, the thread is the .js beside this file. From the sources it is the .ts, loaded through
// tsx's loader registered in the thread first (Node 20 threads do not inherit `--import tsx`).
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const THREAD_URL = new URL(FROM_SOURCE ? './reader-thread.ts' : './reader-thread.js', import.meta.url);
const threadEntry = (): [URL | string, { eval?: boolean }] =>
  FROM_SOURCE
    ? [`import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(THREAD_URL.href)}); })`, { eval: true }]
    : [THREAD_URL, {}];

/**
 * Reads off the event loop: a pool of reader threads, so a costly search holds a thread of its
 * own instead of the HTTP thread every other request needs. Fair between lanes (tenants): waiting
 * lanes are served in turn, and one lane never holds more than all threads but one. A read past
 * its budget is answered with QueryBudgetError and its thread replaced (terminated, it stops at
 * its next return to JavaScript; better-sqlite3 offers no sqlite3_interrupt).
 */
export class ReaderPool implements Reader {
  private readonly idle: Worker[] = [];
  private readonly starting = new Set<Worker>();
  private readonly running = new Map<Worker, Pending>();
  private readonly lanes = new Map<string, Lane>();
  /** Lanes with reads waiting, in the order they are next served. */
  private readonly turns: string[] = [];
  private readonly perLane: number;
  private nextId = 0;
  /** Threads start with the first read: a store opened for a CLI command or a test may never read. */
  private started = false;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly options: ReaderPoolOptions,
  ) {
    this.perLane = Math.max(1, options.threads - 1);
  }

  read(lane: string, job: ReadJob): Promise<ReadRows[]> {
    if (this.closed) return Promise.reject(new UnavailableError('The store is closed; retry the request.'));
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.options.threads; i++) this.spawn();
    }
    return new Promise((resolve, reject) => {
      const pending: Pending = { lane, job, resolve, reject };
      pending.timer = setTimeout(() => this.overBudget(pending), this.options.budgetMs);
      const state = this.laneOf(lane);
      state.queue.push(pending);
      if (state.queue.length === 1) this.turns.push(lane);
      this.dispatch();
    });
  }

  load(): ConnectionLoad {
    let waiting = 0;
    for (const lane of this.lanes.values()) waiting += lane.queue.length;
    return { size: this.options.threads, inUse: this.running.size, waiting };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [, pending] of this.running) this.fail(pending, new UnavailableError('The store is closed; retry the request.'));
    for (const lane of this.lanes.values()) for (const pending of lane.queue.splice(0)) this.fail(pending, new UnavailableError('The store is closed; retry the request.'));
    const threads = [...this.idle, ...this.running.keys(), ...this.starting];
    this.starting.clear();
    this.idle.length = 0;
    this.running.clear();
    await Promise.all(threads.map((t) => t.terminate()));
  }

  private dispatch(): void {
    let passes = this.turns.length;
    while (this.idle.length > 0 && passes-- > 0) {
      const lane = this.turns.shift()!;
      const state = this.lanes.get(lane)!;
      if (state.running >= this.perLane) {
        this.turns.push(lane);
        continue;
      }
      const pending = state.queue.shift()!;
      if (state.queue.length > 0) this.turns.push(lane);
      passes = this.turns.length;
      state.running++;
      const thread = this.idle.pop()!;
      this.running.set(thread, pending);
      thread.postMessage({ id: ++this.nextId, job: pending.job });
    }
  }

  /** Starts a thread; it joins the idle ones once it says it is ready. */
  private spawn(): Worker {
    const { file, options } = this;
    const [entry, how] = threadEntry();
    const thread = new Worker(entry, { ...how, workerData: { file, busyTimeoutMs: options.busyTimeoutMs, cacheMiB: options.cacheMiB } });
    thread.unref();
    this.starting.add(thread);
    thread.on('message', (message: { ready?: true; rows?: ReadRows[]; error?: { message: string; code?: string } }) => {
      // A thread takes reads once its connection is open: a read's budget must not pay for a start.
      if (message.ready) {
        this.starting.delete(thread);
        if (this.closed) return void thread.terminate();
        this.idle.push(thread);
        return this.dispatch();
      }
      const pending = this.running.get(thread);
      if (!pending) return;
      this.finish(thread, pending);
      // As a read on the calling thread (guard): a locked or failing database is unavailable, not a crash.
      if (message.error) pending.reject(storeError(Object.assign(new Error(message.error.message), { code: message.error.code })));
      else pending.resolve(message.rows!);
    });
    thread.on('error', (err) => this.lost(thread, err));
    thread.on('exit', () => this.lost(thread, new Error('reader thread exited')));
    return thread;
  }

  /** The read's thread is free again (or replaced), and its lane may run another. */
  private finish(thread: Worker, pending: Pending, replace = false): void {
    clearTimeout(pending.timer);
    this.running.delete(thread);
    this.lanes.get(pending.lane)!.running--;
    this.release(pending.lane);
    if (this.closed) return;
    if (replace) this.spawn();
    else {
      this.idle.push(thread);
      this.dispatch();
    }
  }

  private overBudget(pending: Pending): void {
    const lane = this.lanes.get(pending.lane);
    const queued = lane?.queue.indexOf(pending) ?? -1;
    if (queued >= 0) {
      lane!.queue.splice(queued, 1);
      if (lane!.queue.length === 0) this.turns.splice(this.turns.indexOf(pending.lane), 1);
      this.release(pending.lane);
    } else {
      const thread = [...this.running].find(([, p]) => p === pending)?.[0];
      if (!thread) return;
      this.finish(thread, pending, true);
      void thread.terminate();
    }
    pending.reject(new QueryBudgetError(this.options.budgetMs));
  }

  private lost(thread: Worker, err: unknown): void {
    if (this.starting.delete(thread)) {
      // It failed to open its connection: try again shortly; meanwhile reads wait (within their budget).
      if (!this.closed) setTimeout(() => !this.closed && this.spawn(), RESTART_DELAY_MS).unref();
      return;
    }
    const pending = this.running.get(thread);
    const idleAt = this.idle.indexOf(thread);
    if (idleAt >= 0) {
      this.idle.splice(idleAt, 1);
      if (!this.closed) this.spawn();
    }
    if (!pending) return;
    this.finish(thread, pending, true);
    pending.reject(new UnavailableError('A reader stopped; retry the request.', { cause: err }));
  }

  private fail(pending: Pending, err: unknown): void {
    clearTimeout(pending.timer);
    pending.reject(err);
  }

  private laneOf(lane: string): Lane {
    let state = this.lanes.get(lane);
    if (!state) this.lanes.set(lane, (state = { running: 0, queue: [] }));
    return state;
  }

  /** Forgets a lane with nothing running or waiting: lanes are tenants, and tenants come and go. */
  private release(lane: string): void {
    const state = this.lanes.get(lane);
    if (state && state.running === 0 && state.queue.length === 0) this.lanes.delete(lane);
  }
}
