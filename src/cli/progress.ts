/**
 * Progress of a long CLI job on stderr. On a terminal: a bar drawn by cli-progress, redrawn in
 * place at most ten times a second, with the rows done and the estimated total (from the bytes read
 * and the file's size), the rate and the time left. Elsewhere (a log, a pipe): a plain line at every
 * tenth of the file, or every 10 seconds when the size is unknown or the tenth is slow to come.
 * (cli-progress's own output off a terminal is on a timer only, every 2 s by default: nothing for a
 * short import, and no line for each tenth of a long one.)
 */
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';

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

type Output = Writable & { isTTY?: boolean; columns?: number };

const TERMINAL_FPS = 10;
const PLAIN_INTERVAL_MS = 10_000;
const BAR_CHARACTERS = 24;

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secondsPart = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secondsPart}` : `${minutes}:${secondsPart}`;
}

export class Progress {
  private readonly started = performance.now();
  private startBytes: number | null = null;
  private lastLineAt = performance.now();
  private lastTenth = 0;
  private readonly bar: cliProgress.SingleBar | null;
  private barShown = false;

  constructor(
    private readonly out: Output,
    private readonly label: string,
    tty = out.isTTY === true,
  ) {
    this.bar = tty
      ? new cliProgress.SingleBar({
          stream: out,
          format: '{label} [{bar}]{percent}{details}',
          barsize: BAR_CHARACTERS,
          barCompleteChar: '█',
          barIncompleteChar: '░',
          fps: TERMINAL_FPS,
          clearOnComplete: true, // the caller prints the summary in its place
          linewrap: true, // cut to the terminal's width rather than turning wrapping off
          hideCursor: false,
          gracefulExit: false, // the import handles Ctrl-C itself
        })
      : null;
  }

  update(state: ProgressState): void {
    this.startBytes ??= state.startBytes ?? 0;
    if (this.bar) this.draw(this.bar, state);
    else this.printLine(state);
  }

  /** Clears the terminal line; the caller prints the summary (or a failure) there. */
  finish(): void {
    if (this.barShown) this.bar!.stop();
    this.barShown = false;
  }

  private draw(bar: cliProgress.SingleBar, state: ProgressState): void {
    const fraction = this.fraction(state);
    const payload = {
      label: this.label,
      percent: fraction === null ? '' : ` ${Math.floor(fraction * 100)}%`,
      details: ['', ...this.details(state)].join('  '),
    };
    const total = state.totalBytes || 1;
    const value = fraction === null ? 0 : state.bytes;
    if (this.barShown) bar.update(value, payload);
    else {
      bar.start(total, value, payload);
      this.barShown = true;
    }
  }

  private printLine(state: ProgressState): void {
    const now = performance.now();
    const tenth = state.totalBytes ? Math.floor((state.bytes / state.totalBytes) * 10) : 0;
    if (tenth > this.lastTenth || now - this.lastLineAt >= PLAIN_INTERVAL_MS) {
      if (tenth >= 10 && this.lastTenth >= 10) return;
      this.lastTenth = Math.max(this.lastTenth, tenth);
      this.lastLineAt = now;
      const fraction = this.fraction(state);
      this.out.write([`${this.label}:${fraction === null ? '' : ` ${Math.floor(fraction * 100)}%`}`, ...this.details(state)].join(', ') + '\n');
    }
  }

  private fraction(state: ProgressState): number | null {
    return state.totalBytes ? Math.min(1, state.bytes / state.totalBytes) : null;
  }

  /** Rows (of about how many), rate, time left, failures. */
  private details(state: ProgressState): string[] {
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? state.rows / seconds : 0;
    const readThisRun = state.bytes - (this.startBytes ?? 0);
    let totalRows: number | null = null;
    let secondsLeft: number | null = null;
    if (state.totalBytes && readThisRun > 0) {
      totalRows = (state.rows * (state.totalBytes - (this.startBytes ?? 0))) / readThisRun;
      secondsLeft = ((state.totalBytes - state.bytes) * seconds) / readThisRun;
    }
    const parts = [totalRows === null ? `${count(state.rows)} rows` : `${count(state.rows)} of ~${count(Math.max(totalRows, state.rows))} rows`, `${count(rate)} rows/s`];
    if (secondsLeft !== null) parts.push(`ETA ${clock(secondsLeft)}`);
    if (state.failed > 0) parts.push(`${count(state.failed)} failed`);
    return parts;
  }
}
