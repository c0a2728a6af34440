/**
 * What the checkers need to know besides the history: the timing parameters
 * the run used (heartbeats, leases, backoff) and the tolerances. Build it
 * from a scenario with contextFromScenario (harness/scenario/check-context.ts);
 * tests build it by hand.
 */
import type { WelcomeField } from './promises-welcome.js';

export interface CheckContext {
  /** Coordinator heartbeat interval and half-open timeout (ms). */
  heartbeatMs: number;
  heartbeatTimeoutMs: number;
  /** Worker-side timeout; default heartbeatTimeoutMs. */
  workerHeartbeatTimeoutMs?: number;
  /** The worker's own heartbeat interval (fleet.heartbeatMs); undefined: the worker's default (1000). It beats at the faster of it and heartbeatMs. */
  workerHeartbeatMs?: number;
  /** Ceiling of the adaptive heartbeat timeout before the lease lowers it (both sides' default 60000). */
  heartbeatTimeoutMaxMs?: number;
  leaseMs: number;
  /** Whether heartbeat timeouts adapt to the RTT on both sides (default true); false: the floor always. */
  adaptiveHeartbeat?: boolean;
  /** The workers' own ceiling and k (their --heartbeat-timeout-max-ms, --rtt-factor); undefined: as heartbeatTimeoutMaxMs, rttFactor. */
  workerHeartbeatTimeoutMaxMs?: number;
  workerRttFactor?: number;
  /** The workers' own (their --no-adaptive-heartbeat); undefined: as adaptiveHeartbeat. */
  workerAdaptiveHeartbeat?: boolean;
  /** k in the timeout in force, interval + k × (srtt + 4 × rttvar) (both sides' default 2). */
  rttFactor?: number;
  /** Whether the coordinator offers the early sync (default true; --no-early-sync: false); undefined: the welcomes' offer is not judged (promises-early-sync.ts). */
  earlySync?: boolean;
  /** What each welcome the coordinator sends must announce, as configured (promises-welcome.ts); a field left out is not judged, undefined: none. */
  welcome?: Partial<Record<WelcomeField, number | boolean>>;
  /** How long the coordinator keeps a detached session resumable (coordinator.sessionTtlMs, default 60000); undefined: not judged. */
  sessionTtlMs?: number;
  /** Convergence bound after heal (phases.healMs). */
  healMs: number;
  /** Worker reconnect backoff as configured. */
  backoff: { strategy: string; initialMs: number; maxMs: number; multiplier: number };
  /** Every worker runs exactly `backoff`, or its entry in backoffByWorker (a scenario's fleet): each draw's bounds are judged against it, not only against what the worker reports. */
  backoffIsFleetWide?: boolean;
  /** Workers whose backoff is not `backoff` (a group's own, fleet.groups[].backoff), by worker id. */
  backoffByWorker?: Readonly<Record<string, { strategy: string; initialMs: number; maxMs: number; multiplier: number }>>;
  /** Slack for timing checks. */
  toleranceMs: number;
  /** Worker connect + handshake deadline of a first attempt (the worker's default is 5000). */
  handshakeTimeoutMs?: number;
  /**
   * Ceiling of the deadline, which doubles with consecutive handshake timeouts
   * (the worker's default is 4 * handshakeTimeoutMs). Each `connecting` event
   * states its attempt's deadline; one above this ceiling is a violation.
   */
  handshakeTimeoutMaxMs?: number;
  /**
   * After heal every worker reconnects within this. Default: max(handshake
   * deadline of its attempt in flight at heal, heartbeat timeout) (a hung
   * connect or an undetected half-open link) + backoff.maxMs + toleranceMs.
   */
  maxReconnectBoundMs?: number;
  /** Minimum p90-p10 spread of backoff delays at the cap, as a fraction of [floor, cap]. */
  minCapSpread: number;
  /** The fleet's worker ids; each must register at some point (identity collisions). */
  workerIds?: readonly string[];
  /** Hosts of the fleet's worker processes besides workerIds' own (a twin's, scenario fleet.twins): promise 38 judges what they do with a close. */
  workerHosts?: readonly string[];
  /** The fleet's workers were given a private CA (--tls-ca; scenario fleet.tlsCa): promise 38 requires every connect of theirs to pass it on. */
  workersTlsCa?: boolean;
  /** When heal began, overriding the history's 'heal' phase record. */
  healAt?: number;
  /**
   * Record times say when the harness received each event (a live run), not
   * when the coordinator's store write committed (the simulation): rules that
   * read a commit or a decision's moment from a record time are not judged.
   */
  receivedTimes?: boolean;
  /** The engine's grace past timeoutMs before it times an attempt out (engine default 2000). */
  timeoutGraceMs?: number;
  /** Handshakes the coordinator admits at once (admission control); a 4503 refusal is judged against it. Undefined: refusals are not judged. */
  maxPendingHandshakes?: number;
  /** The coordinator's per-client quota of unfinished executions (coordinator.maxPendingPerClient); promise 29 judges it. */
  maxPendingPerClient?: number;
  /** The engine's limit of unfinished executions in all (coordinator.maxPending); promise 29 judges it. */
  maxPending?: number;
  /** How many recent completions feed the stats' p50/p95 (coordinator.durationSamples; engine default 4096): promises-reads-window.ts. */
  durationSamples?: number;
  /** Whether per-kind circuit breakers may hold claims back (then a late retry is excused while its kind's breaker could be open). */
  breaker?: boolean;
  /** Consecutive failures of a kind that open its breaker (engine default 5); below it the breaker is closed and late retries are judged. */
  breakerFailureThreshold?: number;
  /** How long an open breaker holds claims, and how many trials it lets through half-open (promise 28; undefined: not judged). */
  breakerResetMs?: number;
  breakerHalfOpenMaxCalls?: number;
  /** Task kinds every worker advertises (fleet.kinds); undefined: every kind but the dangerous ones (command, container). Promise 21 compares a claim with ready work of these kinds. */
  workerKinds?: readonly string[];
  /** Largest frame the coordinator accepts (coordinator.maxFrameBytes; default 1 MiB): an echo value above it must fail too_large (promise 16). */
  maxFrameBytes?: number;
  /** Tasks each worker runs at once (the fleet's concurrency); promise 25 judges refusals and claims against it. Undefined: not judged. */
  workerConcurrency?: number;
  /** The engine's global limit of executions in flight (coordinator.maxConcurrency); promise 26 judges claims against it. */
  maxConcurrency?: number;
  /** The engine's retention policy (coordinator.retention); promise 30 judges each prune against it, and that what it lets go is gone by the next sweep (sweepMs, default 10000). Undefined: nothing may be pruned. */
  retention?: { maxCount?: number; maxAgeMs?: number; sweepMs?: number };
  /** Longest a store write may take to commit (the commit window plus three groups of the simulated SQLite thread); promise 19. Undefined: not judged. */
  storeCommitBoundMs?: number;
  /** Secrets the harness gave the system (the workers' shared secret): no read or event may show them (promise 8, promises-secrets.ts). */
  secrets?: readonly string[];
  /** Dangerous kinds each worker was started with (fleet.allowKinds; absent: none). Undefined: not judged (promise 26's allowed-kinds rule). */
  workerAllowKinds?: Readonly<Record<string, readonly string[]>>;
  /** The workers' handBackGraceMs (default 2000): promise 25 bounds how long a drain that timed out keeps a worker alive. */
  handBackGraceMs?: number;
}
