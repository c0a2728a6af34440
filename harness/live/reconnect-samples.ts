/**
 * Reconnect times measured from worker events after a heal, shared by the
 * live runner and the reconnection benchmark. For every worker that was not
 * synced at the heal instant: `ms` = its first `synced` after heal minus heal;
 * `beyondBackoffMs` = that `synced` minus the start of the successful attempt,
 * i.e. minus max(heal, end of the backoff delay it had chosen before that
 * attempt); `failedAttempts` = connection attempts after heal (or in flight at
 * heal) that did not register. All stamps are monotonic ms (monoNow()).
 */
import type { SystemEvent } from '../../system/core/index.js';

export interface HealSample {
  workerId: string;
  ms: number;
  beyondBackoffMs: number;
  failedAttempts: number;
  /** Stamp of the `synced` event measured. */
  syncedAt: number;
  /** Start of the successful attempt (max(heal, end of its backoff delay)). */
  attemptStart: number;
  /** Stamp of the `connected` (registered) event before that `synced`, if seen. */
  connectedAt?: number;
}

export interface HealMeasurement {
  samples: HealSample[];
  /** Workers down at heal that never synced in the events given. */
  neverSynced: string[];
}

type Stamped = { mono: number; event: SystemEvent };

/** The connection events of each worker (optionally only `workers`), in stamp order. */
function connectionEventsByWorker(events: readonly Stamped[], workers: ReadonlySet<string> | undefined): Map<string, Stamped[]> {
  const byWorker = new Map<string, Stamped[]>();
  for (const e of events) {
    const t = e.event.type;
    if (t !== 'synced' && t !== 'disconnected' && t !== 'backoff' && t !== 'connecting' && t !== 'connected') continue;
    const id = e.event.source;
    if (workers !== undefined && !workers.has(id)) continue;
    let list = byWorker.get(id);
    if (list === undefined) byWorker.set(id, (list = []));
    list.push(e);
  }
  return byWorker;
}

/** A worker's state at the heal instant, replayed from its events before it. */
interface StateAtHeal {
  up: boolean;
  /** An attempt had started (connecting) and not yet ended in a backoff. */
  inFlight: boolean;
  lastBackoffEnd: number | undefined;
}

function stateAtHeal(list: readonly Stamped[], heal: number): StateAtHeal {
  const state: StateAtHeal = { up: false, inFlight: false, lastBackoffEnd: undefined };
  for (const e of list) {
    if (e.mono >= heal) break;
    const ev = e.event;
    if (ev.type === 'synced') state.up = true;
    else if (ev.type === 'disconnected') state.up = false;
    else if (ev.type === 'backoff') {
      state.up = false;
      state.inFlight = false;
      state.lastBackoffEnd = e.mono + ev.delayMs;
    } else if (ev.type === 'connecting') state.inFlight = true;
  }
  return state;
}

/** A down worker's first `synced` after heal, with its attempts; undefined if it never synced. */
function sampleAfterHeal(workerId: string, list: readonly Stamped[], heal: number, before: StateAtHeal, failuresFrom: number | undefined): HealSample | undefined {
  const counts = (mono: number): boolean => failuresFrom === undefined || mono >= failuresFrom;
  let lastBackoffEnd = before.lastBackoffEnd;
  let attempts = before.inFlight && failuresFrom === undefined ? 1 : 0;
  let lastCounted = before.inFlight && failuresFrom === undefined;
  let attemptStart = heal;
  let connectedAt: number | undefined;
  for (const e of list) {
    if (e.mono < heal) continue;
    const ev = e.event;
    if (ev.type === 'backoff') lastBackoffEnd = e.mono + ev.delayMs;
    else if (ev.type === 'connecting') {
      lastCounted = counts(e.mono);
      if (lastCounted) attempts++;
      attemptStart = Math.max(heal, lastBackoffEnd ?? heal);
    } else if (ev.type === 'connected') {
      connectedAt = e.mono;
    } else if (ev.type === 'synced') {
      const failedAttempts = Math.max(0, attempts - (lastCounted ? 1 : 0));
      return { workerId, ms: e.mono - heal, beyondBackoffMs: e.mono - attemptStart, failedAttempts, syncedAt: e.mono, attemptStart, ...(connectedAt === undefined ? {} : { connectedAt }) };
    }
  }
  return undefined;
}

/**
 * See the file comment. `events` must be in stamp order; `workers` limits to
 * those ids. `failuresFrom`: count failed attempts only from this stamp (e.g.
 * when the link was confirmed back, so attempts refused while it was being
 * re-enabled do not count as failed handshakes).
 */
export function healSamples(events: readonly Stamped[], heal: number, workers?: ReadonlySet<string>, failuresFrom?: number): HealMeasurement {
  const samples: HealSample[] = [];
  const neverSynced: string[] = [];
  for (const [workerId, list] of connectionEventsByWorker(events, workers)) {
    const before = stateAtHeal(list, heal);
    if (before.up) continue;
    const sample = sampleAfterHeal(workerId, list, heal, before, failuresFrom);
    if (sample === undefined) neverSynced.push(workerId);
    else samples.push(sample);
  }
  return { samples, neverSynced };
}

/**
 * Reconnect samples of a scenario run: from every instant links came back
 * (each fault's stop, for the workers it affected, and the heal phase, for
 * all), each worker's next `synced`. A `synced` reached from several such
 * instants counts once, from the latest of them (the shortest time).
 */
export function restoreSamples(events: readonly Stamped[], restores: readonly { mono: number; workers?: readonly string[] }[]): HealSample[] {
  const best = new Map<string, HealSample>();
  for (const r of restores) {
    for (const s of healSamples(events, r.mono, r.workers === undefined ? undefined : new Set(r.workers)).samples) {
      const key = `${s.workerId}@${s.syncedAt}`;
      const prev = best.get(key);
      if (prev === undefined || s.ms < prev.ms) best.set(key, s);
    }
  }
  return [...best.values()];
}
