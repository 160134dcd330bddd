/**
 * The identity of one import run, from which rows without a Clientele id get their ids: derived
 * from the run's key and the row number, so that a resumed run (same key, from the checkpoint)
 * gives a row the id it got before. Its insert then finds the id taken, and the row is counted as
 * already imported, not imported twice.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface RunIdentity {
  key: string;
  startedMs: number;
  /** 20 bits for the id's random part. */
  salt: number;
  /** 0–999: the millisecond of ids whose time is a row's `created` (whole seconds). */
  millisecond: number;
}

export function runIdentity(key: string, startedMs: number): RunIdentity {
  const digest = createHash('sha256').update(key).digest();
  return { key, startedMs, salt: digest.readUInt32BE(0) & 0xfffff, millisecond: digest.readUInt16BE(4) % 1000 };
}

export function newRunIdentity(): RunIdentity {
  return runIdentity(randomBytes(16).toString('hex'), Date.now());
}

/**
 * The id and creation time of a row that has no Clientele id. The id's time is the row's
 * `created` (or the run's start), its 48 random bits the row number (28 bits) and the run's salt
 * (20 bits): within a run, ids follow the file's order.
 */
export function rowIdentity(run: RunIdentity, row: number, created: number | null): { id: string; created: number } {
  const ms = created === null ? run.startedMs : created * 1000 + run.millisecond;
  const random = (BigInt(row % 2 ** 28) << 20n) | BigInt(run.salt);
  return { id: ((BigInt(ms) << 48n) | random).toString(16).padStart(24, '0'), created: created ?? Math.floor(run.startedMs / 1000) };
}
