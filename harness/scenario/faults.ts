/**
 * The fault vocabulary of scenario files, one for simulation and live runs:
 * Toxiproxy's toxic names (latency, bandwidth, timeout, reset_peer,
 * slow_close, slicer, limit_data, and `down` for a disabled proxy) plus our
 * extensions (corrupt, partition, pause, kill, restart, clock_skew, drain).
 *
 * Attribute names are camelCase with a unit suffix; the Toxiproxy attribute
 * each maps to is named in the comment. `stream` follows Toxiproxy: upstream
 * is worker → coordinator, downstream is coordinator → worker; we default to
 * `both` (Toxiproxy defaults to downstream) because a scenario usually means
 * "the link is bad", not "one direction is bad".
 */
import { z } from 'zod';
import { isStorageAction, STORAGE_ACTIONS } from '../check/storage-actions.js';
import { OPERATOR_RESTART_FIELDS } from './schema-operator.js';
import { didYouMean } from './suggest.js';

/** Non-negative whole milliseconds. */
export const Ms = z.number().int().nonnegative();
/** Positive whole number. */
export const PosInt = z.number().int().positive();
const Probability = z.number().min(0).max(1);

const net = {
  /** upstream: worker → coordinator; downstream: coordinator → worker. */
  stream: z.enum(['both', 'upstream', 'downstream']).default('both'),
  /** Probability the toxic applies to a given connection (rolled per connection, seeded). */
  toxicity: Probability.default(1),
};

/** Network actions: they act on links (a worker's connection to the coordinator). */
const NETWORK_ACTIONS = [
  'latency',
  'bandwidth',
  'timeout',
  'reset_peer',
  'slow_close',
  'slicer',
  'limit_data',
  'down',
  'corrupt',
  'partition',
] as const;
/** Process actions: they act on nodes (the coordinator or workers). */
/**
 * The signals of a graceful stop (a coordinator `kill` with `graceful`, a
 * worker `drain`; simulation only): `signal` SIGTERM (default) or SIGINT
 * (Ctrl-C), and `secondSignalMs`: the same signal again that many ms later
 * if the process still runs (README: "a second signal during the stop:
 * exited at once", exit 130).
 */
const STOP_SIGNAL_FIELDS = {
  signal: z.enum(['SIGTERM', 'SIGINT']).optional(),
  secondSignalMs: PosInt.optional(),
};

const PROCESS_ACTIONS = ['pause', 'kill', 'restart', 'clock_skew', 'drain', 'oom_kill'] as const;
/** Credential actions: they act on the client's API token; target `coordinator` (which holds the tokens). */
const CREDENTIAL_ACTIONS = ['revoke_token'] as const;
export const ACTION_NAMES = [...NETWORK_ACTIONS, ...PROCESS_ACTIONS, ...STORAGE_ACTIONS, ...CREDENTIAL_ACTIONS] as const;
// Storage actions (disk_full, disk_error, slow_disk) are listed in harness/check/storage-actions.ts, which the checks share.
export { isStorageAction };
export type ActionName = (typeof ACTION_NAMES)[number];
export const isNetworkAction = (a: ActionName): boolean => (NETWORK_ACTIONS as readonly string[]).includes(a);

