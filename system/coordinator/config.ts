/**
 * Coordinator options: what callers pass (CoordinatorConfig), validated and
 * filled with defaults (ResolvedCoordinatorConfig). Bad values throw
 * InvalidArgumentError naming the option and saying what would be right.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { SQUALL_VERSION } from '../core/version.js';
import { DEFAULT_MAX_FRAME_BYTES } from '../protocol/codec.js';

/** Engine options are owned by the engine; the coordinator passes them through. */
type EngineOptions = Record<string, unknown>;

/** Coordinator options as callers pass them; every field optional. */
export interface CoordinatorConfig {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Shared secret for HMAC registration (and message signatures). */
  secret?: string | undefined;
  /** Sign and verify every message after registration (needs a secret). */
  signMessages?: boolean;
  heartbeatMs?: number;
  /** Silence after which a connection is dead; with adaptiveHeartbeat, the floor of the adaptive timeout. */
  heartbeatTimeoutMs?: number;
  /** Adapt each connection's timeout to its measured RTT (core/rtt.ts); default true. */
  adaptiveHeartbeat?: boolean;
  /** Ceiling of the adaptive timeout (default 60 000 ms). */
  heartbeatTimeoutMaxMs?: number;
  /** k in interval + k * (srtt + 4 * rttvar) (default 2). */
  rttFactor?: number;
  /** Handshakes (welcome sent, not registered) admitted at once; beyond: close 4503 retry-after (default 256). */
  maxPendingHandshakes?: number;
  /** Offer the early sync (a seq-less sync right behind register, answered at once); default true. */
  earlySync?: boolean;
  /** Take a register carried in the upgrade request (protocol/hello.ts; never with a secret); default true. */
  zeroRtt?: boolean;
  leaseMs?: number;
  registerTimeoutMs?: number;
  /** Frames above this get error too_large and close 4413. */
  maxFrameBytes?: number;
  compression?: false | { thresholdBytes: number };
  /** How long a disconnected worker's session can be resumed. */
  sessionTtlMs?: number;
  /** Delay before an explicit ack is sent when nothing else carries it. */
  ackDelayMs?: number;
  serverVersion?: string;
  engine?: EngineOptions;
  /** 'token': every HTTP endpoint but /healthz needs a bearer token (needs deps.tokens). Default 'none'. */
  apiAuth?: 'token' | 'none';
  /** Whether /metrics needs a read token when apiAuth is 'token' (default 'token'). */
  metricsAuth?: 'token' | 'none';
  /** Origins (scheme://host[:port]) browsers may call the API from, beside its own. */
  allowedOrigins?: string[];
  /** Host names the API may be addressed as, beside the listen address and loopback names. */
  allowedHosts?: string[];
  /** Accept listening on a non-loopback address without full auth (secret + tokens); warns loudly. */
  insecure?: boolean;
  /** PEM certificate chain and key: serve https:// and wss:// instead of http:// and ws://. */
  tls?: { cert: string; key: string };
  /** Most unfinished executions one client may have (HTTP API; client-quota.ts). Default: no limit. */
  maxPendingPerClient?: number;
  /**
   * Process and Node.js runtime metrics on /metrics (CPU, memory, event-loop
   * lag, GC, handles), in this coordinator's own registry. Default false: they
   * describe the whole process, so only the process's owner turns them on
   * (`squall coordinator` does), never a simulation running hundreds.
   */
  runtimeMetrics?: boolean;
}

/** Options after validation, every field filled. */
export interface ResolvedCoordinatorConfig {
  host: string;
  port: number;
  secret: string | undefined;
  signMessages: boolean;
  heartbeatMs: number;
  heartbeatTimeoutMs: number;
  adaptiveHeartbeat: boolean;
  heartbeatTimeoutMaxMs: number;
  rttFactor: number;
  maxPendingHandshakes: number;
  earlySync: boolean;
  zeroRtt: boolean;
  leaseMs: number;
  registerTimeoutMs: number;
  maxFrameBytes: number;
  compression: false | { thresholdBytes: number };
  sessionTtlMs: number;
  ackDelayMs: number;
  serverVersion: string;
  engine: EngineOptions;
  apiAuth: 'token' | 'none';
  metricsAuth: 'token' | 'none';
  allowedOrigins: string[];
  allowedHosts: string[];
  insecure: boolean;
  tls: { cert: string; key: string } | undefined;
  maxPendingPerClient: number | undefined;
  runtimeMetrics: boolean;
}

