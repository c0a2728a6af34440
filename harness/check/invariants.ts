/**
 * checkHistory: runs the checker of every enabled promise over a history and
 * returns what was violated (empty: all promises held). The checkers are
 * pure functions of the history and the context, so a saved history can be
 * re-checked (and a replay gives the same verdict).
 */
import { checkAllowedKinds } from './promises-allowed-kinds.js';
import type { CheckContext } from './context.js';
import type { HistoryRecord } from './history.js';
import type { PromiseName } from './promises.js';
import { PROMISE_NAMES } from './promises.js';
import { checkAuth, checkLiveness } from './promises-conn.js';
import { checkBackoff } from './promises-backoff.js';
import { checkHandshakeDeadlines } from './promises-handshake.js';
import { checkTimeoutCeiling, checkTimeoutFloor, checkTimeoutHonoured } from './promises-heartbeat.js';
import { checkCeilingRaised } from './promises-heartbeat-ceiling.js';
import { checkRttTrace } from './promises-rtt.js';
import { checkLeaseExpiry, checkPromptCompletion, checkResultRecorded } from './promises-holders.js';
import { checkAckedNotResent, checkDelivery } from './promises-protocol.js';
import { checkAckedCommitted } from './promises-acked.js';
import { checkHeldReports, checkUnackedResultsReported } from './promises-held-report.js';
import { checkSyncPerSession } from './promises-sync.js';
import { checkEarlySync } from './promises-early-sync.js';
import { checkWelcomeAnnounced } from './promises-welcome.js';
import { checkSendBacklog } from './promises-send-backlog.js';
import { checkCheckpoints, checkDurability } from './promises-state.js';
import { checkPauseCheckpoints } from './promises-abort-progress.js';
import { checkNoClaimWhileFailing, checkNoPhantom, checkStoreHealth } from './promises-store.js';
import { checkCommitLatency } from './promises-commit-latency.js';
import { checkApiContract } from './promises-api.js';
import { checkAnswered, checkWireFraming } from './promises-api-answers.js';
import { checkFifo } from './promises-fifo.js';
import { checkSpread } from './promises-spread.js';
import { checkFlagSpellings } from './promises-flag-spellings.js';
import { checkRetention } from './promises-retention.js';
import { checkRenewal } from './promises-renewal.js';
import { checkTaskContract, checkTimeouts } from './promises-tasks.js';
import { checkAdversaries } from './promises-adversary.js';
import { checkCorruptedFramesRejected } from './promises-integrity.js';
import { checkHonestFramesAccepted } from './promises-honest-frames.js';
import { checkNoClaimAfterRefusal } from './promises-refused-conn.js';
import { checkSyncVerdicts } from './promises-sync-verdicts.js';
import { checkOnPathAttacks } from './promises-onpath.js';
import { checkControls, checkResumedCheckpoints } from './promises-control.js';
import { checkIdempotency, checkPriority, checkTimeouts as checkWorkerTimeouts } from './promises-engine.js';
import { checkExactlyOnce, checkNoDoubleOwnership, checkNoLostWork, checkOrder } from './promises-work.js';
import { checkRetries } from './promises-retries.js';
import { checkDurableOrder } from './promises-durable-order.js';
import { checkStoredRetry } from './promises-stored.js';
import { checkAbortReasons, checkHeldAfterAck, checkSentCheckpoints, checkSyncInFlight } from './promises-trace.js';
import { checkAttemptOrder, checkOutbox } from './promises-outbox.js';
import { checkLatestProgress } from './promises-progress.js';
import { checkProbeCadence } from './promises-probe.js';
import { checkDrain } from './promises-drain.js';
import { checkRefusedClosed } from './promises-close-reason.js';
import { checkStoreContract } from './promises-store-contract.js';
import { checkStoreProbe } from './promises-store-probe.js';
import { checkLogLimiter } from './promises-log-limiter.js';
import { checkTokenFileProbes } from './promises-token-file.js';
import { checkDrainStopBound } from './promises-drain-stop.js';
import { checkDrainReach } from './promises-drain-reach.js';
import { checkCapacity } from './promises-capacity.js';
import { checkReofferWhileFull } from './promises-capacity-reoffer.js';
import { checkReconnectDuration } from './promises-reconnect.js';
import { checkSessionResumed } from './promises-session.js';
import { checkLeaseRunOnce, checkLiveAttempts } from './promises-attempts.js';
import { checkDispatchAtRelease } from './promises-dispatch.js';
import { checkDueTime, checkIdleCapacity } from './promises-idle.js';
import { checkBreakers } from './promises-breaker.js';
import { checkStartsSeen } from './promises-started.js';
import { checkStartFencing } from './promises-start-fencing.js';
import { checkAckProgress } from './promises-ack-progress.js';
import { checkStaleVerdicts } from './promises-stale-verdict.js';
import { checkPongsOfTheirConnection } from './promises-rtt-connection.js';
import { checkOutboxFlushes } from './promises-outbox-held.js';
import { checkDepthProbes } from './promises-json-depth.js';
import { checkAbortAfterAssign, checkAssignsActedOn } from './promises-assign-acted.js';
import { checkSurfaceAuth } from './promises-surface.js';
import { checkSecretsHidden, checkSecretsOnWire } from './promises-secrets.js';
import { checkControlStore } from './promises-control-store.js';
import { checkCli } from './promises-cli.js';
import { checkResources } from './promises-resources.js';
import { checkReload } from './promises-reload.js';
import { checkIdentifiers } from './promises-ids.js';
import { checkHeldMemory } from './promises-held.js';
import { checkHygiene } from './promises-hygiene.js';
import { checkIntervalPace } from './promises-interval-pace.js';
import { checkProcessExits } from './promises-process-exit.js';
import { checkProcessEnv } from './promises-process-env.js';
import { checkPingPace } from './promises-ping-pace.js';
import { checkClosesAsSent, checkClosesObeyed, checkNoUnattended } from './promises-wire.js';
import { checkBinaryRefused, checkCaPassedOn, checkConnectTrust, checkHintsWaited } from './promises-wire-frames.js';
import { checkWireBounds } from './promises-wire-bounds.js';
import { checkConflictField } from './promises-conflict-field.js';
import { checkLiveProbes } from './promises-live-probes.js';
import { checkCliRefusals } from './promises-cli-refusals.js';
import { HistoryView } from './view.js';
import type { Violation } from './violation.js';

