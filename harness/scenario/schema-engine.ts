/**
 * Scenario schema for engine features and protocol-timed faults (issue 10):
 * the workload fields that make a run use idempotency keys and client
 * controls (cancel, pause, resume), the coordinator's simulated commit
 * latency, triggers (faults fired by a protocol event, not a clock) and
 * adversarial clients. Kept apart from schema.ts so the base schema stays
 * readable; schema.ts spreads these in.
 *
 *   workload.items[].idempotency  {keys, concurrent?}: submission n carries key `<item>-k<(n mod keys)+1>`;
 *                                 concurrent: repeats go in the same tick as the key's first submission;
 *                                 shareWith: the keys of an earlier item (a reuse with another spec: 409);
 *                                 vary: repeats generated from the key's first, reordered (200) or deeply changed (409);
 *                                 on a graph item the root node n0 carries the key (a repeat's other nodes depend on it)
 *   workload.items[].control      [{op: cancel|pause|resume, afterMs, node?}] per submission
 *   workload.items[].startAfterMs scheduledAt = submission time + startAfterMs
 *   workload.items[].batch        the item's tasks in one batch submission
 *   workload.items[].dependsOn    {item, node?} or a list of them: submission n depends on an execution of each named
 *                                 earlier item's submission n (all of them must complete)
 *   coordinator.commitDelayMs     group-commit latency of the simulated store (ms)
 *   triggers                      [{on: {event, worker?, nth?, delayMs?}, target, action, for?}]
 *   adversaries                   [{at, victim, attacks, everyMs?, count?}]
 *   clientReads                   [{at, read: listing|metrics|tokens|gauges|dashboard, everyMs?, count?, limit?}]: reads during the run
 *   cli                           [{at, args, token?, everyMs?, count?}]: CLI commands during the run (schema-cli.ts)
 */
import { z } from 'zod';
import type { SystemEventType } from '../../system/core/index.js';
import { FaultAction, Ms, PosInt } from './faults.js';
import { CliStep } from './schema-cli.js';
import { didYouMean } from './suggest.js';

/**
 * Same key, one execution: submission n of the item uses key `<item>-k<(n mod keys)+1>`.
 * `concurrent`: every repeat of a key is submitted in the same tick as its first
 * submission (at the time of submission n mod keys), so repeats reach the engine
 * while the original is still in its commit window (a crash there must not leave
 * an acknowledged repeat naming an execution that never committed).
 * On a graph item the key is the root's (node n0): a repeating graph plans
 * its root as the execution that already holds the key, and its other nodes
 * are new executions depending on that one (the dependents of a
 * deduplicated node keep their edge; order, promise 4).
 */
const Idempotency = z.strictObject({
  keys: PosInt,
  concurrent: z.boolean().default(false),
  /** Use the keys of this earlier item (`<that item>-kN`): a reuse with another spec, which the system must refuse 409 conflict (promise 22). */
  shareWith: z.string().min(1).optional(),
  /** Repeats generated from the key's first (harness/scenario/idem-variants.ts): members reordered (the same request) or one changed deep inside params or metadata (409). */
  vary: z.boolean().default(false),
});
type Idempotency = z.output<typeof Idempotency>;

const CONTROL_OPS = ['cancel', 'pause', 'resume'] as const;

/** A client request `afterMs` after each submission of the item was acknowledged: cancel, pause or resume it (a graph's node `node`, default 0: the root). */
export const ControlOp = z.strictObject({
  op: z.enum(CONTROL_OPS),
  afterMs: Ms,
  node: z.number().int().nonnegative().default(0),
});
export type ControlOp = z.output<typeof ControlOp>;

/**
 * Late dependents: submission n of the item depends on the execution at
 * `node` (default 0, the root) of submission n (modulo its count) of the
 * earlier item `item`, named by the id the coordinator acknowledged for it;
 * a graph's root nodes carry the dependency. Submitted after that dependency
 * ended (its item failed, timed out or was cancelled by a control), it
 * reaches the engine's judgement of a dependency that ended before its
 * dependent was submitted, or was recovered or resumed, rather than the
 * live cascade. A dependency the client never got an id for (refused,
 * indeterminate, not answered yet) skips the submission, noted in the history.
 */
const ItemDependency = z.strictObject({
  item: z.string().min(1),
  node: z.number().int().nonnegative().default(0),
});
export type ItemDependency = z.output<typeof ItemDependency>;

