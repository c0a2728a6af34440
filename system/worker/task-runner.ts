/**
 * Runs assigned task attempts under a concurrency limit, one AbortController
 * per attempt (cancel, timeout, pause, revoke, shutdown), and turns each into
 * `started`, `checkpoint`, `progress` and finally `result` messages.
 *
 * Promises (each a seed defect): the result is the task's actual return value,
 * produced only when the attempt settled (never a placeholder); a settled
 * attempt leaves the running set at once (no ghosts filling capacity); a
 * finished attempt stays "held" until its result is acknowledged, so the sync
 * report after a reconnect lists it.
 */
import { ErrorCode, toErrorInfo } from '../core/errors.js';
import type { Assign, HeldTask, Result } from '../protocol/messages.js';
import { type AbortReason, TaskAbortedError } from '../tasks/abort.js';
import type { TaskKind } from '../tasks/kind.js';
import { DANGEROUS_KINDS } from '../tasks/kind.js';
import type { OutMessage } from './outbox.js';
import { redactSecrets } from './redact.js';
import { frameBytes, toJson } from './frame-bytes.js';
import type { Run, TaskRunnerDeps } from './task-runner-deps.js';
import { PendingStarts } from './pending-starts.js';
import { attemptContext } from './attempt-context.js';
import { safeParseKeeping } from '../core/own-keys.js';

export { frameBytes } from './frame-bytes.js';
export type { TaskRunnerDeps } from './task-runner-deps.js';

const OUTCOME_OF_ABORT: Record<AbortReason, Result['outcome']> = {
  cancel: 'cancelled',
  timeout: 'timeout',
  pause: 'paused',
  revoked: 'revoked',
  // The worker gives the lease back; the coordinator re-queues the execution.
  shutdown: 'revoked',
};

type Finished = { executionId: string; attempt: number; leaseToken: string };
const key = (executionId: string, leaseToken: string): string => `${executionId}\u0000${leaseToken}`;

export class TaskRunner {
  // Made on first use (an idle worker runs nothing: no hash tables, no held starts).
  private runningMap: Map<string, Run> | undefined;
  private finishedMap: Map<string, Finished> | undefined;
  private startsHeld: PendingStarts | undefined;
  /** False while draining: new assignments are handed back. */
  accepting = true;
  /** Largest frame the coordinator accepts (the worker sets it from the welcome); bigger results/checkpoints are refused here. */
  maxFrameBytes: number;

  constructor(private readonly deps: TaskRunnerDeps) {
    this.maxFrameBytes = deps.maxFrameBytes;
  }

  /** The running attempts by execution id (made here on first use; reads go through runningMap). */
  private get running(): Map<string, Run> {
    return (this.runningMap ??= new Map());
  }

  private get starts(): PendingStarts {
    return (this.startsHeld ??= new PendingStarts(this.deps.clock, this.deps.outlet));
  }

  private setFinished(f: Finished): void {
    (this.finishedMap ??= new Map()).set(key(f.executionId, f.leaseToken), f);
  }

  get runningCount(): number {
    return this.runningMap?.size ?? 0;
  }

  /** Finished attempts whose result is not acknowledged yet. */
  get unackedResults(): number {
    return this.finishedMap?.size ?? 0;
  }

  /** True if this worker may run `kind` (known, and opted in if dangerous). */
  runs(kind: string): boolean {
    return this.deps.taskKinds.has(kind) && (!DANGEROUS_KINDS.has(kind) || this.deps.allowedKinds.has(kind));
  }

  /** Tells each kind this worker may run that the worker starts (TaskKind.onWorkerStart). */
  announceStart(): void {
    for (const name of this.advertisedKinds()) this.deps.taskKinds.get(name)?.onWorkerStart?.({ workerId: this.deps.workerId, logger: this.deps.logger });
  }

  /** The kinds advertised in register: the coordinator assigns nothing else to this worker. */
  advertisedKinds(): string[] {
    return [...this.deps.taskKinds.keys()].filter((k) => this.runs(k));
  }

  /** What the worker holds, for the sync report. */
  held(): HeldTask[] {
    const out: HeldTask[] = [];
    for (const r of this.runningMap?.values() ?? []) {
      out.push({ executionId: r.executionId, attempt: r.attempt, leaseToken: r.leaseToken, state: 'running' });
    }
    for (const f of this.finishedMap?.values() ?? []) out.push({ ...f, state: 'finished' });
    return out;
  }

