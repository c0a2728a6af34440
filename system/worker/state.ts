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

/** Told of every state change before any listener (the worker's channel: what may go out now). */
export interface StateFollower {
  stateChanged(to: WorkerState, from: WorkerState): void;
}

/** Holds the current state and notifies its follower, then listeners, on every change. */
export class StateMachine {
  private current: WorkerState = 'idle';
  /** Made on the first onChange(): most workers never have a listener besides the follower. */
  private listeners: Set<(to: WorkerState, from: WorkerState) => void> | undefined;

  constructor(private readonly follower?: StateFollower) {}

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
    if (this.follower !== undefined) notify(() => this.follower?.stateChanged(to, from));
    if (this.listeners !== undefined) for (const l of [...this.listeners]) notify(() => l(to, from));
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: (to: WorkerState, from: WorkerState) => void): () => void {
    const listeners = (this.listeners ??= new Set());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }
}

function notify(call: () => void): void {
  try {
    call();
  } catch {
    // a listener's mistake must not break the worker
  }
}
