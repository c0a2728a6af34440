/** TaskRunner's dependencies and its attempt record (task-runner.ts), in their own file to keep that one short. */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Cpu } from '../core/cpu.js';
import type { EventSink } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import type { Marks } from '../core/marks.js';
import type { Random } from '../core/random.js';
import type { AbortReason } from '../tasks/abort.js';
import type { RawSpawn, TaskKind } from '../tasks/kind.js';
import type { OutMessage } from './outbox.js';

/** What TaskRunner is built on: seams, limits and its outlets to the worker. */
export interface TaskRunnerDeps {
  workerId: string;
  clock: Clock;
  random: Random;
  cpu: Cpu;
  /** How the attempts start processes (TaskContext.spawn); default node's spawn. */
  spawn?: RawSpawn;
  logger: Logger;
  events: EventSink;
  taskKinds: ReadonlyMap<string, TaskKind<unknown>>;
  concurrency: number;
  /**
   * Largest frame the coordinator accepts (the worker's own limit until a welcome
   * announces a smaller one: TaskRunner.maxFrameBytes); bigger results/checkpoints
   * are refused here, not re-sent forever.
   */
  maxFrameBytes: number;
  /** Coverage marks (default: none). */
  marks?: Marks;
  /** Dangerous kinds (DANGEROUS_KINDS) this worker was started with; the rest of those it refuses. */
  allowedKinds: ReadonlySet<string>;
  /** Values never sent in a result or checkpoint (the worker's secret): replaced by "[redacted]". */
  redact?: readonly string[];
  /** Where the runner's messages and settlements go (the worker). */
  outlet: RunnerOutlet;
}

/** The runner's outlets to the worker: one object, no closures kept per worker. */
export interface RunnerOutlet {
  /** Queues a message for the coordinator (the worker's outbox). */
  send(msg: OutMessage): void;
  /** Called after an attempt settled (capacity freed, result queued). */
  settled(): void;
}

/** One running attempt. */
export interface Run {
  executionId: string;
  attempt: number;
  leaseToken: string;
  /** Made when the task first reads ctx.signal (attempt-context.ts): most attempts never do, and each costs ~7 µs. */
  controller: AbortController | undefined;
  startedAt: number;
  timer: TimerHandle | undefined;
  abortReason: AbortReason | undefined;
  done: boolean;
}
