/**
 * Swarm faults: random fault schedules drawn from the seed, as TigerBeetle's
 * VOPR does. The schedule is a fast-check arbitrary, so the same code serves
 * two uses: a plain run samples it once from the run's seed (deterministic),
 * and `squall sim --explore` lets fast-check search schedules and shrink a
 * failing one to a minimal schedule (fewer, shorter, milder faults).
 */
import fc from 'fast-check';
import { type Fault, type FaultAction, type Scenario, type Swarm, workerIds } from './schema.js';
import { swarmFaultCount } from './faults.js';
import { COORDINATOR, LINK_SEPARATOR, groupsOf } from './targets.js';

/** A concrete fault of the timeline (no repeat), as runners consume it. */
export type ScheduledFault = Omit<Fault, 'repeat'>;

type ActionName = Swarm['actions'][number];

const PROCESS_ONLY: ReadonlySet<ActionName> = new Set(['pause', 'kill', 'restart', 'clock_skew', 'drain', 'oom_kill', 'disk_full', 'disk_error', 'slow_disk', 'store_thread_death', 'revoke_token']);

const NET = { stream: 'both' as const, toxicity: 1 };

/** Actions a swarm draws with no parameter of their own. */
const FIXED = {
  timeout: { type: 'timeout', timeoutMs: 0, ...NET },
  down: { type: 'down' },
  pause: { type: 'pause' },
  kill: { type: 'kill' },
  restart: { type: 'restart' },
  disk_full: { type: 'disk_full' },
  store_thread_death: { type: 'store_thread_death' },
  oom_kill: { type: 'oom_kill' },
  revoke_token: { type: 'revoke_token' },
} as const satisfies Partial<Record<ActionName, FaultAction>>;

function actionArb(name: ActionName, swarm: Swarm, sides: fc.Arbitrary<string[][]>): fc.Arbitrary<FaultAction> {
  switch (name) {
    case 'latency':
      return fc
        .record({ ms: fc.integer({ min: 1, max: swarm.maxLatencyMs }), jitterMs: fc.integer({ min: 0, max: Math.floor(swarm.maxLatencyMs / 2) }) })
        .map((a) => ({ type: 'latency', ...a, ...NET }));
    case 'bandwidth':
      return fc.integer({ min: 1, max: 1000 }).map((kbps) => ({ type: 'bandwidth', kbps, ...NET }));
    case 'reset_peer':
      return fc.integer({ min: 0, max: 1000 }).map((timeoutMs) => ({ type: 'reset_peer', timeoutMs, ...NET }));
    case 'slow_close':
      return fc.integer({ min: 1, max: 2000 }).map((delayMs) => ({ type: 'slow_close', delayMs, ...NET }));
    case 'slicer':
      return fc
        .record({ averageSize: fc.integer({ min: 1, max: 2048 }), sizeVariation: fc.constant(0), delayUs: fc.integer({ min: 0, max: 1000 }) })
        .map((a) => ({ type: 'slicer', ...a, ...NET }));
    case 'limit_data':
      return fc.integer({ min: 64, max: 1 << 20 }).map((bytes) => ({ type: 'limit_data', bytes, ...NET }));
    case 'corrupt':
      return fc
        .double({ min: 0.001, max: swarm.maxCorruptProbability, noNaN: true })
        .map((p) => ({ type: 'corrupt', probability: Math.round(p * 1000) / 1000, ...NET }));
    case 'partition':
      return fc.tuple(sides, fc.boolean()).map(([groups, oneWay]) => ({ type: 'partition', groups, oneWay }));
    case 'clock_skew':
      return fc.integer({ min: -swarm.maxSkewMs, max: swarm.maxSkewMs }).map((ms) => ({ type: 'clock_skew', ms }));
    case 'drain':
      return fc.integer({ min: 500, max: 30_000 }).map((timeoutMs) => ({ type: 'drain', timeoutMs }));
    case 'disk_error':
      return fc.double({ min: 0.05, max: 1, noNaN: true }).map((p) => ({ type: 'disk_error', probability: Math.round(p * 100) / 100 }));
    case 'slow_disk':
      return fc.integer({ min: 10, max: 400 }).map((maxMs) => ({ type: 'slow_disk', minMs: Math.floor(maxMs / 4), maxMs }));
    default:
      return fc.constant<FaultAction>(FIXED[name]);
  }
}

