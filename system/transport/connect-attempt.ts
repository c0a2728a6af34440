/**
 * The bookkeeping of one connect attempt, whatever carries it: ws-client.ts
 * over a real socket, the simulated network's handshake
 * (harness/sim/handshake.ts) over a virtual one. It settles once (opened, or
 * failed: refused, reset, timed out, aborted); settling cancels the deadline
 * and the abort listener, and a failed attempt ends its socket, so a connect
 * given up on never completes later as a connection nobody uses (holding a
 * coordinator's handshake slot until its register timeout). Socket I/O stays
 * with the carrier.
 */
import type { ConnectOptions } from '../core/transport.js';
import { MAX_TIMER_MS } from '../core/long-timer.js';

/** What an attempt needs from the socket that carries it. */
export interface AttemptCarrier {
  /** Arms the handshake deadline; returns what cancels it. */
  arm(ms: number, onTimeout: () => void): () => void;
  /** Removes the carrier's own handshake listeners (before the socket is ended or handed over). */
  detach(): void;
  /** Ends the attempt's socket: only for a failed attempt (terminate, or drop what opens later). */
  end(): void;
}

/** The errors an attempt settles with on its own: deadline passed, signal aborted. */
export interface AttemptErrors {
  timeout(): unknown;
  aborted(): unknown;
}

/** One attempt's settlement: `opened` or `failed`, whichever comes first; later calls do nothing. */
export interface ConnectAttempt {
  opened(): void;
  failed(err: unknown): void;
  readonly settled: boolean;
}

/** Watches one attempt: arms its deadline and abort listener; `done` is called once (no error: opened). */
export function watchConnect(opts: Pick<ConnectOptions, 'handshakeTimeoutMs' | 'signal'>, carrier: AttemptCarrier, errors: AttemptErrors, done: (failure: { err: unknown } | undefined) => void): ConnectAttempt {
  let settled = false;
  const settle = (failure: { err: unknown } | undefined): void => {
    if (settled) return;
    settled = true;
    cancel();
    opts.signal?.removeEventListener('abort', onAbort);
    carrier.detach();
    if (failure !== undefined) carrier.end();
    done(failure);
  };
  const onAbort = (): void => settle({ err: errors.aborted() });
  const cancel = carrier.arm(Math.min(opts.handshakeTimeoutMs, MAX_TIMER_MS), () => settle({ err: errors.timeout() }));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    opened: () => settle(undefined),
    failed: (err) => settle({ err }),
    get settled() {
      return settled;
    },
  };
}
