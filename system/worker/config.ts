/**
 * Worker configuration: WorkerConfig (what the CLI or a test passes) →
 * workerConfigWithDefaults → ResolvedWorkerConfig (validated, every field filled).
 * Bad values are rejected with the field named and what would be right.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { isLoopbackHost } from '../core/loopback.js';
import { shareEqual } from '../core/share-equal.js';
import { DANGEROUS_KINDS } from '../tasks/kind.js';
import { type BackoffConfig, type BackoffOptions, backoffWithDefaults } from './backoff.js';

export interface WorkerConfig {
  id: string;
  /** ws://host:port[/path]; /ws is appended when there is no path. */
  coordinatorUrl: string;
  secret?: string | undefined;
  concurrency?: number;
  backoff?: BackoffOptions;
  heartbeatMs?: number;
  /** Silence after which the link counts as dead; default: the coordinator's welcome value (else 3 * heartbeatMs). */
  heartbeatTimeoutMs?: number;
  /**
   * Adapt the heartbeat timeout to the measured round trip (core/rtt.ts):
   * clamp(interval + rttFactor * (srtt + 4 * rttvar), timeout, heartbeatTimeoutMaxMs).
   * Default true; false keeps the timeout fixed.
   */
  adaptiveHeartbeat?: boolean;
  /** Ceiling of the adaptive timeout (default 60 000 ms). */
  heartbeatTimeoutMaxMs?: number;
  /** k of the adaptive timeout (default 2). */
  rttFactor?: number;
  /** Connect + welcome + registered must complete within this (the first attempt's deadline). */
  handshakeTimeoutMs?: number;
  /**
   * Ceiling of the handshake deadline: each consecutive handshake timeout doubles
   * the next attempt's deadline up to this (default 4 * handshakeTimeoutMs), so a
   * coordinator too loaded to answer within handshakeTimeoutMs is still reached.
   */
  handshakeTimeoutMaxMs?: number;
  maxFrameBytes?: number;
  /** Droppable/data messages that may wait in the outbox. */
  outboxCapacity?: number;
  perMessageDeflate?: false | { thresholdBytes: number };
  /** Consecutive failed connection attempts before giving up (default Infinity). */
  maxAttempts?: number;
  /** Carry register (and the early sync) in the upgrade request when no secret is set (protocol/hello.ts); default true. */
  zeroRtt?: boolean;
  /** How long an explicit ack may be delayed waiting for a message to piggyback on. */
  ackDelayMs?: number;
  /**
   * After a drain ran out of time and aborted what still ran, how long the link
   * stays open for those hand-backs (`revoked` results) to be acknowledged,
   * at most the drain's own timeout (default 2000 ms; 0 closes at once).
   */
  handBackGraceMs?: number;
  /**
   * How long a graceful stop waits for held tasks when `stop({drain: true})`
   * names no timeout of its own (`squall worker --drain-timeout-ms`), in
   * whole ms, 0 or more (any length: the clock chains long timers); default 30000.
   */
  drainTimeoutMs?: number;
  /**
   * Dangerous kinds (DANGEROUS_KINDS: command, container) this worker may run;
   * default none. Others are neither advertised nor run.
   */
  allowKinds?: readonly string[];
  /** PEM CA certificate(s) trusted for a wss:// coordinator instead of the system roots (pinning / private CA). */
  tlsCa?: string;
  /**
   * Allow running without a secret against a non-loopback coordinator, or
   * with dangerous kinds allowed (then whoever holds the address gives orders).
   */
  insecure?: boolean;
}

/** Validated worker configuration. */
export interface ResolvedWorkerConfig {
  readonly id: string;
  readonly coordinatorUrl: string;
  readonly secret: string | undefined;
  readonly concurrency: number;
  readonly backoff: BackoffConfig;
  readonly heartbeatMs: number;
  /** undefined = take the coordinator's value from welcome. */
  readonly heartbeatTimeoutMs: number | undefined;
  readonly adaptiveHeartbeat: boolean;
  readonly heartbeatTimeoutMaxMs: number;
  readonly rttFactor: number;
  readonly handshakeTimeoutMs: number;
  readonly handshakeTimeoutMaxMs: number;
  readonly maxFrameBytes: number;
  readonly outboxCapacity: number;
  readonly perMessageDeflate: false | { thresholdBytes: number };
  readonly maxAttempts: number;
  readonly zeroRtt: boolean;
  readonly ackDelayMs: number;
  readonly handBackGraceMs: number;
  readonly drainTimeoutMs: number;
  readonly allowKinds: ReadonlySet<string>;
  readonly tlsCa: string | undefined;
}

