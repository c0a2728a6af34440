/**
 * The worker's public shapes (deps, stats, stop options) and the wording of
 * the fatal stops, kept apart so worker.ts stays about behaviour.
 */
import type { Buggify } from '../core/buggify.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Cpu } from '../core/cpu.js';
import type { EventSink } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import type { Marks } from '../core/marks.js';
import type { Random } from '../core/random.js';
import type { Transport } from '../core/transport.js';
import { CloseCode, FATAL_CLOSE_CODES } from '../protocol/close-codes.js';
import { PROTOCOL_VERSION, type Welcome } from '../protocol/messages.js';
import type { RawSpawn, TaskKind } from '../tasks/kind.js';
import type { backoffDelay } from './backoff.js';
import type { WorkerState } from './state.js';

/** Everything the worker touches outside itself, injected (seams). */
export interface WorkerDeps {
  transport: Transport;
  clock: Clock;
  random: Random;
  logger: Logger;
  events: EventSink;
  cpu: Cpu;
  /** How tasks start processes (TaskContext.spawn; default node's spawn, system/tasks/child-spawn.ts; the simulation's process table). */
  spawn?: RawSpawn;
  taskKinds: ReadonlyMap<string, TaskKind<unknown>>;
  /** Coverage marks (default noMarks; the simulation counts them). */
  marks?: Marks;
  /** Seeded window-widening (default noBuggify; only the simulation passes a live one). */
  buggify?: Buggify;
  /** Emit an `rtt_sampled` event per round-trip sample (default off; the simulation's checker reads them). */
  traceRtt?: boolean;
  /**
   * Test-only wiring (default: backoff.ts's backoffDelay): lets the harness's
   * broken-variant tests swap in a defective backoff and prove the checker
   * catches it. Production code never passes it.
   */
  backoffDelay?: typeof backoffDelay;
}

/** A snapshot for /metrics, the CLI and the harness. */
export interface WorkerStats {
  state: WorkerState;
  sessionId: string | null;
  /** Successful re-registrations after the first one (each counted once). */
  reconnects: number;
  /** Epoch ms of the current registration, null while disconnected. */
  connectedSince: number | null;
  /** Link lost → registered again, ms, for the latest reconnect. */
  lastReconnectMs: number | null;
  /** Consecutive failed connection attempts (0 when connected). */
  attempt: number;
  running: number;
  /** Finished attempts whose result is not acknowledged yet. */
  heldResults: number;
  /** Messages waiting in the outbox (every kind; at least the bounded ones that count against outboxCapacity). */
  outboxDepth: number;
  /** How many progress/data messages may wait at once; a data message is refused (sendData false) only when they fill it. */
  outboxCapacity: number;
  unacked: number;
  /** Frames handed to the transport on any connection so far (with transportBackedUp, what shows a held outbox that does not flush). */
  framesSent: number;
  /** Whether the current connection's transport buffers at least the high-water mark, so the outbox holds messages back. */
  transportBackedUp: boolean;
  rttMs: number | null;
  /** Smoothed RTT of the current connection (core/rtt.ts), ms. */
  srttMs: number | null;
  /** Heartbeat timeout in force on the current connection (adaptive), ms. */
  heartbeatTimeoutMs: number | null;
  /** Why the worker stopped on its own (bad secret, replaced, ...), else null. */
  fatalError: { code: number; message: string } | null;
}

/**
 * What one connection attempt holds until it registers: made by connect(), dropped at
 * registration or teardown, so an idle connected worker keeps none of it.
 */
export interface Handshake {
  /** Aborts the transport's connect while it is in flight (undefined once it settled). */
  abort: AbortController | undefined;
  /** One deadline for connect + welcome + registered. */
  timer: TimerHandle | undefined;
  /** The welcome as received: both handshake MACs cover its parameters. */
  welcome: Welcome | undefined;
  /** This connection's own challenge, sent in register; the coordinator's proof must cover it. */
  clientNonce: string;
  /** When register went out (monotonic): register → registered is this connection's first RTT sample. */
  registerSentMono: number;
  /** The held-task report went out right behind register (early sync): no sync after registered. */
  earlySynced: boolean;
  /** The 0-RTT register this attempt's upgrade request carried (protocol/hello.ts): with the early sync or not, and whether the welcome said it was taken. */
  hello: { earlySync: boolean; accepted: boolean } | undefined;
}

export interface StopOptions {
  /** Finish held tasks and flush results first (default true). */
  drain?: boolean;
  /** Give up draining after this long (default 30 s). */
  timeoutMs?: number;
}

/**
 * Why a close code means "stop, retrying cannot help", in words; undefined if
 * it does not. 4401 (authentication failed) is not fatal: a corrupted frame
 * fails its signature just like a wrong secret does, so the worker retries
 * with backoff and logs the likely misconfiguration (authFailureHint).
 */
export function fatalReason(code: number, reason: string, workerId: string, lastError: string | undefined): string | undefined {
  // FATAL_CLOSE_CODES alone decides (one list, the one docs/PROTOCOL.md documents); the words below only explain.
  if (!FATAL_CLOSE_CODES.has(code)) return undefined;
  const said = [reason, lastError].filter((s) => s).join('; ');
  const detail = said ? ` (coordinator said: ${said})` : '';
  if (code === CloseCode.UnsupportedVersion) return `unsupported protocol version: this worker speaks version ${PROTOCOL_VERSION}, the coordinator does not${detail}`;
  if (code === CloseCode.Replaced) return `replaced: another process registered with the same worker id "${workerId}"; worker ids must be unique${detail}`;
  return `fatal close code ${code}${detail}`;
}


/** The error logged on every 4401: most often a wrong secret, sometimes a corrupted frame. */
export function authFailureHint(workerId: string, reason: string): string {
  return `authentication failed: the coordinator rejected worker "${workerId}"'s registration or a message signature (${reason || 'no reason given'}); if this repeats, check --secret / SQUALL_SECRET. Retrying with backoff.`;
}

/** `retry-after=<ms>` in a close reason (close 4503), or undefined when absent or not a sane number. */
export function parseRetryAfter(reason: string): number | undefined {
  const m = /retry-after=(\d{1,9})/.exec(reason);
  if (m === null) return undefined;
  const ms = Number(m[1]);
  return Number.isSafeInteger(ms) && ms >= 0 ? ms : undefined;
}

/**
 * The window a retry-after hint is honoured in: [hint, 1.5 * hint], jittered so
 * refused workers do not all come back at once, never beyond the backoff cap
 * (the longest this worker was told to wait between attempts). A hint past
 * what the cap allows keeps the same relative width, [cap / 1.5, cap]: a window
 * clamped to [cap, cap] had no jitter left, and every worker refused in one
 * burst came back at the very same instant, a new herd (lockstep at the cap).
 */
export function retryAfterBounds(hintMs: number, maxMs: number): { floorMs: number; capMs: number } {
  const floorMs = Math.min(hintMs, maxMs / 1.5);
  return { floorMs, capMs: Math.min(maxMs, Math.max(floorMs, hintMs * 1.5)) };
}

/** Rounds to µs for events and metrics. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
