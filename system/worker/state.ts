/**
 * The worker's connection state machine, explicit: every transition the
 * worker makes goes through transition(), and one the table does not allow
 * throws IllegalStateError naming the current state.
 */
import { IllegalStateError } from '../core/errors.js';

export type WorkerState =
  /** Constructed; start() not called yet. */
  | 'idle'
  /** Opening a transport connection. */
  | 'connecting'
  /** Connected; waiting for welcome, then for registered. */
  | 'handshaking'
  /** Registered; re-sent unacked messages and the held-task report; waiting for sync_result. */
  | 'syncing'
  /** Synced: takes assignments, sends everything in the outbox. */
  | 'ready'
  /** Shutting down gracefully: no new work; finishing held tasks and flushing results. */
  | 'draining'
  /** Disconnected; waiting out the reconnect delay. */
  | 'backoff'
  /** Final: stopped by the owner or by a fatal close (see stats().fatalError). */
  | 'stopped';

export const WORKER_STATES: readonly WorkerState[] = ['idle', 'connecting', 'handshaking', 'syncing', 'ready', 'draining', 'backoff', 'stopped'];

const ALLOWED: Record<WorkerState, readonly WorkerState[]> = {
  idle: ['connecting', 'stopped'],
  connecting: ['handshaking', 'backoff', 'stopped'],
  handshaking: ['syncing', 'backoff', 'stopped'],
  syncing: ['ready', 'draining', 'backoff', 'stopped'],
  ready: ['draining', 'backoff', 'stopped'],
  draining: ['backoff', 'stopped'],
  backoff: ['connecting', 'stopped'],
  stopped: [],
};

/** True when `from → to` is a legal transition. */
export function canTransition(from: WorkerState, to: WorkerState): boolean {
  return ALLOWED[from].includes(to);
}

/** Holds the current state and notifies listeners on every change. */
export class StateMachine {
  private current: WorkerState = 'idle';
  private readonly listeners = new Set<(to: WorkerState, from: WorkerState) => void>();

  get state(): WorkerState {
    return this.current;
  }

  /** Moves to `to`, or throws IllegalStateError naming the current state. */
  transition(to: WorkerState): void {
    const from = this.current;
    if (!canTransition(from, to)) {
      throw new IllegalStateError(
        `worker cannot go from state "${from}" to "${to}"; allowed from "${from}": ${ALLOWED[from].join(', ') || 'nothing (final)'}`,
      );
    }
    this.current = to;
    for (const l of [...this.listeners]) {
      try {
        l(to, from);
      } catch {
        // a listener's mistake must not break the worker
      }
    }
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: (to: WorkerState, from: WorkerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