/**
 * One dependency or several (a list): with several, submission n depends on
 * the named execution of each, and may run only once ALL completed; a list
 * naming an item that ends early and one still running when the dependent
 * is submitted reaches the engine's "every dependency completed" judgement
 * at submit time with a mixed answer (blind set-5 11). Always a list once parsed.
 */
const ItemDependencies = z
  .union([ItemDependency, z.array(ItemDependency).min(1)])
  .transform((d): ItemDependency[] => (Array.isArray(d) ? d : [d]));

/** Fields spread into WorkloadItem (schema.ts). */
export const ENGINE_ITEM_FIELDS = {
  idempotency: Idempotency.optional(),
  control: z.array(ControlOp).default([]),
  /** The item's `count` tasks go in one batch request (POST /api/v1/executions/batch) at `at`; not with a graph or ratePerSec. */
  batch: z.boolean().default(false),
  /** Future-dated work: each execution's scheduledAt is its submission time plus this (every node of a graph). */
  startAfterMs: PosInt.optional(),
  /** metadata (and an echo's params.value) hold hostile and awkward JSON: harness/scenario/awkward-json.ts (promise 33). */
  awkwardJson: z.boolean().default(false),
  /** Each execution's taskId holds markup (`<img onerror>`, `<b>`, `&amp;`): the dashboard must show it as text (harness/scenario/ui-page.ts, promise 29). */
  markupTaskId: z.boolean().default(false),
  dependsOn: ItemDependencies.optional(),
};

/** The coordinator's store in a scenario (schema.ts spreads it into `coordinator`). */
export const STORE_COORDINATOR_FIELDS = {
  /**
   * The coordinator's store. memory: the in-memory store with crash semantics. sqlite: the
   * production SQLite store; in simulation a temp file behind a group-commit window on virtual
   * time (harness/sim/sim-sqlite-store.ts: a crash loses the window, the restart reopens the
   * file). `squall sim --store` overrides it.
   */
  store: z.enum(['memory', 'sqlite']).default('memory'),
  /**
   * With store sqlite in simulation: the store's worker thread as the production coordinator
   * runs it (`thread: true`), simulated (harness/sim/sim-sqlite-thread.ts): each group commits
   * a seeded 1..sqliteThreadMs ms after it is sent, while what is issued meanwhile queues behind
   * it and goes as the next group. Absent: no thread (each operation commits at once).
   */
  sqliteThreadMs: PosInt.optional(),
};

/**
 * Fields spread into Coordinator (schema.ts); simulation only (live stores
 * commit at their own speed). commitDelayMs is the in-memory store's fixed
 * group-commit delay; storage faults in the Store seam (a slow disk adding
 * seeded per-commit latency) stack on top of it. A crash is placed inside a
 * commit window by a trigger on the event that opens it (claim,
 * result-recorded, submitted) with delayMs below the commit latency, so it
 * lands in the window whichever layer makes the commit slow.
 */
export const ENGINE_COORDINATOR_FIELDS = {
  /** Group-commit latency of the simulated store in ms (default 2): a crash in this window loses the uncommitted. */
  commitDelayMs: Ms.optional(),
  /** How long a detached session may be resumed (production default 60 s); shorter makes new sessions (renumbering) reachable in a short run. */
  sessionTtlMs: PosInt.optional(),
  /** The engine's retention of terminal executions (maxCount, maxAgeMs, sweepMs; default: keep everything); promise 30 judges each prune. */
  retention: z.strictObject({ maxCount: PosInt.optional(), maxAgeMs: PosInt.optional(), sweepMs: PosInt.optional() }).optional(),
};

/**
 * Protocol events a trigger can wait for. Aliases name protocol boundaries;
 * any SystemEvent type (system/core/events.ts) is accepted as well.
 *   claim             coordinator claimed an execution, in memory: its commit window is open
 *   started           a worker started an attempt (between `started` and `result`)
 *   result-sent       a worker sent a result (task_finished)
 *   result-recorded   the coordinator recorded a result in memory; its ack leaves when the
 *                     store commits, so delayMs > coordinator.commitDelayMs is "right after
 *                     the ack left" and delayMs < it is "inside the commit window"
 *   checkpoint-acked  the coordinator committed a checkpoint; its ack leaves now (checkpoint_saved)
 *   sync              the coordinator registered a (re)connecting worker; the sync exchange follows
 *   retry-wait        an execution entered its retry delay (status → retrying)
 *   result-acked      a worker saw the coordinator's ack cover a result it sent (a frame carrying a
 *                     new ack just arrived; trigger-acks.ts): with a slow store, a crash here is
 *                     inside that result's commit window only if it was acked before its commit
 *   assign-delivered  a worker handed an assign to its logic (msg_delivered); with delayMs 0 a fault
 *                     lands before anything carrying its ack leaves (its lastSeq covers an assign the
 *                     coordinator still holds unacknowledged)
 *   sync-confirmed    the coordinator answered a held-task report confirming at least one lease
 *                     (sync_answered): its sync_result is leaving; a cut here leaves the confirmed
 *                     leases with that sync as their holder's last proof of life
 */
