/**
 * The wire protocol, defined once: zod schemas here, TypeScript types inferred
 * from them. Every inbound frame is validated against these at the edge
 * (codec.ts). docs/PROTOCOL.md describes the state machine around them.
 *
 * Envelope: every message has `v` (protocol version) and a literal `type`.
 * Reliable messages also carry `seq` (per session, per direction, from 1);
 * any message may carry `ack`, the highest contiguous seq received (and, on
 * the coordinator, committed) from the peer. Unreliable messages (ping, pong,
 * progress, ack) have no seq and may be coalesced or lost.
 */
import { z } from 'zod';

/**
 * 2: mutual authentication (the worker sends its own nonce, the coordinator
 * proves the secret in `registered`) and the welcome's parameters bound into
 * both handshake MACs (no signing downgrade). Version 1 peers are refused (4426).
 */
export const PROTOCOL_VERSION = 2;
export const SUPPORTED_VERSIONS: readonly number[] = [PROTOCOL_VERSION];

const id = z.string().min(1).max(200);
const json = z.json();
const seq = z.number().int().positive();
const ack = z.number().int().nonnegative();

const base = { v: z.literal(PROTOCOL_VERSION), ack: ack.optional(), sig: z.string().max(128).optional(), crc: z.string().length(8).optional() };
const reliable = { ...base, seq };

export const ErrorInfo = z.object({ code: z.string().max(100), message: z.string().max(4000) });
export type ErrorInfo = z.infer<typeof ErrorInfo>;

/** A checkpoint as carried on the wire: monotonically increasing `seq` per execution. */
export const CheckpointPayload = z.object({ seq: z.number().int().nonnegative(), state: json });
export type CheckpointPayload = z.infer<typeof CheckpointPayload>;

// ---- coordinator -> worker ----

export const Welcome = z.object({
  ...base,
  type: z.literal('welcome'),
  serverVersion: z.string(),
  protocolVersions: z.array(z.number().int()),
  /** Challenge for HMAC registration; single use, bound to this connection. */
  nonce: z.string().min(16).max(128),
  authRequired: z.boolean(),
  signMessages: z.boolean(),
  heartbeatMs: z.number().int().positive(),
  heartbeatTimeoutMs: z.number().int().positive(),
  maxFrameBytes: z.number().int().positive(),
  /** Whether the coordinator offers permessage-deflate (bound into the handshake MACs like every field here). */
  compression: z.boolean(),
  /**
   * The coordinator accepts a seq-less `sync` right behind `register` and answers both at once
   * (docs/PROTOCOL.md "Early sync"). Optional and outside the MAC transcript: stripping it only
   * costs a round trip; older workers ignore it.
   */
  earlySync: z.boolean().optional(),
  /**
   * The coordinator took the register the upgrade request carried (protocol/hello.ts, the 0-RTT
   * register): `registered` follows at once and the worker sends no register. Absent: register as
   * usual (a coordinator that ignores the header never sets it; older workers never send one).
   * Outside the MAC transcript: only a worker without a secret sends a hello (there is no MAC),
   * and one that sent none ignores the field.
   */
  helloAccepted: z.literal(true).optional(),
});

export const Registered = z.object({
  ...base,
  type: z.literal('registered'),
  workerId: id,
  sessionId: id,
  /** True when the previous session was resumed; seqs continue. */
  resumed: z.boolean(),
  /** Highest worker seq the coordinator has committed (worker re-sends above it). */
  lastSeq: ack,
  /** Lease duration; leases are renewed by heartbeats. */
  leaseMs: z.number().int().positive(),
  /**
   * The coordinator's proof that it knows the secret (protocol/handshake.ts
   * coordinatorProof); present whenever the coordinator has one. A worker with
   * a secret acts on nothing from a coordinator whose proof is missing or wrong.
   */
  proof: z.string().length(64).optional(),
});

export const Assign = z.object({
  ...reliable,
  type: z.literal('assign'),
  executionId: id,
  attempt: z.number().int().positive(),
  leaseToken: id,
  kind: z.string().min(1).max(100),
  params: json,
  /** Attempt deadline relative to start on the worker; the worker aborts past it. */
  timeoutMs: z.number().int().positive().optional(),
  /** Latest acknowledged checkpoint to resume from. */
  checkpoint: CheckpointPayload.optional(),
});

export const Abort = z.object({
  ...reliable,
  type: z.literal('abort'),
  executionId: id,
  leaseToken: id,
  reason: z.enum(['cancel', 'timeout', 'pause', 'revoked', 'shutdown']),
});

export const SyncResult = z.object({
  ...reliable,
  type: z.literal('sync_result'),
  /** Tasks the worker may keep running (lease valid, renewed). */
  confirm: z.array(id),
  /** Tasks the worker must abort now (lease expired or superseded). */
  revoke: z.array(z.object({ executionId: id, reason: z.string().max(200) })),
});

// ---- worker -> coordinator ----