/** One side of a partition: an endpoint name (coordinator, worker id, group) or a list of them. */
const Side = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const actionOptions = [
  /** Toxiproxy latency: `latency`, `jitter`. */
  z.strictObject({ type: z.literal('latency'), ms: Ms, jitterMs: Ms.default(0), ...net }),
  /** Toxiproxy bandwidth. `kbps`: kilobits per second; Toxiproxy's `rate` is KB/s (1000 bytes), so live runs send rate = kbps / 8 (at least 1). */
  z.strictObject({ type: z.literal('bandwidth'), kbps: z.number().positive(), ...net }),
  /** Toxiproxy timeout: data stops; closed timeoutMs after the last data (each chunk restarts the timer), never when 0 (a blackhole). */
  z.strictObject({ type: z.literal('timeout'), timeoutMs: Ms.default(0), ...net }),
  /** Toxiproxy reset_peer: closes timeoutMs after the first data it sees (RST on connections opened while it exists, FIN on older ones). */
  z.strictObject({ type: z.literal('reset_peer'), timeoutMs: Ms.default(0), ...net }),
  /** Toxiproxy slow_close: the close is delayed by delayMs. */
  z.strictObject({ type: z.literal('slow_close'), delayMs: Ms, ...net }),
  /** Toxiproxy slicer: `average_size`, `size_variation` (bytes), `delay` (µs). */
  z.strictObject({
    type: z.literal('slicer'),
    averageSize: PosInt,
    sizeVariation: z.number().int().nonnegative().default(0),
    delayUs: z.number().int().nonnegative().default(0),
    ...net,
  }),
  /** Toxiproxy limit_data: the connection closes after `bytes`. */
  z.strictObject({ type: z.literal('limit_data'), bytes: PosInt, ...net }),
  /** Toxiproxy `enabled: false`: the link is down, new connections are refused. */
  z.strictObject({ type: z.literal('down') }),
  /**
   * Extension (no Toxiproxy has it; live, only squall's own proxy can apply it): each frame is corrupted (bit flips) with this probability.
   * `fields` (simulation only; live flips land anywhere): the flip lands in the value of one of these top-level frame members (e.g. v, type) when the frame has one.
   */
  z.strictObject({ type: z.literal('corrupt'), probability: Probability, fields: z.array(z.string().min(1)).min(1).optional(), ...net }),
  /**
   * Extension: endpoints on different sides cannot talk. `groups` lists the
   * sides (each an endpoint name or a list of names); the coordinator joins
   * side 0 unless named. With oneWay only traffic leaving side 0 is dropped
   * (side 0 cannot reach the others, the others still reach side 0):
   * a half-open connection.
   */
  z.strictObject({ type: z.literal('partition'), groups: z.array(Side).min(2), oneWay: z.boolean().default(false) }),
  /** Extension: SIGSTOP for the fault's duration, then SIGCONT. */
  z.strictObject({ type: z.literal('pause') }),
  /**
   * Extension: kill -9; restarted after `for` (or at heal when `for` is absent).
   * `graceful` (coordinator, simulation only): SIGTERM instead: `squall coordinator`'s own stop
   * (close, then the store's last commits and close; harness/scenario/process-stop.ts) runs and the
   * process exits with the code it chooses (promise 36); it is down from its exit until restarted.
   * Workers in the target are still killed -9 (their SIGTERM is `drain`).
   */
  z.strictObject({ type: z.literal('kill'), graceful: z.boolean().optional(), ...STOP_SIGNAL_FIELDS }),
  /**
   * Extension: kill -9 and start again at once (same data dir / store).
   * `graceful` (coordinator, simulation only): told to stop first (SIGTERM:
   * its listener closes, /readyz is read then), then killed and started.
   * `args` (workers, simulation only): the new process runs with these `squall worker` flags
   * (--concurrency, --allow-kinds; schema-operator.ts), and so do its later restarts.
   */
  z.strictObject({ type: z.literal('restart'), graceful: z.boolean().optional(), ...OPERATOR_RESTART_FIELDS }),
  /** Extension: the target's clock runs `ms` ahead (negative: behind). */
  z.strictObject({ type: z.literal('clock_skew'), ms: z.number().int() }),
  /**
   * Extension (workers only; simulation only for now): a graceful stop, as SIGTERM does: the worker
   * tells the coordinator it drains, finishes what it holds (or gives up after timeoutMs), exits;
   * started again after `for` (or at heal). Run through `squall worker`'s own stop and signal
   * handling (timeoutMs is its --drain-timeout-ms), its exit code judged (promise 36).
   * `signal` (default SIGTERM) and `secondSignalMs` as for a graceful kill.
   */
  z.strictObject({ type: z.literal('drain'), timeoutMs: PosInt.default(30_000), ...STOP_SIGNAL_FIELDS }),
  /**
   * Extension (workers only; simulation only for now): each target worker's host's OOM killer
   * SIGKILLs one child process its `command` attempts run (the one started last); the worker lives
   * on. That attempt must fail "was killed by SIGKILL" and be retried by its policy (promise 32).
   */
  z.strictObject({ type: z.literal('oom_kill') }),
  /** Storage: every store write fails with ENOSPC (nothing is written) until the fault ends. */
  z.strictObject({ type: z.literal('disk_full') }),
  /** Storage: each store write fails with EIO with this probability (seeded). */
  z.strictObject({ type: z.literal('disk_error'), probability: Probability.default(1) }),
  /** Storage: each store write stalls a seeded delay in [minMs, maxMs] (order kept). */
  z.strictObject({ type: z.literal('slow_disk'), minMs: Ms.default(50), maxMs: Ms.default(300) }),
  /**
   * Storage (simulation only; needs `coordinator.store: sqlite` with `sqliteThreadMs`): the store's
   * SQLite thread dies while the process lives (an uncaught error in it, its resource limits), with
   * whatever it had outstanding; it stays dead until the coordinator is started again (`for` is ignored).
   */
  z.strictObject({ type: z.literal('store_thread_death') }),
  /**
   * Credentials (simulation only for now): an admin revokes the API token the client submits with
   * (POST /api/v1/tokens/{id}/revoke); the client keeps sending it, so every submission until the
   * fault ends must be refused 401 token_revoked; at the end the client is given a new token.
   */
  z.strictObject({ type: z.literal('revoke_token') }),
] as const;

