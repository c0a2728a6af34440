/**
 * Whether the engine's Store can commit. The first failed commit turns it
 * 'failing': the engine stops dispatching and refuses writes with
 * store_unavailable (HTTP 503), and a probe (a real, tiny write) is retried
 * with capped exponential backoff on the Clock. When a probe commits, the
 * owner's `recovered` callback runs (the engine reloads its state from the
 * store, rolling back whatever failed to commit) and the store is 'ok' again.
 * /readyz and /healthz read status().
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import { ErrorCode, SquallError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/** What /readyz reports about the store. */
export interface StoreHealthStatus {
  ok: boolean;
  /** When the current failure began (clock ms), if failing. */
  failingSince?: number;
  /** The error of the first failed commit, if failing. */
  error?: string;
  /** Failed commits (and probes) since start. */
  failures: number;
  /** Completed recoveries since start. */
  recoveries: number;
}

/** Probe backoff: first retry after MIN, doubling up to MAX. */
const PROBE_MIN_MS = 50;
const PROBE_MAX_MS = 2000;

/** Errors that say the request was wrong, not the disk: they don't make the store unhealthy. */
const LOGICAL = new Set<string>([ErrorCode.Conflict, ErrorCode.NotFound, ErrorCode.InvalidArgument, ErrorCode.IllegalState]);

/** Whether a failed store operation means the store cannot commit (I/O, disk full), rather than a bad request. */
export function isStoreFailure(err: unknown): boolean {
  return !(err instanceof SquallError) || !LOGICAL.has(err.code);
}

/** The error callers of a failed commit get: 503 store_unavailable, saying nothing was changed. */
export function storeUnavailable(err: unknown): SquallError {
  if (err instanceof SquallError && err.code === ErrorCode.StoreUnavailable) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new SquallError(ErrorCode.StoreUnavailable, `the store could not commit (${why}); nothing was changed, retry when /readyz reports ready`, {
    cause: err,
  });
}

/** The failing/ok state machine with its probe loop (see the file comment). */
export class StoreHealth {
  private failing: { since: number; error: string } | undefined;
  private probeTimer: TimerHandle | undefined;
  private delayMs = PROBE_MIN_MS;
  private failures = 0;
  private recoveries = 0;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly probe: () => Promise<void>,
    private readonly recovered: (downMs: number) => Promise<void>,
    private readonly onFailing: (error: string) => void,
    /** Runs once the store is 'ok' again, after `recovered` (the engine sweeps leases that came due meanwhile). */
    private readonly onOk: () => void = () => {},
  ) {}

  get ok(): boolean {
    return this.failing === undefined;
  }

  status(): StoreHealthStatus {
    const base = { ok: this.ok, failures: this.failures, recoveries: this.recoveries };
    return this.failing === undefined ? base : { ...base, failingSince: this.failing.since, error: this.failing.error };
  }

  /** A commit failed: go 'failing' (once) and start probing. */
  failed(err: unknown): void {
    this.failures++;
    if (this.failing !== undefined || this.closed) return;
    const error = err instanceof Error ? err.message : String(err);
    this.failing = { since: this.clock.now(), error };
    this.delayMs = PROBE_MIN_MS;
    this.logger.error({ err }, 'engine: store commit failed; dispatch stopped and writes refused until the store commits again');
    this.onFailing(error);
    this.schedule();
  }

  /** Stops probing (engine closed). */
  close(): void {
    this.closed = true;
    this.probeTimer?.cancel();
    this.probeTimer = undefined;
  }

  private schedule(): void {
    if (this.closed) return;
    this.probeTimer = this.clock.setTimeout(() => {
      this.probeTimer = undefined;
      void this.tryProbe();
    }, this.delayMs);
    this.delayMs = Math.min(PROBE_MAX_MS, this.delayMs * 2);
  }

  private async tryProbe(): Promise<void> {
    const since = this.failing?.since ?? this.clock.now();
    try {
      await this.probe();
      await this.recovered(this.clock.now() - since);
    } catch (err) {
      this.failures++;
      this.logger.warn({ err }, 'engine: store probe failed; still refusing writes');
      this.schedule();
      return;
    }
    this.failing = undefined;
    this.recoveries++;
    this.logger.info({ downMs: this.clock.now() - since }, 'engine: store commits again; state reloaded, dispatch resumed');
    this.onOk();
  }
}