  /** The coordinator acknowledged this attempt's result: no longer held. */
  resultAcked(executionId: string, leaseToken: string): void {
    this.finishedMap?.delete(key(executionId, leaseToken));
  }

  /** Handles an `assign`. */
  assign(a: Assign): void {
    const { deps } = this;
    const existing = this.runningMap?.get(a.executionId);
    if (existing) {
      if (existing.leaseToken === a.leaseToken) return; // duplicate delivery
      this.abort(a.executionId, existing.leaseToken, 'revoked');
    }
    if (this.finishedMap?.has(key(a.executionId, a.leaseToken)) === true) return; // already ran this lease
    if (!this.accepting) return this.reject(a, 'revoked', ErrorCode.Unavailable, `worker ${deps.workerId} is draining`);
    if (this.runningCount >= deps.concurrency) {
      deps.marks?.hit('worker.refused-at-capacity');
      return this.reject(a, 'revoked', ErrorCode.Unavailable, `worker ${deps.workerId} is at its concurrency limit ${deps.concurrency}`);
    }
    if (DANGEROUS_KINDS.has(a.kind) && !deps.allowedKinds.has(a.kind)) {
      return this.reject(a, 'failed', 'kind_not_allowed', `worker ${deps.workerId} does not run "${a.kind}" tasks: start it with --allow-kinds ${a.kind} to opt in`);
    }
    const kind = deps.taskKinds.get(a.kind);
    if (!kind) {
      const known = [...deps.taskKinds.keys()].join(', ');
      return this.reject(a, 'failed', ErrorCode.UnknownTaskKind, `unknown task kind "${a.kind}"; this worker runs: ${known}`);
    }
    // The task gets its params as submitted, `__proto__` members included (own-keys.ts).
    const parsed = safeParseKeeping(kind.params, a.params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = ['params', ...(issue?.path ?? []).map(String)].join('.');
      return this.reject(a, 'failed', ErrorCode.InvalidArgument, `invalid params for "${a.kind}": ${issue?.message ?? 'schema mismatch'} at ${path}`);
    }
    this.start(a, kind, parsed.data);
  }

  /** Aborts the attempt holding this lease (any lease if leaseToken is undefined). Returns whether one was aborted. */
  abort(executionId: string, leaseToken: string | undefined, reason: AbortReason): boolean {
    const run = this.runningMap?.get(executionId);
    if (!run || run.done || (leaseToken !== undefined && run.leaseToken !== leaseToken)) return false;
    if (run.abortReason !== undefined) return true;
    run.abortReason = reason;
    this.deps.events.emit({
      type: 'task_aborted',
      at: this.deps.clock.now(),
      source: this.deps.workerId,
      executionId,
      workerId: this.deps.workerId,
      attempt: run.attempt,
      leaseToken: run.leaseToken,
      reason,
    });
    run.controller?.abort(new TaskAbortedError(reason));
    return true;
  }

  /** Aborts every running attempt (shutdown without drain). */
  abortAll(reason: AbortReason): void {
    for (const r of [...(this.runningMap?.values() ?? [])]) this.abort(r.executionId, r.leaseToken, reason);
  }

  private lease(run: { executionId: string; attempt: number; leaseToken: string }) {
    return { executionId: run.executionId, workerId: this.deps.workerId, attempt: run.attempt, leaseToken: run.leaseToken };
  }

  private reject(a: Assign, outcome: Result['outcome'], code: string, message: string): void {
    this.deps.logger.warn({ executionId: a.executionId, code }, message);
    this.setFinished({ executionId: a.executionId, attempt: a.attempt, leaseToken: a.leaseToken });
    this.deps.outlet.send({
      type: 'result',
      executionId: a.executionId,
      attempt: a.attempt,
      leaseToken: a.leaseToken,
      outcome,
      error: { code, message },
      durationMs: 0,
    });
    this.deps.outlet.settled();
  }