const TRIGGER_ALIASES = {
  claim: 'claimed',
  started: 'task_started',
  'result-sent': 'task_finished',
  'result-recorded': 'result_recorded',
  'checkpoint-acked': 'checkpoint_saved',
  sync: 'worker_registered',
  'retry-wait': 'status:retrying',
  'write-failed': 'store_failed',
  'result-acked': 'msg_acked:result',
  'assign-delivered': 'msg_delivered:assign',
  'sync-confirmed': 'sync_answered:confirmed',
} as const;

/** Every SystemEvent type, for trigger validation (the compiler keeps it in step with events.ts). */
const SYSTEM_EVENT_TYPES = [
  'submitted', 'status', 'claimed', 'lease_expired', 'lease_released', 'checkpoint_saved', 'result_recorded', 'result_rejected',
  'worker_registered', 'worker_replaced', 'worker_disconnected', 'worker_lost', 'auth_failed', 'protocol_error', 'heartbeat_timeout',
  'sync_answered', 'connecting', 'connected', 'synced', 'disconnected', 'backoff', 'task_started', 'task_finished', 'task_aborted', 'store_failed',
] as const satisfies readonly SystemEventType[];

const TRIGGER_EVENTS: readonly string[] = [...Object.keys(TRIGGER_ALIASES), ...SYSTEM_EVENT_TYPES];

/** When a trigger fires: the nth matching event (from any worker, or one worker), plus delayMs. */
const TriggerOn = z.strictObject({
  event: z.string().min(1).refine((e) => TRIGGER_EVENTS.includes(e) || /^status:[a-z]+$/.test(e), {
    error: (iss) => `unknown trigger event "${String(iss.input)}"${didYouMean(String(iss.input), TRIGGER_EVENTS)}; expected one of ${TRIGGER_EVENTS.join(', ')} or status:<status>`,
  }),
  /** Only events about this worker (its workerId or source). */
  worker: z.string().min(1).optional(),
  /** Fire on the nth match (1 = first). */
  nth: PosInt.default(1),
  /** Apply the fault this long after the event (0: at once, in the same simulated ms). */
  delayMs: Ms.default(0),
});
type TriggerOn = z.output<typeof TriggerOn>;

/**
 * A fault applied when a protocol event happens, not at a clock time: a crash
 * right after an ack leaves, during sync, between `started` and `result`.
 * Lasts `for` ms (or until heal); fires at most once.
 */
export const Trigger = z.strictObject({
  on: TriggerOn,
  target: z.string().min(1).default('all-workers'),
  action: FaultAction,
  for: PosInt.optional(),
  note: z.string().optional(),
});
export type Trigger = z.output<typeof Trigger>;

/** The attacks on the worker protocol (the default list of an adversary). */
const WIRE_ATTACKS = [
  'no-mac', 'forged-mac', 'replayed-mac', 'hijack-session', 'forged-result', 'forged-checkpoint', 'forged-sig', 'injected-sig',
  // On path (harness/scenario/adversary-onpath.ts): unsigned frames in a signing session, a committed frame replayed in it, an edited welcome, an impostor coordinator.
  'injected-crc', 'injected-ack', 'replayed-frame', 'edited-welcome', 'impostor-coordinator',
  // On path (harness/scenario/adversary-register.ts): one field of the victim's register edited in flight.
  'edited-register',
] as const;
/**
 * Named explicitly: http-scopes (harness/scenario/adversary-http.ts), every documented HTTP route with no, a forged and
 * each lower-scope token (promise 29); oversized-frame (harness/scenario/adversary-frames.ts), frames below, exactly at
 * and above maxFrameBytes in UTF-8 bytes, all below it in UTF-16 units (promise 8); stale-start
 * (harness/scenario/adversary-stale-start.ts), a registered worker's `started` for a lease that just ended (promise 2);
 * deployment (harness/scenario/deploy-probe.ts), the documented unsafe configurations given to the system's own
 * start-up validation, each of which must be refused (promise 8).
 * wide-close-reason (harness/scenario/adversary-close-reason.ts), an unknown type in multi-byte text, which the
 * coordinator echoes in its close reason: it must still close with the code it promised (promise 8).
 * binary-frame, binary-coordinator and refusal-hints (harness/scenario/adversary-wire.ts): binary frames to the
 * coordinator and, from a hostile coordinator, to the victim (each refused with 1003), and 4503 refusals with small,
 * 4- and 5-digit retry-after hints, each honoured by the victim (promise 38); wire-bounds (adversary-bounds.ts), each frame type at and past its schema's bounds.
 */
