/**
 * Garbage collections of this process counted per benchmark phase (V8's
 * `gc` performance entries): how many scavenges (young generation) and
 * mark-compacts (old generation) ran during the max and the paced phase, and
 * their pause time. With `--trace-gc` among the node flags the phase
 * boundaries are also written to stdout (`# phase NAME`), so the trace's
 * lines can be attributed to a phase.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** GC counts and pause ms of one phase. */
export interface GcCounts {
  scavenges: number;
  markCompacts: number;
  otherGcs: number;
  pauseMs: number;
}

const empty = (): GcCounts => ({ scavenges: 0, markCompacts: 0, otherGcs: 0, pauseMs: 0 });

/** A running count: `phase(name)` starts counting into a new phase, `result()` returns all phases. */
export function gcPhases(): { phase(name: string): void; result(): Record<string, GcCounts>; stop(): void } {
  const phases: Record<string, GcCounts> = {};
  let current = empty();
  phases.setup = current;
  const traceGc = process.execArgv.includes('--trace-gc');
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) current.scavenges++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) current.markCompacts++;
      else current.otherGcs++;
      current.pauseMs += e.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    phase(name) {
      current = empty();
      phases[name] = current;
      if (traceGc) process.stdout.write(`# phase ${name}\n`);
    },
    result: () => Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, { ...v, pauseMs: Math.round(v.pauseMs * 10) / 10 }])),
    stop: () => observer.disconnect(),
  };
}

/** The young generation's configured size (new space, both semi-spaces, MB) and the process's peak RSS (MB): the cost of a larger young generation. */
export function heapFootprint(): { newSpaceMb: number; maxRssMb: number; heapTotalMb: number } {
  const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  const mb = (b: number): number => Math.round(b / 1048576);
  return { newSpaceMb: mb(newSpace?.space_size ?? 0), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), heapTotalMb: mb(process.memoryUsage().heapTotal) };
}