  private start(a: Assign, kind: TaskKind<unknown>, params: unknown): void {
    const { deps } = this;
    const run: Run = {
      executionId: a.executionId,
      attempt: a.attempt,
      leaseToken: a.leaseToken,
      controller: undefined,
      startedAt: deps.clock.monotonic(),
      timer: undefined,
      abortReason: undefined,
      done: false,
    };
    this.running.set(a.executionId, run);
    const runKey = key(a.executionId, a.leaseToken);
    this.starts.add(runKey, { type: 'started', executionId: a.executionId, attempt: a.attempt, leaseToken: a.leaseToken });
    const resumes = a.checkpoint === undefined ? {} : { checkpointSeq: a.checkpoint.seq };
    deps.events.emit({ type: 'task_started', at: deps.clock.now(), source: deps.workerId, ...this.lease(run), ...resumes });
    if (a.timeoutMs !== undefined) {
      run.timer = deps.clock.setTimeout(() => this.abort(run.executionId, run.leaseToken, 'timeout'), a.timeoutMs);
    }
    const logger = deps.logger.child({ executionId: a.executionId, attempt: a.attempt });
    const ctx = attemptContext({ deps, logger, maxFrameBytes: () => this.maxFrameBytes, releaseStart: () => this.starts.release(runKey) }, run, a);
    Promise.resolve()
      .then(() => kind.run(params, ctx))
      .then(
        (value) => this.settle(run, { ok: true, value }),
        (err: unknown) => this.settle(run, { ok: false, err }),
      )
      .catch((err: unknown) => logger.error({ err }, 'settling a task attempt failed'));
  }

  private settle(run: Run, r: Settled): void {
    const { deps } = this;
    const durationMs = Math.max(0, deps.clock.monotonic() - run.startedAt);
    run.done = true;
    run.timer?.cancel();
    if (this.running.get(run.executionId) === run) this.running.delete(run.executionId);
    const verdict = verdictOf(run, r);
    const lease = { executionId: run.executionId, attempt: run.attempt, leaseToken: run.leaseToken };
    this.setFinished(lease);
    const result = redactSecrets(verdict.result, deps.redact ?? []);
    let error = redactSecrets(verdict.error, deps.redact ?? []);
    let outcome = verdict.outcome;
    // A start still unsent is reported by the result (one message instead of two).
    const started = this.startsHeld?.fold(key(run.executionId, run.leaseToken)) === true ? { started: true as const } : {};
    let msg: OutMessage = {
      type: 'result',
      ...lease,
      outcome,
      ...(result === undefined ? {} : { result: result as never }),
      ...(error === undefined ? {} : { error }),
      durationMs,
      ...started,
    };
    const bytes = frameBytes(msg);
    if (bytes > this.maxFrameBytes) {
      // Sent as is, the coordinator would close the link and the re-send would fail forever.
      outcome = 'failed';
      error = { code: ErrorCode.TooLarge, message: `result of ${bytes} bytes exceeds maxFrameBytes ${this.maxFrameBytes}; return less (or store it elsewhere)` };
      msg = { type: 'result', ...lease, outcome, error, durationMs, ...started };
      deps.marks?.hit('worker.result-too-large');
    }
    deps.outlet.send(msg);
    deps.events.emit({ type: 'task_finished', at: deps.clock.now(), source: deps.workerId, ...this.lease(run), outcome, ...(error === undefined ? {} : { errorCode: error.code }) });
    deps.outlet.settled();
  }
}

type Settled = { ok: true; value: unknown } | { ok: false; err: unknown };

/** What an attempt ended with: its abort reason wins, then the task's value (JSON) or error. */
function verdictOf(run: Run, r: Settled): { outcome: Result['outcome']; result?: unknown; error?: { code: string; message: string } } {
  if (run.abortReason !== undefined) {
    const error = { code: run.abortReason === 'timeout' ? ErrorCode.Timeout : ErrorCode.Aborted, message: `attempt aborted: ${run.abortReason}` };
    return { outcome: OUTCOME_OF_ABORT[run.abortReason], ...(r.ok && run.abortReason === 'pause' ? {} : { error }) };
  }
  if (!r.ok) {
    const info = toErrorInfo(r.err);
    return { outcome: 'failed', error: { code: info.code.slice(0, 100), message: info.message.slice(0, 4000) } };
  }
  try {
    return { outcome: 'completed', result: toJson(r.value) };
  } catch (err) {
    return { outcome: 'failed', error: { code: ErrorCode.TaskFailed, message: `task returned a value that is not JSON: ${(err as Error).message}` } };
  }
}
