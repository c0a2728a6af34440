/**
 * bench:dispatch `--stall-trace`: what the paced phase's slow tasks waited
 * for (docs/BENCHMARKS.md, session 35). Opt-in: it adds a 1 ms interval
 * timer and a `gc` performance observer to the coordinator's process.
 *
 * Collects, in ms from the paced phase's start: every task slower than
 * `slowMs` (submit call to committed completion), the event loop's gaps
 * (the interval timer firing late by more than `gapMs`), V8's GC entries
 * (every major one, and minor ones longer than `gapMs`), and Store calls
 * whose commit took longer than `gapMs` (TimingStore's probe). Slow tasks
 * are grouped into stalls (submitted within 30 ms of the previous one's
 * completion) and each stall lists what overlapped it: the longest loop gap,
 * a major GC (from 200 ms before), the longest Store call. A stall with a
 * loop gap is the coordinator's main thread; one with a slow Store call but
 * no gap waited for the store's thread (a commit, a WAL checkpoint, fsync).
 * The stalls and the raw series are cut to their 100 longest entries each
 * (`slowTasks` counts them all).
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';

/** One group of slow tasks and what overlapped it. */
interface Stall {
  atMs: number;
  spanMs: number;
  tasks: number;
  maxMs: number;
  loopGapMs: number;
  majorGc: boolean;
  storeOpMs: number;
}

/** The paced phase's trace: counts, the stalls, and the raw series behind them. */
export interface StallReport {
  slowMs: number;
  slowTasks: number;
  stalls: Stall[];
  loopGaps: [atMs: number, ms: number][];
  gcs: [atMs: number, ms: number, kind: 'major' | 'minor' | 'other'][];
  slowStoreOps: [atMs: number, ms: number, op: string][];
}

export interface StallTrace {
  /** A task submitted at `submittedAt` (performance.now()) completed `ms` later. */
  task(submittedAt: number, ms: number): void;
  /** A Store call started at `startedAt` resolved `ms` later. */
  storeOp(op: string, startedAt: number, ms: number): void;
  stop(): StallReport;
}

const round = (x: number): number => Math.round(x * 10) / 10;

/** Starts tracing now (the paced phase's start). */
export function startStallTrace(slowMs = 20, gapMs = 10): StallTrace {
  const t0 = performance.now();
  const tasks: [number, number][] = [];
  const gaps: [number, number][] = [];
  const gcs: [number, number, 'major' | 'minor' | 'other'][] = [];
  const ops: [number, number, string][] = [];
  let last = t0;
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - last > gapMs + 1) gaps.push([round(last - t0), round(now - last - 1)]);
    last = now;
  }, 1);
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const k = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      const kind = k === constants.NODE_PERFORMANCE_GC_MAJOR ? 'major' : k === constants.NODE_PERFORMANCE_GC_MINOR ? 'minor' : 'other';
      if (kind === 'major' || e.duration > gapMs) gcs.push([round(e.startTime - t0), round(e.duration), kind]);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    task(submittedAt, ms) {
      if (ms > slowMs) tasks.push([submittedAt - t0, ms]);
    },
    storeOp(op, startedAt, ms) {
      if (ms > gapMs) ops.push([round(startedAt - t0), round(ms), op]);
    },
    stop() {
      clearInterval(timer);
      observer.disconnect();
      const stalls = groupStalls(tasks, gaps, gcs, ops);
      return { slowMs, slowTasks: tasks.length, stalls: longest(stalls, (x) => x.maxMs), loopGaps: longest(gaps, (x) => x[1]), gcs, slowStoreOps: longest(ops, (x) => x[1]) };
    },
  };
}

/** At most KEEP entries, the longest by `ms`, in their order: a loaded machine yields thousands. */
const KEEP = 100;
function longest<T>(xs: T[], ms: (x: T) => number): T[] {
  if (xs.length <= KEEP) return xs;
  const floor = xs.map(ms).sort((a, b) => b - a)[KEEP - 1] as number;
  return xs.filter((x) => ms(x) >= floor).slice(0, KEEP);
}

/** Whether [at, at + ms] overlaps [lo, hi]. */
const overlaps = (at: number, ms: number, lo: number, hi: number): boolean => at + ms >= lo && at <= hi;

/** Groups slow tasks into stalls and attributes each (see the file header). */
function groupStalls(tasks: [number, number][], gaps: [number, number][], gcs: StallReport['gcs'], ops: StallReport['slowStoreOps']): Stall[] {
  const out: Stall[] = [];
  let cur: { from: number; to: number; n: number; max: number } | undefined;
  const close = (): void => {
    if (cur === undefined) return;
    const { from, to } = cur;
    const longest = (xs: [number, number, ...unknown[]][]): number => Math.max(0, ...xs.filter(([a, ms]) => overlaps(a, ms, from, to)).map(([, ms]) => ms));
    out.push({
      atMs: round(from),
      spanMs: round(to - from),
      tasks: cur.n,
      maxMs: round(cur.max),
      loopGapMs: longest(gaps),
      majorGc: gcs.some(([a, , k]) => k === 'major' && a >= from - 200 && a <= to),
      storeOpMs: longest(ops),
    });
  };
  for (const [at, ms] of [...tasks].sort((a, b) => a[0] - b[0])) {
    if (cur === undefined || at > cur.to + 30) {
      close();
      cur = { from: at, to: at + ms, n: 0, max: 0 };
    }
    cur.to = Math.max(cur.to, at + ms);
    cur.n++;
    cur.max = Math.max(cur.max, ms);
  }
  close();
  return out;
}