type Checker = (view: HistoryView, ctx: CheckContext) => Violation[];

/** One checker per promise. */
export const CHECKERS: Readonly<Record<PromiseName, Checker>> = {
  'no-lost-work': checkNoLostWork,
  'exactly-once': (v, c) => [...checkExactlyOnce(v, c), ...checkStartFencing(v)],
  'no-double-ownership': (v, c) => [...checkNoDoubleOwnership(v, c), ...checkLiveAttempts(v, c), ...checkLeaseRunOnce(v)],
  order: (v, c) => [...checkOrder(v, c), ...checkDurableOrder(v, c)],
  retries: (v, c) => [...checkRetries(v, c), ...checkStoredRetry(v, c)],
  checkpoints: (v, c) => [...checkCheckpoints(v, c), ...checkResumedCheckpoints(v, c), ...checkSentCheckpoints(v, c), ...checkPauseCheckpoints(v, c)],
  durability: (v, c) => [...checkDurability(v, c), ...checkStoreProbe(v), ...checkLiveProbes(v, 'durability')],
  auth: (v, c) => [...checkAuth(v, c), ...checkWelcomeAnnounced(v, c, 'auth'), ...checkAdversaries(v, c), ...checkCorruptedFramesRejected(v), ...checkHonestFramesAccepted(v), ...checkOnPathAttacks(v, c), ...checkSurfaceAuth(v), ...checkSecretsHidden(v, c), ...checkSecretsOnWire(v), ...checkRefusedClosed(v), ...checkLogLimiter(v), ...checkTokenFileProbes(v)],
  backoff: (v, c) => [...checkBackoff(v, c), ...checkHandshakeDeadlines(v, c), ...checkReconnectDuration(v, c)],
  liveness: (v, c) => [...checkLiveness(v, c), ...checkWelcomeAnnounced(v, c, 'liveness'), ...checkTimeoutFloor(v, c), ...checkTimeoutHonoured(v, c), ...checkRttTrace(v, c), ...checkNoClaimAfterRefusal(v), ...checkPongsOfTheirConnection(v, c), ...checkPingPace(v, c), ...checkLiveProbes(v, 'liveness'), ...checkCeilingRaised(v, c)],
  'no-phantom': checkNoPhantom,
  'store-health': (v, c) => [...checkStoreHealth(v, c), ...checkNoClaimWhileFailing(v), ...checkProbeCadence(v, c), ...checkCommitLatency(v, c)],
  'api-contract': (v, c) => [...checkApiContract(v, c), ...checkControlStore(v), ...checkDepthProbes(v), ...checkAnswered(v, c), ...checkWireFraming(v), ...checkConflictField(v), ...checkLiveProbes(v, 'api-contract')],
  retention: (v, c) => [...checkRetention(v, c), ...checkFlagSpellings(v, 'retention')],
  'acked-committed': (v, c) => [...checkAckedCommitted(v, c), ...checkStaleVerdicts(v, c)],
  delivery: (v, c) => [...checkDelivery(v, c), ...checkOutbox(v, c), ...checkAttemptOrder(v), ...checkLatestProgress(v, c), ...checkStartsSeen(v), ...checkSyncPerSession(v, c), ...checkEarlySync(v, c), ...checkHeldReports(v, c), ...checkUnackedResultsReported(v, c), ...checkSessionResumed(v, c), ...checkAckProgress(v, c), ...checkOutboxFlushes(v, c), ...checkAssignsActedOn(v), ...checkAbortAfterAssign(v)],
  'acked-not-resent': (v, c) => [...checkAckedNotResent(v, c), ...checkHeldAfterAck(v, c)],
  'lease-expiry': (v, c) => [...checkLeaseExpiry(v, c), ...checkSyncInFlight(v, c), ...checkSyncVerdicts(v), ...checkTimeoutCeiling(v, c), ...checkRenewal(v, c)],
  'prompt-completion': checkPromptCompletion,
  'result-recorded': checkResultRecorded,
  'task-contract': checkTaskContract,
  timeouts: checkTimeouts,
  // Engine features (issue 10).
  priority: (view, ctx) => [...checkPriority(view, ctx), ...checkFifo(view, ctx), ...checkSpread(view, ctx)],
  idempotency: checkIdempotency,
  'worker-timeouts': checkWorkerTimeouts,
  'client-control': (v, c) => [...checkControls(v, c), ...checkAbortReasons(v, c)],
  // Worker features (issue 10).
  drain: (v, c) => [...checkDrain(v, c), ...checkDrainStopBound(v, c), ...checkDrainReach(v, c)],
  capacity: (v, c) => [...checkCapacity(v, c), ...checkSendBacklog(v), ...checkReofferWhileFull(v), ...checkIdleCapacity(v, c), ...checkDispatchAtRelease(v, c), ...checkAllowedKinds(v, c)],
  'due-time': checkDueTime,
  breaker: checkBreakers,
  // The CLI's client commands (scenario `cli`).
  cli: (v) => [...checkCli(v), ...checkFlagSpellings(v, 'cli'), ...checkCliRefusals(v)],
  resources: checkResources,
  reload: (v) => checkReload(v),
  identifiers: checkIdentifiers,
  hygiene: (v, c) => [...checkHygiene(v), ...checkIntervalPace(v, c), ...checkHeldMemory(v)],
  'process-exit': (v) => checkProcessExits(v),
  'process-env': (v) => checkProcessEnv(v),
  'store-contract': (v) => checkStoreContract(v),
  wire: (v, c) => [...checkClosesAsSent(v), ...checkWelcomeAnnounced(v, c, 'wire'), ...checkClosesObeyed(v, c), ...checkNoUnattended(v, c), ...checkBinaryRefused(v), ...checkHintsWaited(v, c), ...checkConnectTrust(v), ...checkCaPassedOn(v, c), ...checkWireBounds(v)],
};

