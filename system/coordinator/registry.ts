/**
 * The worker registry: one entry per worker id, holding at most one live
 * connection and one session. A newer connection under the same id replaces
 * the older one; the older connection's later close is recognised by its
 * connection id and changes nothing (two workers are never merged, and one
 * disconnect never removes another connection's entry).
 *
 * States: connected (a registered connection is attached); disconnected (no
 * connection, gone for less than leaseMs); lost (gone for longer).
 */
import type { SessionId, WorkerId } from '../core/ids.js';
import type { Session } from './session.js';

/** The kinds of a worker not registered yet: none (shared, read-only). */
const NO_KINDS: ReadonlySet<string> = new Set();

/** connected: a registered connection; disconnected: gone < leaseMs; lost: gone longer. */
export type WorkerState = 'connected' | 'disconnected' | 'lost';

/** What the coordinator knows about one worker id (survives its connections). */
export interface WorkerEntry {
  readonly workerId: WorkerId;
  state: WorkerState;
  /** Id of the registered connection currently attached, if any. */
  connectionId: string | undefined;
  session: Session | undefined;
  /** Re-registrations of this (already known) worker. */
  reconnects: number;
  connectedAt: number | undefined;
  disconnectedAt: number | undefined;
  /** Monotonic ms of the disconnect, for the reconnect-duration histogram. */
  disconnectedMono: number | undefined;
  lastSeenAt: number | undefined;
  concurrency: number;
  kinds: ReadonlySet<string>;
  draining: boolean;
  rttMs: number | undefined;
  /**
   * Slots the worker said were busy beyond its live leases: it refused an
   * assignment at its concurrency limit while aborted attempts (a child in
   * its SIGTERM grace) were still ending. Each stale result (an aborted
   * attempt ending) frees one; a new session clears them.
   */
  heldBack: number;
}

/** A worker as the HTTP API lists it. */
export interface WorkerView {
  id: string;
  state: WorkerState;
  reconnects: number;
  connectedAt: number | null;
  disconnectedAt: number | null;
  lastSeenAt: number | null;
  running: number;
  concurrency: number;
  kinds: string[];
  draining: boolean;
  rttMs: number | null;
  sessionId: string | null;
}

/** Worker entries by id; the only place that decides which connection a worker id maps to. */
export class WorkerRegistry {
  private readonly entries = new Map<WorkerId, WorkerEntry>();
  /** Round-robin start for the assignment loop. */
  private rotation = 0;
  /** How many entries are assignable, kept as their state, draining and session change (Entry). */
  private readonly counter = { assignable: 0 };

  get(workerId: WorkerId): WorkerEntry | undefined {
    return this.entries.get(workerId);
  }

  /** Returns the entry, creating it (state disconnected, no connection) if new. */
  getOrCreate(workerId: WorkerId): { entry: WorkerEntry; known: boolean } {
    const existing = this.entries.get(workerId);
    if (existing !== undefined) return { entry: existing, known: true };
    const entry = new Entry(workerId, this.counter);
    this.entries.set(workerId, entry);
    return { entry, known: false };
  }

  /**
   * Marks the entry disconnected if (and only if) connectionId is still its
   * current connection. Returns whether anything changed.
   */
  detach(workerId: WorkerId, connectionId: string, now: number, mono: number): boolean {
    const entry = this.entries.get(workerId);
    if (entry === undefined || entry.connectionId !== connectionId) return false;
    entry.connectionId = undefined;
    entry.state = 'disconnected';
    entry.disconnectedAt = now;
    entry.disconnectedMono = mono;
    entry.session?.detach(now);
    return true;
  }

  all(): WorkerEntry[] {
    return [...this.entries.values()];
  }

  /**
   * The round-robin turn of a pass that can claim nothing (empty ready
   * queue): advances the rotation exactly as assignable() would, in O(1)
   * (the assignable entries are counted as they change).
   */
  idleTurn(): void {
    const n = this.assignableCount;
    if (n > 0) this.rotation = (this.rotation + 1) % n;
  }

  /** How many entries are assignable (connected, registered, not draining), in O(1). */
  get assignableCount(): number {
    return this.counter.assignable;
  }

  /** Whether any assignable entry matches `test` (a scan; the loop asks only when a send backlog is possible). */
  anyAssignable(test: (e: WorkerEntry) => boolean): boolean {
    for (const e of this.entries.values()) if (isAssignable(e) && test(e)) return true;
    return false;
  }

  /**
   * Connected, non-draining workers, rotated by one on every call
   * (round-robin). Built in place (one array, no intermediate copies: a
   * pass used to copy thousands of entries four times), sized by the kept
   * count instead of a counting loop.
   */
  assignable(): WorkerEntry[] {
    const n = this.assignableCount;
    const list = new Array<WorkerEntry>(n);
    if (n === 0) return list;
    this.rotation = (this.rotation + 1) % n;
    let i = (n - this.rotation) % n;
    for (const e of this.entries.values()) {
      if (!isAssignable(e)) continue;
      list[i] = e;
      i = i + 1 === n ? 0 : i + 1;
    }
    return list;
  }

  /** Sum of unacked outbound messages over all sessions. */
  outboxDepth(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.session?.outboxDepth ?? 0;
    return n;
  }

  view(entry: WorkerEntry, running: number): WorkerView {
    return {
      id: entry.workerId,
      state: entry.state,
      reconnects: entry.reconnects,
      connectedAt: entry.connectedAt ?? null,
      disconnectedAt: entry.state === 'connected' ? null : (entry.disconnectedAt ?? null),
      lastSeenAt: entry.lastSeenAt ?? null,
      running,
      concurrency: entry.concurrency,
      kinds: [...entry.kinds].sort(),
      draining: entry.draining,
      rttMs: entry.rttMs ?? null,
      sessionId: (entry.session?.id as SessionId | undefined) ?? null,
    };
  }
}

/** Whether the assignment loop may give this worker work (connected, registered, not draining). */
function isAssignable(e: WorkerEntry): boolean {
  return e.state === 'connected' && !e.draining && e.session !== undefined;
}

/**
 * A registry entry: state, draining and session are accessors, so that every
 * change (bind-session, detach, drain, the heartbeat monitor's lost and
 * session expiry, tests) keeps the registry's count of assignable entries.
 */
class Entry implements WorkerEntry {
  connectionId: string | undefined = undefined;
  reconnects = 0;
  connectedAt: number | undefined = undefined;
  disconnectedAt: number | undefined = undefined;
  disconnectedMono: number | undefined = undefined;
  lastSeenAt: number | undefined = undefined;
  concurrency = 0;
  kinds: ReadonlySet<string> = NO_KINDS;
  rttMs: number | undefined = undefined;
  heldBack = 0;
  private st: WorkerState = 'disconnected';
  private drn = false;
  private sess: Session | undefined = undefined;
  /** Whether this entry is in counter.assignable. */
  private counted = false;

  constructor(
    readonly workerId: WorkerId,
    private readonly counter: { assignable: number },
  ) {}

  get state(): WorkerState {
    return this.st;
  }
  set state(v: WorkerState) {
    this.st = v;
    this.recount();
  }
  get draining(): boolean {
    return this.drn;
  }
  set draining(v: boolean) {
    this.drn = v;
    this.recount();
  }
  get session(): Session | undefined {
    return this.sess;
  }
  set session(v: Session | undefined) {
    this.sess = v;
    this.recount();
  }

  private recount(): void {
    const now = isAssignable(this);
    if (now === this.counted) return;
    this.counted = now;
    this.counter.assignable += now ? 1 : -1;
  }
}
