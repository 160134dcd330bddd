/**
 * A reader thread: its own read-only connection to the store's file, answering read jobs posted
 * by the ReaderPool. WAL lets it read while the writer commits; each job starts a fresh snapshot,
 * so it sees every write acknowledged before the job was posted.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { registerFunctions } from '../functions.ts';
import type { ReadJob } from './read-job.ts';
import { JobRunner } from './run-job.ts';

const { file, busyTimeoutMs, cacheMiB } = workerData as { file: string; busyTimeoutMs: number; cacheMiB: number };
const db = new Database(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
db.pragma(`cache_size = ${-Math.round(cacheMiB * 1024)}`);
registerFunctions(db);
const runner = new JobRunner(db);

parentPort!.postMessage({ ready: true });
parentPort!.on('message', (message: { id: number; job: ReadJob }) => {
  try {
    parentPort!.postMessage({ id: message.id, rows: runner.run(message.job) });
  } catch (err) {
    const e = err as Error & { code?: string };
    parentPort!.postMessage({ id: message.id, error: { message: e.message, code: e.code, name: e.name } });
  }
});
