/**
 * Progress of a long CLI job on stderr. On a terminal: one line, redrawn in place at most ten
 * times a second, with a bar, the rows done and the estimated total (from the bytes read and the
 * file's size), the rate and the time left. Elsewhere (a log, a pipe): a plain line at every tenth
 * of the file, or every 10 seconds when the size is unknown or the tenth is slow to come.
 */
import type { Writable } from 'node:stream';

export interface ProgressState {
  /** Bytes of the input read so far (from the start of the file). */
  bytes: number;
  /** The input's size; null when unknown (stdin). */
  totalBytes: number | null;
  /** Where this run started reading (a resumed import starts past the beginning). Default: 0. */
  startBytes?: number;
  /** Rows handled in this run. */
  rows: number;
  failed: number;
}

const TTY_INTERVAL_MS = 100;
const PLAIN_INTERVAL_MS = 10_000;
const BAR = 24;

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class Progress {
  private readonly started = performance.now();
  private startBytes: number | null = null;
  private lastDraw = performance.now();
  private lastTenth = 0;
  private drawn = false;

  constructor(
    private readonly out: Writable & { isTTY?: boolean; columns?: number },
    private readonly label: string,
    private readonly tty = out.isTTY === true,
  ) {}

  update(state: ProgressState): void {
    this.startBytes ??= state.startBytes ?? 0;
    const now = performance.now();
    if (this.tty) {
      if (now - this.lastDraw < TTY_INTERVAL_MS) return;
      this.lastDraw = now;
      const line = this.describe(state, true);
      const width = Math.max(20, (this.out.columns || 120) - 1);
      this.out.write(`\r${line.length > width ? line.slice(0, width) : line}\x1b[K`);
      this.drawn = true;
      return;
    }
    const tenth = state.totalBytes ? Math.floor((state.bytes / state.totalBytes) * 10) : 0;
    if (tenth > this.lastTenth || now - this.lastDraw >= PLAIN_INTERVAL_MS) {
      if (tenth >= 10 && this.lastTenth >= 10) return;
      this.lastTenth = Math.max(this.lastTenth, tenth);
      this.lastDraw = now;
      this.out.write(this.describe(state, false) + '\n');
    }
  }

  /** Clears the terminal line; the caller prints the summary. */
  finish(): void {
    if (this.tty && this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }

  private describe(state: ProgressState, tty: boolean): string {
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? state.rows / seconds : 0;
    const parts: string[] = [];
    let fraction: number | null = null;
    if (state.totalBytes) fraction = Math.min(1, state.bytes / state.totalBytes);
    const readThisRun = state.bytes - (this.startBytes ?? 0);
    let total: number | null = null;
    let eta: number | null = null;
    if (fraction !== null && state.totalBytes && readThisRun > 0) {
      total = (state.rows * (state.totalBytes - (this.startBytes ?? 0))) / readThisRun;
      eta = ((state.totalBytes - state.bytes) * seconds) / readThisRun;
    }
    if (tty) {
      const filled = fraction === null ? 0 : Math.round(fraction * BAR);
      parts.push(`${this.label} [${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}]${fraction === null ? '' : ` ${Math.floor(fraction * 100)}%`}`);
    } else {
      parts.push(`${this.label}:${fraction === null ? '' : ` ${Math.floor(fraction * 100)}%`}`);
    }
    parts.push(total === null ? `${count(state.rows)} rows` : `${count(state.rows)} of ~${count(Math.max(total, state.rows))} rows`);
    parts.push(`${count(rate)} rows/s`);
    if (eta !== null) parts.push(`ETA ${clock(eta)}`);
    if (state.failed > 0) parts.push(`${count(state.failed)} failed`);
    return parts.join(tty ? '  ' : ', ');
  }
}
