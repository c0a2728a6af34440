/**
 * What the coordinator's parts share: seams, config, the engine, the worker
 * registry, metrics, the live connections and the assignment wake-up. Passed
 * explicitly so each part stays a small file without import cycles.
 */
import type { Buggify } from '../core/buggify.js';
import type { Clock } from '../core/clock.js';
import type { EventSink, SystemEvent } from '../core/events.js';
import type { LogLimiter } from '../core/log-limiter.js';
import type { Logger } from '../core/logger.js';
import type { Marks } from '../core/marks.js';
import type { Random } from '../core/random.js';
import type { EngineApi, EngineForCoordinator } from '../engine/contract.js';
import type { Admission } from './admission.js';
import type { ResolvedCoordinatorConfig } from './config.js';
import type { CoordinatorMetrics } from './metrics.js';
import type { CoordinatorPolicies } from './policies.js';
import type { WorkerRegistry } from './registry.js';
import type { SendBacklog } from './send-backlog.js';

/** The engine as the coordinator needs it: dispatch side plus the embedding API. */
export type CoordinatorEngine = EngineForCoordinator & EngineApi;

/** A live connection as the heartbeat monitor and replacement logic see it. */
export interface LiveConnection {
  readonly connectionId: string;
  /** Bytes queued on the socket and not yet sent (backpressure). */
  readonly bufferedAmount: number;
  /** Heartbeat timeout in force (adaptive; link-timing.ts), ms. */
  readonly timeoutMs: number;
  /** Heartbeat tick: ping if due; if judgeSilence, drop when silent past the timeout. */
  tick(mono: number, judgeSilence: boolean): void;
  /** Another authenticated connection took over this worker id: tell, close 4409, forget. */
  replaceBy(newConnectionId: string): void;
  /** Coordinator shutdown. */
  shutdown(): void;
}

/** Distributes a SystemEvent type: the fields an emitter supplies (at and source are stamped). */
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type EventBody = Without<SystemEvent, 'at' | 'source'>;

/** Shared state of one coordinator's parts. */
export interface CoordinatorContext {
  readonly config: ResolvedCoordinatorConfig;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  /** Coverage marks (production: noMarks). */
  readonly marks: Marks;
  /** Seeded window-widening (production: noBuggify, which never fires). */
  readonly buggify: Buggify;
  /** Whether each RTT sample is traced (`rtt_sampled`; link-timing.ts): the simulation only, production builds none. */
  readonly traceRtt?: boolean;
  readonly engine: CoordinatorEngine;
  readonly registry: WorkerRegistry;
  readonly metrics: CoordinatorMetrics;
  readonly connections: Map<string, LiveConnection>;
  /** The connections that may be past the assignment high-water mark (send-backlog.ts); each send is reported. */
  readonly sendBacklog: SendBacklog;
  /** Handshakes in flight and the retry-after hint beyond the limit (admission.ts). */
  readonly admission: Admission;
  /** Emits an event stamped with at = clock.now() and source = "coordinator". */
  emit(event: EventBody): void;
  /** Runs the assignment loop soon (coalesced). */
  wake(): void;
  /** Rate limit for logs of repeated rejections (auth failures, protocol errors). */
  readonly rejectLog?: LogLimiter;
  /** How sessions, the quota and the HTTP gate decide (policies.ts; the real ones unless deps.policies said otherwise). */
  readonly policies: CoordinatorPolicies;
}

/**
 * Builds the emit() helper over a sink; never throws into the caller. Every
 * caller passes a fresh object literal, so it is stamped in place (a copy per
 * event was a measurable share of the coordinator's per-task CPU).
 */
export function eventEmitter(sink: EventSink, clock: Clock, logger: Logger): (e: EventBody) => void {
  return (e) => {
    try {
      sink.emit(Object.assign(e, { at: clock.now(), source: 'coordinator' as const }) as SystemEvent);
    } catch (err) {
      logger.error({ err, type: e.type }, 'event sink threw');
    }
  };
}
