/**
 * Load drivers for the dispatch benchmark. Embedded drivers submit through
 * the engine's embedding API in the coordinator's own process and learn of
 * each completion when its terminal status commits (TimingStore). The HTTP
 * driver submits with POST /api/v1/executions/batch and follows
 * GET /api/v1/stats, for a coordinator running as its own process.
 */
import type * as hdr from 'hdr-histogram-js';
import type { ExecutionSpec } from '../../system/engine/contract.js';
import type { ExecutionRecord } from '../../system/core/model.js';
import { microsHistogram, recordMs, summarizeMs, type LatencySummaryMs } from './histogram.js';

/** What the embedded drivers need of the engine (EngineApi subset). */
export interface Submitter {
  scheduleTask(spec: ExecutionSpec): Promise<ExecutionRecord>;
  scheduleTaskBatch(specs: readonly ExecutionSpec[]): Promise<ExecutionRecord[]>;
}

const now = (): number => performance.now();
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Counts committed completions of tasks it issued (taskId prefix) and, when
 * given a histogram, records submit-to-committed-completion per task.
 */
export class CompletionTracker {
  private readonly submittedAt = new Map<string, number>();
  private done = 0;
  private failed = 0;
  private target = Infinity;
  private wake: (() => void) | undefined;
  lastAt = 0;

  constructor(
    private readonly prefix: string,
    private readonly histogram?: hdr.Histogram,
    private readonly recordFromMs = 0,
    private readonly onLatency?: (submittedAt: number, ms: number) => void,
  ) {}

  /** Remembers when task `taskId` was handed to the engine. */
  submitted(taskId: string, at: number): void {
    this.submittedAt.set(taskId, at);
  }

  /** The TimingStore listener. */
  onCommitted(rec: Readonly<ExecutionRecord>): void {
    if (rec.taskId === undefined || !rec.taskId.startsWith(this.prefix)) return;
    const t = now();
    const t0 = this.submittedAt.get(rec.taskId);
    this.submittedAt.delete(rec.taskId);
    if (rec.status !== 'completed') this.failed++;
    if (t0 !== undefined && this.histogram !== undefined && t0 >= this.recordFromMs) {
      recordMs(this.histogram, t - t0);
      this.onLatency?.(t0, t - t0);
    }
    this.done++;
    this.lastAt = t;
    if (this.done >= this.target) this.wake?.();
  }

  get completed(): number {
    return this.done;
  }

  get notCompleted(): number {
    return this.failed;
  }

