/**
 * Small shared shapes of the virtual network, kept apart so links,
 * connections and hosts do not import each other in a cycle.
 */
import type { TimerHandle } from '../../system/core/index.js';

/**
 * What travels on one direction of a connection. `open` is the upgrade
 * response that completes a client's connect; `close` is a WebSocket close
 * frame; `fin` is the end of the TCP stream without a close frame (peer sees
 * 1006): process killed, terminate(), aborted handshake.
 */
export type WireItem =
  /** binary: sent as a binary frame (the production transport refuses one with 1003; an adversary sends them). */
  | { kind: 'data'; text: string; bytes: number; corrupted?: true; field?: string; binary?: true }
  /** asked: what the closing process passed to close() (absent on the echo of a received close), before the wire policy. */
  | { kind: 'close'; code: number; reason: string; bytes: number; asked?: { code: number; reason: string } }
  | { kind: 'fin'; bytes: 0 }
  | { kind: 'open'; bytes: 0 };

/** Per connection direction state of one installed rule. */
export interface RuleConnState {
  /** Toxicity roll: does the rule apply to this connection direction at all? */
  applies: boolean;
  /** limit_data: bytes counted so far. */
  bytes: number;
  /** bandwidth: virtual time at which the direction is free again. */
  freeAt: number;
  /** reset_peer / timeout: the pending close of this connection. */
  timer: TimerHandle | null;
}

/** The part of a connection direction a link needs. */
export interface PipeLike {
  readonly id: string;
  /** Per-rule state, keyed by rule id; created by the link on first use. */
  readonly ruleStates: Map<number, RuleConnState>;
  /** Re-evaluates held items (called when the link changed). */
  pump(): void;
  /** The proxy drops the connection: both ends see 1006 at once. */
  abort(why: string): void;
}

/** The part of a host a connection needs. */
export interface HostLike {
  readonly name: string;
  readonly incarnation: number;
  /**
   * Runs fn inside the process of the given incarnation: at once if it is
   * running, after resume if paused, never if that incarnation is dead.
   */
  deliver(incarnation: number, fn: () => void): void;
  /** deliver() for one arriving item, without allocating a closure unless paused (hot path). */
  deliverItem(incarnation: number, target: ItemReceiver, item: WireItem): void;
}

/** Something that takes arriving items (an endpoint). */
export interface ItemReceiver {
  receive(item: WireItem): void;
}

/**
 * A corrupted frame handed to a live receiver (an open endpoint of a running
 * process), told just before the receiver reads it: the checker requires the
 * receiver to reject it (harness/check/promises-integrity.ts).
 */
export interface CorruptDelivery {
  /** Connection id (c1, c2, ...). */
  connection: string;
  /** Sending host. */
  from: string;
  /** Receiving host. */
  to: string;
  /** Index of the frame among the data frames of this direction, from 1. */
  frame: number;
  /** Top-level member of the frame the flipped bit was in ('' if none), harness/sim/corrupt.ts. */
  field: string;
}

/**
 * A close frame a live process received from its peer's close(): the code
 * and reason the peer asked for, and what the wire carried after the
 * production transport's policy (system/transport/wire-policy.ts). The
 * checker requires them to agree (harness/check/promises-wire.ts).
 */
export interface CloseDelivery {
  connection: string;
  from: string;
  to: string;
  /** The receiving host's incarnation. */
  incarnation: number;
  asked: { code: number; reason: string };
  code: number;
  reason: string;
  /** The receiver is a client end its process never took up, open since an earlier instant (a connect given up on, its socket left open). */
  unattended: boolean;
}

/** A connection the network opened: the client's host and incarnation (which process holds the client end). */
export interface ConnectionOpened {
  connection: string;
  client: string;
  incarnation: number;
  server: string;
}

/**
 * A binary frame a live process received (its bytes are `text` as UTF-8):
 * whether its endpoint was open, the close code it asked for while handling
 * the frame (none: null) and whether the frame reached the process's
 * handler. The checker requires 1003 and nothing handed (promises-wire.ts).
 */
export interface BinaryDelivery {
  connection: string;
  from: string;
  to: string;
  incarnation: number;
  open: boolean;
  closedWith: number | null;
  handed: boolean;
}

/**
 * The TLS trust of one connect attempt of a client given a CA or granted any
 * trust option, as the production transport builds its options
 * (system/transport/ws-client.ts wsClientOptions): whether a CA was given
 * and kept as the only roots, and whether certificate or host-name checks
 * were turned off. The checker judges them (promises-wire.ts).
 */
export interface ConnectTls {
  client: string;
  incarnation: number;
  url: string;
  /** The connect was given a CA (--tls-ca). */
  caGiven: boolean;
  /** The built options trust exactly the CA given (none given: no `ca` key, the system roots). */
  caKept: boolean;
  /** The built options' rejectUnauthorized (absent: null; false accepts any certificate). */
  rejectUnauthorized: boolean | null;
  /** The built options replace the host-name check (checkServerIdentity). */
  identityCheckReplaced: boolean;
  /** The server name (SNI) their socket maker gives tls.connect ('' none; null: not set, or not TLS) (tls-name.ts). */
  serverName: string | null;
}
