/**
 * What a worker's TaskRunner is built on (worker-link.ts keeps to the
 * lifecycle): its seams, its own random stream ('tasks'), the worker's limits
 * and the secret redacted from what it sends. One object per worker that is
 * also the runner's outlet (worker-link.ts extends it), read through getters
 * from the worker's deps and config instead of a copy of each field.
 */
import type { Clock } from '../core/clock.js';
import type { Cpu } from '../core/cpu.js';
import type { EventSink } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import type { Marks } from '../core/marks.js';
import type { Random } from '../core/random.js';
import type { RawSpawn, TaskKind } from '../tasks/kind.js';
import type { ResolvedWorkerConfig } from './config.js';
import type { OutMessage } from './outbox.js';
import type { RunnerOutlet, TaskRunnerDeps } from './task-runner-deps.js';
import type { WorkerDeps } from './worker-types.js';

/** No secret to redact: one shared empty list. */
const NO_SECRETS: readonly string[] = [];

export abstract class WorkerRunnerDeps implements TaskRunnerDeps, RunnerOutlet {
  readonly random: Random;
  readonly redact: readonly string[];

  constructor(
    private readonly workerDeps: WorkerDeps,
    private readonly workerConfig: ResolvedWorkerConfig,
    readonly logger: Logger,
    readonly marks: Marks,
  ) {
    this.random = workerDeps.random.fork('tasks');
    this.redact = workerConfig.secret === undefined ? NO_SECRETS : [workerConfig.secret];
  }

  get workerId(): string {
    return this.workerConfig.id;
  }
  get clock(): Clock {
    return this.workerDeps.clock;
  }
  get cpu(): Cpu {
    return this.workerDeps.cpu;
  }
  get spawn(): RawSpawn | undefined {
    return this.workerDeps.spawn;
  }
  get events(): EventSink {
    return this.workerDeps.events;
  }
  get taskKinds(): ReadonlyMap<string, TaskKind<unknown>> {
    return this.workerDeps.taskKinds;
  }
  get concurrency(): number {
    return this.workerConfig.concurrency;
  }
  get maxFrameBytes(): number {
    return this.workerConfig.maxFrameBytes;
  }
  get allowedKinds(): ReadonlySet<string> {
    return this.workerConfig.allowKinds;
  }
  get outlet(): RunnerOutlet {
    return this;
  }

  abstract send(msg: OutMessage): void;
  abstract settled(): void;
}