const ATTACKS = [...WIRE_ATTACKS, 'http-scopes', 'oversized-frame', 'stale-start', 'deployment', 'wide-close-reason', 'binary-frame', 'binary-coordinator', 'refusal-hints', 'wire-bounds', 'wire-bounds-worker'] as const;
export type Attack = (typeof ATTACKS)[number];

/**
 * An adversarial client: a simulated process that connects to the
 * coordinator and tries each attack against `victim` (a worker id): register
 * as the victim without a MAC, with a forged MAC or with a MAC replayed from
 * another connection's nonce, resume the victim's session, and send result,
 * checkpoint and signed frames for the victim's leases outside any session;
 * on path, inject signed and unsigned frames into the victim's session, edit
 * a welcome in flight and answer the victim's reconnect as an impostor
 * (harness/scenario/adversary-onpath.ts). Named explicitly, `http-scopes`
 * tries every HTTP route with no, a forged and each lower-scope token
 * (harness/scenario/adversary-http.ts; the victim plays no part in it), and
 * `oversized-frame` sends frames below, at and above the frame limit
 * (harness/scenario/adversary-frames.ts).
 * Nothing it sends may be acted on (promises 8, 29); needs coordinator.secret.
 */
export const Adversary = z.strictObject({
  at: Ms,
  victim: z.string().min(1),
  attacks: z.array(z.enum(ATTACKS)).min(1).default([...WIRE_ATTACKS]),
  /** Repeat the whole round every everyMs, count times. */
  everyMs: PosInt.default(1000),
  count: PosInt.default(1),
});
export type Adversary = z.output<typeof Adversary>;

/**
 * A client reading the API during the run (harness/scenario/client-reads.ts),
 * one request every everyMs, count times from `at`: `listing` pages through
 * GET /api/v1/executions `limit` at a time, one page per request, starting
 * over after the last page (every pass judged: promise 29); `metrics` scrapes
 * GET /metrics (its message counters judged against the history); `tokens`
 * administers API tokens (revoke, repeat revokes, present revoked ones, make
 * one, list: client-tokens.ts); `gauges` scrapes the /metrics gauges next to
 * GET /api/v1/workers at one instant (client-gauges.ts); `dashboard` opens
 * the dashboard's event stream (/ui/events) at `at` and reads it until
 * count × everyMs later (client-dashboard.ts); `page` loads the dashboard in
 * a browser running its scripts (ui-page.ts), signs in everyMs later, reads
 * its numbers at every later step (ui-page-look.ts), and stays open until
 * the end-of-run reads judge it.
 */
export const ClientRead = z.strictObject({
  at: Ms,
  read: z.enum(['listing', 'metrics', 'tokens', 'gauges', 'dashboard', 'page']),
  everyMs: PosInt.default(100),
  count: PosInt.max(2000).default(1),
  limit: PosInt.max(1000).default(3),
});
export type ClientRead = z.output<typeof ClientRead>;

/** Top-level fields spread into ScenarioObject (schema.ts). */
export const ENGINE_SCENARIO_FIELDS = {
  triggers: z.array(Trigger).default([]),
  adversaries: z.array(Adversary).default([]),
  clientReads: z.array(ClientRead).default([]),
  cli: z.array(CliStep).default([]),
};

/** The SystemEvent type (and optional status) a trigger's `event` names. */
export function triggerEvent(event: string): { type: string; status?: string } {
  const resolved: string = (TRIGGER_ALIASES as Record<string, string>)[event] ?? event;
  const [type, status] = resolved.split(':');
  return status === undefined ? { type: type ?? resolved } : { type: type ?? resolved, status };
}