  /** Resolves true when n tasks committed, false after timeoutMs. */
  async waitFor(n: number, timeoutMs: number): Promise<boolean> {
    if (this.done >= n) return true;
    this.target = n;
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([
      new Promise<boolean>((r) => (this.wake = () => r(true))),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    return ok;
  }
}

/** Result of a max-throughput run. */
export interface MaxRun {
  tasks: number;
  completed: number;
  /** Submit start to the last committed completion. */
  elapsedMs: number;
  tasksPerSec: number;
  /** How long handing all tasks to the engine took (commits included). */
  submitMs: number;
  timedOut: boolean;
  notCompleted: number;
}

function echoSpec(taskId: string, i: number): ExecutionSpec {
  return { kind: 'echo', params: { value: i }, taskId };
}

/**
 * Submits n echo tasks as fast as possible via scheduleTaskBatch in batches
 * of batchSize (one event-loop turn between batches, so dispatch overlaps
 * submission), then waits for all of them to complete.
 */
export async function maxEmbedded(
  engine: Submitter,
  setTracker: (t: CompletionTracker) => void,
  opts: { tasks: number; batchSize: number; timeoutMs: number; tag: string },
): Promise<MaxRun> {
  const prefix = `${opts.tag}-`;
  const tracker = new CompletionTracker(prefix);
  setTracker(tracker);
  const t0 = now();
  const commits: Promise<unknown>[] = [];
  for (let i = 0; i < opts.tasks; i += opts.batchSize) {
    const specs: ExecutionSpec[] = [];
    for (let j = i; j < Math.min(opts.tasks, i + opts.batchSize); j++) specs.push(echoSpec(`${prefix}${j}`, j));
    commits.push(engine.scheduleTaskBatch(specs));
    await tick();
  }
  await Promise.all(commits);
  const submitMs = now() - t0;
  const ok = await tracker.waitFor(opts.tasks, opts.timeoutMs);
  const elapsedMs = (ok ? tracker.lastAt : now()) - t0;
  return {
    tasks: opts.tasks,
    completed: tracker.completed,
    elapsedMs: Math.round(elapsedMs),
    tasksPerSec: Math.round((tracker.completed / elapsedMs) * 1000),
    submitMs: Math.round(submitMs),
    timedOut: !ok,
    notCompleted: tracker.notCompleted,
  };
}

/** Result of a paced run. */
export interface PacedRun {
  targetRate: number;
  achievedSubmitRate: number;
  durationSec: number;
  tasks: number;
  completed: number;
  timedOut: boolean;
  /** Submit call to committed completion, tasks submitted after the warm-up. */
  submitToCompleteMs: LatencySummaryMs;
}

/**
 * Submits echo tasks one scheduleTask call each at `rate` per second (checked
 * every millisecond, catching up on lag) for durationSec; latency is recorded
 * for tasks submitted after warmupSec.
 */
export async function pacedEmbedded(
  engine: Submitter,
  setTracker: (t: CompletionTracker) => void,
  opts: { rate: number; durationSec: number; warmupSec: number; timeoutMs: number; tag: string; onLatency?: (submittedAt: number, ms: number) => void },
): Promise<PacedRun> {
  const prefix = `${opts.tag}-`;
  const histogram = microsHistogram();
  const t0 = now();
  const tracker = new CompletionTracker(prefix, histogram, t0 + opts.warmupSec * 1000, opts.onLatency);
  setTracker(tracker);
  const total = Math.round(opts.rate * opts.durationSec);
  let sent = 0;
  let errors = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((now() - t0) / 1000) * opts.rate));
    for (; sent < due; sent++) {
      const taskId = `${prefix}${sent}`;
      tracker.submitted(taskId, now());
      engine.scheduleTask(echoSpec(taskId, sent)).catch(() => errors++);
    }
    await sleep(1);
  }
  const submitSec = (now() - t0) / 1000;
  const ok = await tracker.waitFor(total, opts.timeoutMs);
  const out: PacedRun = {
    targetRate: opts.rate,
    achievedSubmitRate: Math.round(total / submitSec),
    durationSec: opts.durationSec,
    tasks: total,
    completed: tracker.completed,
    timedOut: !ok || errors > 0,
    submitToCompleteMs: summarizeMs(histogram),
  };
  histogram.destroy();
  return out;
}

async function completedCount(httpUrl: string): Promise<number> {
  const res = await fetch(`${httpUrl}/api/v1/stats`);
  const body = (await res.json()) as { byStatus?: Record<string, number> };
  return body.byStatus?.completed ?? 0;
}

/**
 * Submits n echo tasks through POST /api/v1/executions/batch (batchSize per
 * request, `inflight` requests at once) and polls GET /api/v1/stats every
 * pollMs until n more executions completed.
 */
export async function maxHttp(
  httpUrl: string,
  opts: { tasks: number; batchSize: number; inflight: number; pollMs: number; timeoutMs: number; tag: string },
): Promise<MaxRun & { httpErrors: number }> {
  const base = await completedCount(httpUrl);
  const t0 = now();
  let next = 0;
  let httpErrors = 0;
  const sender = async (): Promise<void> => {
    while (next < opts.tasks) {
      const from = next;
      next = Math.min(opts.tasks, next + opts.batchSize);
      const executions: ExecutionSpec[] = [];
      for (let j = from; j < next; j++) executions.push(echoSpec(`${opts.tag}-${j}`, j));
      const res = await fetch(`${httpUrl}/api/v1/executions/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ executions }),
      });
      await res.arrayBuffer();
      if (res.status !== 201) httpErrors++;
    }
  };
  await Promise.all(Array.from({ length: opts.inflight }, sender));
  const submitMs = now() - t0;
  let done = 0;
  let lastAt = now();
  const until = t0 + opts.timeoutMs;
  while (now() < until) {
    done = (await completedCount(httpUrl)) - base;
    lastAt = now();
    if (done >= opts.tasks) break;
    await sleep(opts.pollMs);
  }
  const elapsedMs = lastAt - t0;
  return {
    tasks: opts.tasks,
    completed: done,
    elapsedMs: Math.round(elapsedMs),
    tasksPerSec: Math.round((done / elapsedMs) * 1000),
    submitMs: Math.round(submitMs),
    timedOut: done < opts.tasks,
    notCompleted: 0,
    httpErrors,
  };
}