/** The first attempt's handshake deadline and its ceiling, validated. */
function handshakeDeadlines(o: WorkerConfig): { handshakeTimeoutMs: number; handshakeTimeoutMaxMs: number } {
  const handshakeTimeoutMs = positiveInt(o.handshakeTimeoutMs ?? 5000, 'handshakeTimeoutMs');
  const handshakeTimeoutMaxMs = positiveInt(o.handshakeTimeoutMaxMs ?? 4 * handshakeTimeoutMs, 'handshakeTimeoutMaxMs');
  if (handshakeTimeoutMaxMs < handshakeTimeoutMs) {
    throw new InvalidArgumentError(`handshakeTimeoutMaxMs must be >= handshakeTimeoutMs (${handshakeTimeoutMs}); got ${handshakeTimeoutMaxMs}`, 'handshakeTimeoutMaxMs');
  }
  return { handshakeTimeoutMs, handshakeTimeoutMaxMs };
}

/**
 * ws://host:port → ws://host:port/ws; a URL that already has a path keeps it
 * unchanged (the seed system appended the path twice).
 */
export function normalizeCoordinatorUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidArgumentError(`coordinatorUrl must be a URL like ws://127.0.0.1:7070; got ${JSON.stringify(raw)}`, 'coordinatorUrl');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new InvalidArgumentError(`coordinatorUrl must use ws:// or wss://; got ${JSON.stringify(raw)}`, 'coordinatorUrl');
  }
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/ws';
  return url.toString();
}

/**
 * Secure by default: without a secret a worker cannot tell its coordinator
 * from an impostor, so it connects only to a loopback address and runs no
 * dangerous kind, unless told `insecure`.
 */
function checkWorkerSecurity(o: WorkerConfig, url: string): void {
  if (o.secret !== undefined || o.insecure === true) return;
  const host = new URL(url).hostname;
  if (!isLoopbackHost(host)) {
    throw new InvalidArgumentError(
      `a worker without a secret would obey anyone at ${host}: give the shared secret (--secret-file or SQUALL_SECRET), or --insecure to accept that`,
      'secret',
    );
  }
  if ((o.allowKinds ?? []).length > 0) {
    throw new InvalidArgumentError(`allowKinds (${(o.allowKinds ?? []).join(', ')}) needs a secret, so that only the real coordinator can make this worker run them (or --insecure)`, 'allowKinds');
  }
}

function positiveInt(v: number, path: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(v) || v <= 0 || v > max) {
    throw new InvalidArgumentError(`${path} must be an integer between 1 and ${max}; got ${v}`, path);
  }
  return v;
}

/** No dangerous kinds allowed: one shared empty set, not one per worker. */
const NO_KINDS: ReadonlySet<string> = new Set();
/** Workers of one process that dial the same coordinator share its URL string. */
const sharedUrl = shareEqual<string>();

function checkIdentity(o: WorkerConfig): void {
  if (typeof o.id !== 'string' || o.id.length === 0 || o.id.length > 200) {
    throw new InvalidArgumentError(`id must be a non-empty string of at most 200 characters; got ${JSON.stringify(o.id)}`, 'id');
  }
  if (o.secret !== undefined && o.secret.length === 0) {
    throw new InvalidArgumentError('secret must not be empty; omit it to register without authentication', 'secret');
  }
}

/** The heartbeat interval, its (adaptive) timeout bounds and the RTT factor, checked against each other. */
function heartbeatSettings(o: WorkerConfig): Pick<ResolvedWorkerConfig, 'heartbeatMs' | 'heartbeatTimeoutMs' | 'heartbeatTimeoutMaxMs' | 'rttFactor'> {
  const heartbeatMs = positiveInt(o.heartbeatMs ?? 1000, 'heartbeatMs');
  const heartbeatTimeoutMs = o.heartbeatTimeoutMs === undefined ? undefined : positiveInt(o.heartbeatTimeoutMs, 'heartbeatTimeoutMs');
  if (heartbeatTimeoutMs !== undefined && heartbeatTimeoutMs <= heartbeatMs) {
    throw new InvalidArgumentError(
      `heartbeatTimeoutMs must be greater than heartbeatMs (${heartbeatMs}); got ${heartbeatTimeoutMs}`,
      'heartbeatTimeoutMs',
    );
  }
  const heartbeatTimeoutMaxMs = positiveInt(o.heartbeatTimeoutMaxMs ?? Math.max(60_000, heartbeatTimeoutMs ?? 0), 'heartbeatTimeoutMaxMs');
  if (heartbeatTimeoutMs !== undefined && heartbeatTimeoutMaxMs < heartbeatTimeoutMs) {
    throw new InvalidArgumentError(`heartbeatTimeoutMaxMs must be >= heartbeatTimeoutMs (${heartbeatTimeoutMs}); got ${heartbeatTimeoutMaxMs}`, 'heartbeatTimeoutMaxMs');
  }
  const rttFactor = o.rttFactor ?? 2;
  if (!Number.isFinite(rttFactor) || rttFactor < 1 || rttFactor > 100) {
    throw new InvalidArgumentError(`rttFactor must be a number between 1 and 100; got ${rttFactor}`, 'rttFactor');
  }
  return { heartbeatMs, heartbeatTimeoutMs, heartbeatTimeoutMaxMs, rttFactor };
}