/** Targets a swarm may pick, by the kinds it allows. */
function targetNames(scenario: Scenario, swarm: Swarm): string[] {
  const ids = workerIds(scenario.fleet);
  const groups = [...groupsOf(scenario.fleet).groups.keys()];
  const out: string[] = [];
  for (const kind of swarm.targets) {
    if (kind === 'workers') out.push(...ids);
    if (kind === 'groups') out.push(...groups, 'all-workers');
    if (kind === 'coordinator') out.push(COORDINATOR);
    if (kind === 'links') out.push(...ids.map((id) => `${id}${LINK_SEPARATOR}${COORDINATOR}`));
  }
  return out.length > 0 ? out : ids;
}

/**
 * The arbitrary of swarm schedules for a scenario (empty when no swarm).
 * exact: always the scenario's fault count (plain runs); otherwise 0..count,
 * so fast-check can shrink a failing schedule to fewer faults.
 */
export function swarmArbitrary(scenario: Scenario, opts: { exact?: boolean } = {}): fc.Arbitrary<ScheduledFault[]> {
  const swarm = scenario.swarm;
  if (swarm === undefined || !swarm.enabled) return fc.constant([]);
  const faultsMs = scenario.phases.faultsMs;
  const n = swarmFaultCount(swarm, faultsMs);
  if (n === 0) return fc.constant([]);
  const ids = workerIds(scenario.fleet);
  const targets = targetNames(scenario, swarm);
  // A partition cuts a random non-empty subset of workers off from the rest (and the coordinator).
  const sides = fc.subarray(ids, { minLength: 1, maxLength: Math.max(1, ids.length - 1) }).map((cut) => [cut, [COORDINATOR]]);
  const one = fc
    .record({
      at: fc.integer({ min: 0, max: Math.max(0, faultsMs - swarm.minDurationMs) }),
      dur: fc.integer({ min: swarm.minDurationMs, max: swarm.maxDurationMs }),
      action: fc.constantFrom(...swarm.actions).chain((a) => actionArb(a, swarm, sides).map((action) => ({ name: a, action }))),
      target: fc.constantFrom(...targets),
    })
    .map(({ at, dur, action, target }): ScheduledFault => {
      // A partition names its sides; a drain acts on workers (the coordinator cannot drain: its workers do).
      const t = action.name === 'partition' || (action.name === 'drain' && target === COORDINATOR) ? 'all-workers' : PROCESS_ONLY.has(action.name) && target.includes(LINK_SEPARATOR) ? target.split(LINK_SEPARATOR)[0]! : target;
      const f: ScheduledFault = { at, for: Math.max(1, Math.min(dur, faultsMs - at)), target: t, action: action.action, note: 'swarm' };
      return f;
    });
  return fc.array(one, { minLength: opts.exact === true ? n : 0, maxLength: n }).map((faults) => limitConcurrency(faults, swarm.maxConcurrent));
}

/** Keeps faults in start order, dropping any that would exceed maxConcurrent active at once. */
function limitConcurrency(faults: readonly ScheduledFault[], maxConcurrent: number): ScheduledFault[] {
  const sorted = [...faults].sort((a, b) => a.at - b.at);
  const kept: ScheduledFault[] = [];
  for (const f of sorted) {
    const active = kept.filter((k) => k.at <= f.at && k.at + (k.for ?? Infinity) > f.at).length;
    if (active < maxConcurrent) kept.push(f);
  }
  return kept;
}

/** The swarm schedule of a plain run: one sample from the seed. */
export function sampleSwarm(scenario: Scenario, seed: number): ScheduledFault[] {
  const [sample] = fc.sample(swarmArbitrary(scenario, { exact: true }), { seed, numRuns: 1 });
  return sample ?? [];
}