export const Register = z.object({
  ...base,
  type: z.literal('register'),
  protocolVersion: z.number().int(),
  workerId: id,
  capabilities: z.object({
    kinds: z.array(z.string().min(1).max(100)).max(100),
    concurrency: z.number().int().positive().max(10_000),
  }),
  /** The worker's own challenge (32+ hex chars, fresh per connection): the coordinator's proof covers it. */
  clientNonce: z.string().min(32).max(128),
  /** protocol/handshake.ts registrationMac: binds the welcome's parameters, both nonces and this register. */
  auth: z.object({ mac: z.string().length(64) }).optional(),
  /** Resume the previous session if the coordinator still has it. */
  resume: z.object({ sessionId: id, lastSeq: ack }).optional(),
});

/** A task the worker holds, reported after (re)registration. */
export const HeldTask = z.object({
  executionId: id,
  attempt: z.number().int().positive(),
  leaseToken: id,
  /** running: still executing; finished: result produced, waiting for its ack. */
  state: z.enum(['running', 'finished']),
});
export type HeldTask = z.infer<typeof HeldTask>;

/** Reliable (with seq) after `registered`; seq-less only as the early sync right behind `register`. */
export const Sync = z.object({ ...base, seq: seq.optional(), type: z.literal('sync'), tasks: z.array(HeldTask).max(10_000) });

export const Progress = z.object({
  ...base,
  type: z.literal('progress'),
  executionId: id,
  leaseToken: id,
  /** 0..1 */
  fraction: z.number().min(0).max(1),
  message: z.string().max(1000).optional(),
});

export const Checkpoint = z.object({
  ...reliable,
  type: z.literal('checkpoint'),
  executionId: id,
  attempt: z.number().int().positive(),
  leaseToken: id,
  checkpoint: CheckpointPayload,
});

export const Started = z.object({
  ...reliable,
  type: z.literal('started'),
  executionId: id,
  attempt: z.number().int().positive(),
  leaseToken: id,
});

export const Result = z.object({
  ...reliable,
  type: z.literal('result'),
  executionId: id,
  attempt: z.number().int().positive(),
  leaseToken: id,
  outcome: z.enum(['completed', 'failed', 'cancelled', 'timeout', 'paused', 'revoked']),
  result: json.optional(),
  error: ErrorInfo.optional(),
  durationMs: z.number().nonnegative(),
  /**
   * The result also reports the attempt's start: the worker sent no `started`
   * for this lease (the attempt finished before its `started` went out). A
   * peer that ignores the field still records the outcome correctly.
   */
  started: z.literal(true).optional(),
});

/** The worker is shutting down gracefully: assign nothing more; it finishes what it holds. */
export const Drain = z.object({ ...reliable, type: z.literal('drain') });

/** Application payload for load tests (message-flood); the coordinator acks and counts it. */
export const Data = z.object({ ...reliable, type: z.literal('data'), payload: z.string().max(16 * 1024 * 1024) });

// ---- both directions ----

export const Ping = z.object({ ...base, type: z.literal('ping'), id: z.number().int().nonnegative(), t: z.number() });
export const Pong = z.object({ ...base, type: z.literal('pong'), id: z.number().int().nonnegative(), t: z.number() });
export const Ack = z.object({ ...base, type: z.literal('ack') });
/** Sent before a close; says what was wrong and where. */
export const ErrorMessage = z.object({
  ...base,
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
  path: z.string().optional(),
});

export const ToWorker = z.discriminatedUnion('type', [Welcome, Registered, Assign, Abort, SyncResult, Ping, Pong, Ack, ErrorMessage]);
export const ToCoordinator = z.discriminatedUnion('type', [
  Register,
  Sync,
  Progress,
  Checkpoint,
  Started,
  Result,
  Data,
  Drain,
  Ping,
  Pong,
  Ack,
  ErrorMessage,
]);
export type ToWorker = z.infer<typeof ToWorker>;
export type ToCoordinator = z.infer<typeof ToCoordinator>;
export type AnyMessage = ToWorker | ToCoordinator;

export type Welcome = z.infer<typeof Welcome>;
export type Registered = z.infer<typeof Registered>;
export type Assign = z.infer<typeof Assign>;
export type Abort = z.infer<typeof Abort>;
export type SyncResult = z.infer<typeof SyncResult>;
export type Register = z.infer<typeof Register>;
export type Sync = z.infer<typeof Sync>;
export type Progress = z.infer<typeof Progress>;
export type Checkpoint = z.infer<typeof Checkpoint>;
export type Started = z.infer<typeof Started>;
export type Result = z.infer<typeof Result>;
export type Data = z.infer<typeof Data>;
export type Drain = z.infer<typeof Drain>;
export type Ping = z.infer<typeof Ping>;
export type Pong = z.infer<typeof Pong>;

export const TO_WORKER_TYPES = ToWorker.options.map((o) => o.shape.type.value);
export const TO_COORDINATOR_TYPES = ToCoordinator.options.map((o) => o.shape.type.value);
/** Types that carry a seq and must be acknowledged. */
export const RELIABLE_TYPES: ReadonlySet<string> = new Set(['assign', 'abort', 'sync_result', 'sync', 'checkpoint', 'started', 'result', 'data', 'drain']);

/** Distributive Omit over a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A message as composed by the sender, before the session stamps v/seq/ack/sig. */
export type Outgoing<T extends AnyMessage> = DistributiveOmit<T, 'v' | 'seq' | 'ack' | 'sig' | 'crc'>;