/** Defaults: 1 s heartbeats, 3 s timeout, 15 s leases, 1 MiB frames, deflate above 1 KiB. */
export const COORDINATOR_DEFAULTS: ResolvedCoordinatorConfig = {
  host: '127.0.0.1',
  port: 0,
  secret: undefined,
  signMessages: false,
  heartbeatMs: 1000,
  heartbeatTimeoutMs: 3000,
  adaptiveHeartbeat: true,
  heartbeatTimeoutMaxMs: 60_000,
  rttFactor: 2,
  maxPendingHandshakes: 256,
  earlySync: true,
  zeroRtt: true,
  leaseMs: 15_000,
  registerTimeoutMs: 5000,
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  compression: { thresholdBytes: 1024 },
  sessionTtlMs: 60_000,
  ackDelayMs: 2,
  serverVersion: SQUALL_VERSION,
  engine: {},
  apiAuth: 'none',
  metricsAuth: 'token',
  allowedOrigins: [],
  allowedHosts: [],
  insecure: false,
  tls: undefined,
  maxPendingPerClient: undefined,
  runtimeMetrics: false,
};

/** The longest heartbeat, lease, register timeout or session TTL accepted: 1 day. */
export const MAX_DURATION_MS = 24 * 3600 * 1000;

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0) throw new InvalidArgumentError(`coordinator option ${name} must be a positive integer (got ${String(v)})`, name);
  return v;
}

/** The options that are set: an option given as undefined keeps its default. */
function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Validates options and applies defaults. */
export function resolveCoordinatorConfig(config: CoordinatorConfig = {}): ResolvedCoordinatorConfig {
  const c: ResolvedCoordinatorConfig = { ...COORDINATOR_DEFAULTS, ...definedOnly(config) };
  if (typeof c.host !== 'string' || c.host === '') throw new InvalidArgumentError('coordinator option host must be a non-empty string', 'host');
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535) throw new InvalidArgumentError(`coordinator option port must be 0..65535 (got ${String(c.port)})`, 'port');
  for (const k of ['heartbeatMs', 'heartbeatTimeoutMs', 'heartbeatTimeoutMaxMs', 'leaseMs', 'registerTimeoutMs', 'maxFrameBytes', 'sessionTtlMs', 'maxPendingHandshakes'] as const) positiveInt(k, c[k]);
  for (const k of ['heartbeatMs', 'heartbeatTimeoutMs', 'heartbeatTimeoutMaxMs', 'leaseMs', 'registerTimeoutMs', 'sessionTtlMs'] as const) {
    if (c[k] > MAX_DURATION_MS) throw new InvalidArgumentError(`coordinator option ${k} must be at most ${MAX_DURATION_MS} ms (1 day), got ${c[k]}`, k);
  }
  if (!Number.isInteger(c.ackDelayMs) || c.ackDelayMs < 0) throw new InvalidArgumentError('coordinator option ackDelayMs must be an integer >= 0', 'ackDelayMs');
  if (c.heartbeatTimeoutMs <= c.heartbeatMs) {
    throw new InvalidArgumentError(`heartbeatTimeoutMs (${c.heartbeatTimeoutMs}) must be greater than heartbeatMs (${c.heartbeatMs})`, 'heartbeatTimeoutMs');
  }
  if (config.heartbeatTimeoutMaxMs === undefined) c.heartbeatTimeoutMaxMs = Math.max(c.heartbeatTimeoutMaxMs, c.heartbeatTimeoutMs);
  if (c.heartbeatTimeoutMaxMs < c.heartbeatTimeoutMs) {
    throw new InvalidArgumentError(`heartbeatTimeoutMaxMs (${c.heartbeatTimeoutMaxMs}) must be >= heartbeatTimeoutMs (${c.heartbeatTimeoutMs})`, 'heartbeatTimeoutMaxMs');
  }
  if (typeof c.rttFactor !== 'number' || !Number.isFinite(c.rttFactor) || c.rttFactor < 1 || c.rttFactor > 100) {
    throw new InvalidArgumentError(`coordinator option rttFactor must be a number between 1 and 100 (got ${String(c.rttFactor)})`, 'rttFactor');
  }
  if (c.secret !== undefined && (typeof c.secret !== 'string' || c.secret === '')) {
    throw new InvalidArgumentError('coordinator option secret must be a non-empty string when given', 'secret');
  }
  if (c.maxPendingPerClient !== undefined) positiveInt('maxPendingPerClient', c.maxPendingPerClient);
  if (c.signMessages && c.secret === undefined) throw new InvalidArgumentError('signMessages needs a secret: set secret or disable signMessages', 'signMessages');
  for (const k of ['apiAuth', 'metricsAuth'] as const) {
    if (c[k] !== 'token' && c[k] !== 'none') throw new InvalidArgumentError(`coordinator option ${k} must be "token" or "none" (got ${JSON.stringify(c[k])})`, k);
  }
  if (c.tls !== undefined && (typeof c.tls.cert !== 'string' || typeof c.tls.key !== 'string' || c.tls.cert === '' || c.tls.key === '')) {
    throw new InvalidArgumentError('coordinator option tls needs both cert and key (PEM text)', 'tls');
  }
  if (c.compression !== false) {
    const t = c.compression.thresholdBytes;
    if (!Number.isInteger(t) || t < 0) throw new InvalidArgumentError('compression.thresholdBytes must be an integer >= 0 (or compression: false)', 'compression.thresholdBytes');
  }
  return c;
}