/** A fault action as an object: `{type: <name>, ...attributes}`. */
export const FaultActionObject = z.discriminatedUnion('type', actionOptions, {
    error: (iss) => {
      if (iss.code !== 'invalid_union') return undefined;
      const input = iss.input as { type?: unknown } | undefined;
      const got = input !== null && typeof input === 'object' ? input.type : undefined;
      if (typeof got !== 'string') return `missing action type: one of ${ACTION_NAMES.join(', ')}`;
      return `unknown action "${got}"${didYouMean(got, ACTION_NAMES)}; expected one of ${ACTION_NAMES.join(', ')}`;
    },
});

/** A fault action: `{type: <name>, ...attributes}`, or just the name when defaults suffice. */
export const FaultAction = z.preprocess((v) => (typeof v === 'string' ? { type: v } : v), FaultActionObject);
export type FaultAction = z.output<typeof FaultAction>;

/**
 * One entry of the fault timeline. `at` and `for` are ms from the start of the
 * run; a fault without `for` lasts until the fault phase ends. `repeat`
 * re-applies it `count` times, `everyMs` apart (a flapping link).
 *
 * `target` is `coordinator`, `all-workers`, a worker id (`w1`..`wN`), a group
 * name, or a link `A<->B` between two of those (network actions only). A
 * network action on a node target applies to every link of that node.
 * Partitions name their sides in `action.groups` and ignore `target`.
 */
export const Fault = z.strictObject({
  at: Ms,
  for: PosInt.optional(),
  target: z.string().min(1).default('all-workers'),
  action: FaultAction,
  repeat: z.strictObject({ everyMs: PosInt, count: PosInt }).optional(),
  /** Free text shown in reports. */
  note: z.string().optional(),
});
export type Fault = z.output<typeof Fault>;

const SWARM_TARGETS = ['workers', 'groups', 'coordinator', 'links'] as const;

/**
 * Random faults drawn from the seed, as TigerBeetle's VOPR does: how many
 * (`faults` in total, or `ratePerMin` over the fault phase; 10 in total when
 * neither is given, see swarmFaultCount), which actions,
 * which kinds of target, and the ranges parameters are drawn from.
 */
export const Swarm = z
  .strictObject({
    enabled: z.boolean().default(true),
    faults: PosInt.optional(),
    ratePerMin: z.number().positive().optional(),
    actions: z
      .array(z.enum(ACTION_NAMES))
      .min(1)
      .default(['latency', 'down', 'timeout', 'reset_peer', 'corrupt', 'partition', 'pause', 'kill']),
    targets: z.array(z.enum(SWARM_TARGETS)).min(1).default(['workers', 'groups']),
    minDurationMs: PosInt.default(200),
    maxDurationMs: PosInt.default(5_000),
    /** At most this many swarm faults active at once. */
    maxConcurrent: PosInt.default(3),
    maxLatencyMs: PosInt.default(500),
    maxSkewMs: PosInt.default(2_000),
    maxCorruptProbability: Probability.default(0.05),
  })
  .refine((s) => s.faults === undefined || s.ratePerMin === undefined, {
    message: 'give either faults (a count) or ratePerMin, not both',
    path: ['ratePerMin'],
  })
  .refine((s) => s.minDurationMs <= s.maxDurationMs, {
    message: 'minDurationMs must be <= maxDurationMs',
    path: ['minDurationMs'],
  });
export type Swarm = z.output<typeof Swarm>;

/** How many swarm faults a run draws. */
export function swarmFaultCount(swarm: Swarm, faultsMs: number): number {
  if (!swarm.enabled) return 0;
  if (swarm.faults !== undefined) return swarm.faults;
  if (swarm.ratePerMin !== undefined) return Math.round((swarm.ratePerMin * faultsMs) / 60_000);
  return 10;
}

/**
 * Scenario bandwidth (kilobits per second) as Toxiproxy's `rate` (kilobytes
 * per second, 1 KB = 1000 B): kbps / 8. A 16 kbps link moves 2000 bytes a
 * second, not 16 000 (issue 10: every bandwidth fault was 8x too mild).
 * Toxiproxy's rate is an integer and reads 0 as unlimited, so it is rounded
 * and at least 1; the one conversion for the proxy, the live fault table and
 * the simulator, so both modes run the same link.
 */
export function kbpsToRate(kbps: number): number {
  return Math.max(1, Math.round(kbps / 8));
}

/** Timeline entries with `repeat` expanded, sorted by `at` (stable). */
export function faultTimeline(faults: readonly Fault[]): Omit<Fault, 'repeat'>[] {
  const out: Omit<Fault, 'repeat'>[] = [];
  for (const f of faults) {
    const { repeat, ...one } = f;
    const n = repeat?.count ?? 1;
    for (let i = 0; i < n; i++) out.push({ ...one, at: one.at + i * (repeat?.everyMs ?? 0) });
  }
  return out.map((f, i) => ({ f, i })).sort((a, b) => a.f.at - b.f.at || a.i - b.i).map((x) => x.f);
}