/** A duration option in whole ms, 0 or more (the CLI's intOption bound: a safe integer); the drain's and the hand-back grace's. */
function nonNegativeMs(v: number, path: string): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new InvalidArgumentError(`${path} must be an integer >= 0 (ms); got ${v}`, path);
  return v;
}

/** Connection attempts, compression, the ack batching delay and the hand-back grace. */
function linkSettings(o: WorkerConfig): Pick<ResolvedWorkerConfig, 'maxAttempts' | 'zeroRtt' | 'perMessageDeflate' | 'ackDelayMs' | 'handBackGraceMs'> {
  const maxAttempts = o.maxAttempts ?? Infinity;
  if (maxAttempts !== Infinity) positiveInt(maxAttempts, 'maxAttempts');
  const pmd = o.perMessageDeflate ?? false;
  if (pmd !== false && (!Number.isInteger(pmd.thresholdBytes) || pmd.thresholdBytes < 0)) {
    throw new InvalidArgumentError(`perMessageDeflate.thresholdBytes must be an integer >= 0`, 'perMessageDeflate.thresholdBytes');
  }
  const ackDelayMs = o.ackDelayMs ?? 5;
  if (!Number.isFinite(ackDelayMs) || ackDelayMs < 0) {
    throw new InvalidArgumentError(`ackDelayMs must be a number >= 0; got ${ackDelayMs}`, 'ackDelayMs');
  }
  return { maxAttempts, zeroRtt: o.zeroRtt ?? true, perMessageDeflate: pmd, ackDelayMs, handBackGraceMs: nonNegativeMs(o.handBackGraceMs ?? 2000, 'handBackGraceMs') };
}

/** Only the kinds that need opting in may be listed. */
function checkAllowKinds(kinds: readonly string[]): void {
  for (const [i, k] of kinds.entries()) {
    if (!DANGEROUS_KINDS.has(k)) {
      throw new InvalidArgumentError(`allowKinds[${i}] must be one of ${[...DANGEROUS_KINDS].join(', ')} (the kinds that need opting in); got ${JSON.stringify(k)}`, `allowKinds.${i}`);
    }
  }
}

/** Fills defaults and validates. */
export function workerConfigWithDefaults(o: WorkerConfig): ResolvedWorkerConfig {
  checkIdentity(o);
  const heartbeat = heartbeatSettings(o);
  const link = linkSettings(o);
  checkAllowKinds(o.allowKinds ?? []);
  const handshake = handshakeDeadlines(o);
  const coordinatorUrl = sharedUrl(normalizeCoordinatorUrl(o.coordinatorUrl));
  checkWorkerSecurity(o, coordinatorUrl);
  // Every field named in one literal (no spreads): the object keeps them all in-object, with no
  // separate property array (one per worker; many workers share a benchmark's process).
  return {
    id: o.id,
    coordinatorUrl,
    secret: o.secret,
    concurrency: positiveInt(o.concurrency ?? 1, 'concurrency', 10_000),
    backoff: backoffWithDefaults(o.backoff),
    heartbeatMs: heartbeat.heartbeatMs,
    heartbeatTimeoutMs: heartbeat.heartbeatTimeoutMs,
    heartbeatTimeoutMaxMs: heartbeat.heartbeatTimeoutMaxMs,
    rttFactor: heartbeat.rttFactor,
    adaptiveHeartbeat: o.adaptiveHeartbeat ?? true,
    handshakeTimeoutMs: handshake.handshakeTimeoutMs,
    handshakeTimeoutMaxMs: handshake.handshakeTimeoutMaxMs,
    maxFrameBytes: positiveInt(o.maxFrameBytes ?? 1024 * 1024, 'maxFrameBytes'),
    outboxCapacity: positiveInt(o.outboxCapacity ?? 10_000, 'outboxCapacity'),
    maxAttempts: link.maxAttempts,
    zeroRtt: link.zeroRtt,
    perMessageDeflate: link.perMessageDeflate,
    ackDelayMs: link.ackDelayMs,
    handBackGraceMs: link.handBackGraceMs,
    drainTimeoutMs: nonNegativeMs(o.drainTimeoutMs ?? 30_000, 'drainTimeoutMs'),
    allowKinds: o.allowKinds === undefined || o.allowKinds.length === 0 ? NO_KINDS : new Set(o.allowKinds),
    tlsCa: o.tlsCa,
  };
}
