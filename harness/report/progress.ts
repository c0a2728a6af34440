/**
 * Progress for seed sweeps and long benchmarks. On a terminal (stderr is a
 * TTY) it draws a cli-progress bar; in CI and pipes it prints plain lines
 * instead, at each 10% step or every `intervalMs` (whichever comes first),
 * e.g. "sweep: 12/20 seeds, 1 failed". Always writes to stderr, so `--json`
 * output on stdout stays clean.
 */
import cliProgress from 'cli-progress';
import { InvalidArgumentError } from '../../system/core/index.js';

/** Where progress goes; process.stderr by default. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  total: number;
  /** Prefix of every line, e.g. "sweep". */
  label: string;
  /** Plural noun of what is counted; default "runs". */
  unit?: string;
  stream?: ProgressStream;
  /** Force bar (true) or plain lines (false); default: the stream's isTTY, and never in CI. */
  tty?: boolean;
  /** Plain mode: also print at least this often while ticking; default 10 s. */
  intervalMs?: number;
  /** Clock for plain-mode intervals and the final duration (tests inject one). */
  now?: () => number;
}

/** What one finished item reports. */
export interface TickInfo {
  /** This item failed (a failing seed, a failed benchmark cell). */
  failed?: boolean;
  /** Short text about the item just finished, e.g. "seed 17". */
  detail?: string;
  /** How many items finished; default 1. */
  increment?: number;
}

export interface Progress {
  tick(info?: TickInfo): void;
  /** Ends the bar (or prints the final line). Idempotent. */
  stop(): void;
  readonly done: number;
  readonly failed: number;
}

function fmtDuration(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The TTY bar, started at zero. */
function startBar(stream: ProgressStream, label: string, unit: string, total: number): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: `${label} |{bar}| {value}/{total} ${unit} · {failed} failed · ETA {eta_formatted} {detail}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { failed: 0, detail: '' });
  return bar;
}

/**
 * Plain mode's throttle: after a tick, says whether to print a line (at each
 * 10 % step, every `intervalMs`, or for a named failure) and with what suffix;
 * undefined for no line.
 */
function plainLineThrottle(total: number, intervalMs: number, started: number): (done: number, t: number, info: TickInfo) => string | undefined {
  let lastLineAt = started;
  let lastDecile = 0;
  return (done, t, info) => {
    const decile = total === 0 ? 10 : Math.floor((done * 10) / total);
    const namedFailure = info.failed === true && info.detail !== undefined;
    // The 100 % line is left to stop(), which adds the duration.
    if (done === total && !namedFailure) return undefined;
    if (!(decile > lastDecile || t - lastLineAt >= intervalMs || namedFailure)) return undefined;
    lastDecile = Math.max(lastDecile, decile);
    lastLineAt = t;
    return namedFailure ? ` (failed: ${info.detail})` : '';
  };
}

/** Creates a progress reporter; see the file comment for TTY vs plain behaviour. */
export function createProgress(options: ProgressOptions): Progress {
  const { total, label } = options;
  if (!Number.isInteger(total) || total < 0) {
    throw new InvalidArgumentError(`progress total must be a non-negative integer, got ${total}`, 'total');
  }
  const unit = options.unit ?? 'runs';
  const stream: ProgressStream = options.stream ?? process.stderr;
  const tty = options.tty ?? (stream.isTTY === true && !process.env.CI);
  const now = options.now ?? ((): number => Date.now());
  const started = now();
  const plainLine = plainLineThrottle(total, options.intervalMs ?? 10_000, started);
  let done = 0;
  let failed = 0;
  let stopped = false;

  const status = (): string => `${label}: ${done}/${total} ${unit}, ${failed} failed`;
  const bar = tty ? startBar(stream, label, unit, total) : undefined;

  return {
    get done() {
      return done;
    },
    get failed() {
      return failed;
    },
    tick(info: TickInfo = {}): void {
      if (stopped) return;
      done = Math.min(total, done + (info.increment ?? 1));
      if (info.failed) failed += 1;
      if (bar) {
        bar.update(done, { failed, detail: info.detail ?? '' });
        return;
      }
      const why = plainLine(done, now(), info);
      if (why !== undefined) stream.write(`${status()}${why}\n`);
    },
    stop(): void {
      if (stopped) return;
      stopped = true;
      if (bar) {
        bar.stop();
        return;
      }
      stream.write(`${status()}, done in ${fmtDuration(now() - started)}\n`);
    },
  };
}
