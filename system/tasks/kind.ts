/**
 * Task kinds: what a worker can run. Each kind declares a zod schema for its
 * params (the coordinator validates submissions against it, so an unknown kind
 * or bad params is rejected at the edge with the field named) and a run
 * function that honours ctx.signal (cancel, timeout, pause, revoke).
 */
import type { SpawnOptions } from 'node:child_process';
import type { z } from 'zod';
import type { Clock } from '../core/clock.js';
import type { Cpu } from '../core/cpu.js';
import type { Logger } from '../core/logger.js';
import type { Random } from '../core/random.js';

/** A spawned child as the command kind uses it (node's ChildProcess with piped stdout and stderr satisfies it). */
export interface CommandChild {
  readonly stdout: { on(event: 'data', fn: (b: Buffer) => void): unknown };
  readonly stderr: { on(event: 'data', fn: (b: Buffer) => void): unknown };
  on(event: 'error', fn: (err: Error) => void): unknown;
  on(event: 'close', fn: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  kill(signal: NodeJS.Signals): boolean;
}

/** A raw process start, called as node's child_process.spawn is: program, arguments, options. */
export type RawSpawn = (program: string, args: readonly string[], options: SpawnOptions) => CommandChild;

export interface TaskContext {
  executionId: string;
  /** The worker running the attempt (its configured id, the same across its restarts). */
  workerId: string;
  attempt: number;
  /** Aborted on cancel, timeout, pause, revoke or shutdown; reason says which. */
  signal: AbortSignal;
  clock: Clock;
  random: Random;
  cpu: Cpu;
  /**
   * How the attempt starts a process (the command kind): node's spawn in
   * production (child-spawn.ts), the host's simulated process table in
   * simulation; the worker's deps give it (WorkerDeps.spawn), as clock and random.
   */
  spawn: RawSpawn;
  logger: Logger;
  /** State of the latest acknowledged checkpoint, if this attempt resumes one. */
  resumeFrom: unknown;
  /**
   * Records a checkpoint. Resolves once it is queued for the coordinator;
   * it is reliable (re-sent across reconnects until acknowledged).
   */
  checkpoint(state: unknown): Promise<void>;
  /** Reports progress (0..1); coalesced, may be dropped. */
  progress(fraction: number, message?: string): void;
}

export interface TaskKind<P = unknown> {
  readonly name: string;
  /** One or two sentences for `squall kinds` and docs/TASK-KINDS.md: what it does, when it fails. */
  readonly description?: string;
  readonly params: z.ZodType<P>;
  run(params: P, ctx: TaskContext): Promise<unknown>;
  /**
   * Called once when a worker that may run this kind starts, before it
   * connects: a kind that makes things outliving a crashed process (the
   * container kind's containers) cleans up what an earlier process of the
   * same worker id left behind. Returns at once; the kind's run() waits
   * for whatever cleanup it needs.
   */
  onWorkerStart?(worker: WorkerStart): void;
}

/** What a kind learns when a worker starts (TaskKind.onWorkerStart). */
export interface WorkerStart {
  workerId: string;
  logger: Logger;
}

/** Identity helper that keeps the params type of a kind definition. */
export function defineTaskKind<P>(kind: TaskKind<P>): TaskKind<P> {
  return kind;
}

/**
 * Kinds that run arbitrary code on the worker's host. A worker runs them only
 * when started with them allowed (WorkerConfig.allowKinds, --allow-kinds):
 * anyone who can submit work could otherwise run anything where workers run.
 */
export const DANGEROUS_KINDS: ReadonlySet<string> = new Set(['command', 'container']);