/** Which promises: 'all', a list, or a scenario's `checks` section (promises minus skip). */
export type PromiseSelection = 'all' | readonly PromiseName[] | ChecksSection;

/** The part of a scenario's `checks` section that selects promises (harness/scenario/schema.ts Checks). */
interface ChecksSection {
  promises: 'all' | readonly PromiseName[];
  skip: readonly PromiseName[];
}

function selected(sel: PromiseSelection): PromiseName[] {
  if (sel === 'all') return [...PROMISE_NAMES];
  if (!('skip' in sel)) return PROMISE_NAMES.filter((p) => sel.includes(p));
  const wanted = sel.promises === 'all' ? PROMISE_NAMES : sel.promises;
  return PROMISE_NAMES.filter((p) => wanted.includes(p) && !sel.skip.includes(p));
}

/** Every violation of the selected promises, ordered by where in the history it happened. */
export function checkHistory(history: readonly HistoryRecord[] | HistoryView, promises: PromiseSelection, context: CheckContext): Violation[] {
  const view = history instanceof HistoryView ? history : new HistoryView(history);
  const out: Violation[] = [];
  for (const name of selected(promises)) out.push(...CHECKERS[name](view, context));
  return out.sort((a, b) => (a.index ?? Infinity) - (b.index ?? Infinity) || a.promise.number - b.promise.number);
}
