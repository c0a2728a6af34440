/**
 * Promise 35 (hygiene), what the run records for it: every process warning
 * Node emits while a simulated run goes on (MaxListenersExceededWarning from
 * an abort listener never removed, a leaked EventEmitter listener, a
 * deprecation...), and, at the final read, the coordinator's idle gauges
 * (harness/sim/idle-gauges.ts): the intervals its process has armed against
 * those it had when it started listening (and each interval's pace:
 * harness/check/promises-interval-pace.ts), and the dashboard streams its
 * event hub holds against those its clients hold open.
 * harness/check/promises-hygiene.ts judges both.
 */
import type { HistoryRecord, HistoryRecorder } from '../check/history.js';
import type { HeldEntry } from '../check/promises-held.js';
import { isTerminal } from '../../system/core/index.js';
import type { Simulation } from '../sim/index.js';

/** Listens for process warnings until stop() (which first lets warnings already queued on nextTick arrive). */
export function watchWarnings(recorder: HistoryRecorder): { stop(): Promise<void> } {
  const onWarning = (w: Error & { code?: string }): void => {
    const where = (w.stack ?? '').split('\n').slice(1).map((l) => l.trim()).filter((l) => !l.includes('node:internal')).slice(0, 3);
    recorder.recordInfo({ warning: w.name, message: w.message.slice(0, 300), ...(w.code === undefined ? {} : { code: w.code }), where }, 'node');
  };
  process.on('warning', onWarning);
  return {
    stop: async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      process.off('warning', onWarning);
    },
  };
}

/** The coordinator's idle gauges now, as a note (nothing while it is down). */
export function idleGauges(sim: Simulation): Record<string, unknown> | undefined {
  const c = sim.coordinator;
  if (c.instance === null) return undefined;
  return { intervals: c.host.clock.liveIntervals, bootIntervals: c.bootIntervals, hubStreams: c.instance.uiStreams(), openStreams: c.streams.open, intervalPaces: c.host.clock.intervalPaces() };
}

/** What a coordinator's engine or store exposes of its per-execution memory (Engine.heldExecutions, SqliteStore.heldExecutions). */
interface HeldSeams {
  heldExecutions?: () => { work: Record<string, string[]>; index: Record<string, string[]>; leases?: Record<string, string[]> } | Record<string, string[]>;
}

type EngineHeld = { work: Record<string, string[]>; index: Record<string, string[]>; leases?: Record<string, string[]> };

/** Largest number of entries noted (the counts say the rest). */
const MAX_ENTRIES = 40;

/** Each lease token the history names, with its execution, per recorder: the records scanned so far and what they named. */
const ownersByRecorder = new WeakMap<HistoryRecorder, { scanned: number; owners: Map<string, string> }>();

/**
 * Each lease token the history names, with its execution (claims, releases, expiries, results: any
 * event carrying both; a later record wins). Scanned only when a lease-keyed map holds a token (at
 * most final reads none does, and nothing is scanned). The history only grows, so each call scans only the records
 * since the previous one (the refusal watch's samples used to copy and scan all of it).
 */
function leaseOwners(recorder: HistoryRecorder): ReadonlyMap<string, string> {
  let seen = ownersByRecorder.get(recorder);
  if (seen === undefined) ownersByRecorder.set(recorder, (seen = { scanned: 0, owners: new Map() }));
  for (; seen.scanned < recorder.length; seen.scanned++) {
    const { leaseToken, executionId } = (recorder.recordAt(seen.scanned) as HistoryRecord).value as { leaseToken?: unknown; executionId?: unknown };
    if (typeof leaseToken === 'string' && typeof executionId === 'string') seen.owners.set(leaseToken, executionId);
  }
  return seen.owners;
}

/** Every map as [name, role, execution ids, the lease tokens they came from (token-keyed maps)]. */
function heldMaps(engine: EngineHeld | undefined, store: Record<string, string[]> | undefined, recorder: HistoryRecorder): [string, 'work' | 'index', string[], (string | undefined)[]][] {
  const plain = (ids: string[]): (string | undefined)[] => ids.map(() => undefined);
  return [
    ...Object.entries(engine?.work ?? {}).map(([k, ids]): [string, 'work', string[], (string | undefined)[]] => [`engine.${k}`, 'work', ids, plain(ids)]),
    ...Object.entries(engine?.index ?? {}).map(([k, ids]): [string, 'index', string[], (string | undefined)[]] => [`engine.${k}`, 'index', ids, plain(ids)]),
    // Keyed by lease: a lease lives within its execution's life, so these are work maps of the tokens' executions.
    ...Object.entries(engine?.leases ?? {}).map(([k, tokens]): [string, 'work', string[], (string | undefined)[]] => [`engine.${k}`, 'work', tokens.map((t) => leaseOwners(recorder).get(t) ?? t), tokens]),
    ...Object.entries(store ?? {}).map(([k, ids]): [string, 'work', string[], (string | undefined)[]] => [`store.${k}`, 'work', ids, plain(ids)]),
  ];
}

/**
 * The coordinator's per-execution memory now, as a note: every map's size and, for the checker, the
 * entries of ended (work maps) or unknown (every map) executions (`unknownOnly`: unknown ones only,
 * the mid-run sample of refusal-watch.ts). Maps keyed by lease token are resolved to their
 * executions through the recorder's history (a token no event names reads as unknown). Nothing while the
 * coordinator is down.
 */
export function heldMemory(sim: Simulation, recorder: HistoryRecorder, opts: { unknownOnly?: boolean } = {}): Record<string, unknown> | undefined {
  const c = sim.coordinator.instance;
  if (c === null) return undefined;
  const engine = (c.engine as HeldSeams).heldExecutions?.() as EngineHeld | undefined;
  const store = (sim.coordinator.store as HeldSeams | null)?.heldExecutions?.() as Record<string, string[]> | undefined;
  // A submission whose commit is in flight is known (indexed, not yet shown: getExecution answers nothing for it).
  const submitting = new Set(engine?.work.pendingSubmits ?? []);
  const counts: Record<string, number> = {};
  const entries: HeldEntry[] = [];
  for (const [map, role, ids, tokens] of heldMaps(engine, store, recorder)) {
    counts[map] = ids.length;
    for (const [i, id] of ids.entries()) {
      const known = c.engine.getExecution(id)?.status;
      const status = known ?? (submitting.has(id) ? 'submitting' : null);
      const token = tokens[i];
      const bad = status === null || (opts.unknownOnly !== true && role === 'work' && known !== undefined && isTerminal(known));
      if (bad && entries.length < MAX_ENTRIES) entries.push({ map, role, id, status, ...(token === undefined ? {} : { token }) });
    }
  }
  return { counts, entries };
}
