/**
 * What one side of bench:peers (squall or BullMQ) measures in one run; the
 * orchestrator (benchmarks/peers.ts) pairs them up and takes ratios.
 */
import type { LatencySummaryMs } from './histogram.js';

/** The knobs both sides run with (same work on both). */
export interface PeerConfig {
  tasks: number;
  warmupTasks: number;
  workers: number;
  concurrency: number;
  /** Worker processes the workers are spread over. */
  processes: number;
  rate: number;
  pacedSec: number;
  warmupSec: number;
  batch: number;
  timeoutMs: number;
}

/** One system's measurements in one run. */
export interface SideResult {
  system: 'squall' | 'bullmq';
  durability: string;
  max: { tasks: number; completed: number; elapsedMs: number; tasksPerSec: number; timedOut: boolean };
  paced: { targetRate: number; achievedSubmitRate: number; timedOut: boolean; submitToCompleteMs: LatencySummaryMs };
  /** CPU µs per task of each process (role → µs) during the max run. */
  cpuUsPerTask: Record<string, number>;
}

/** Sum of a side's per-process CPU per task. */
export function totalCpuUs(r: SideResult): number {
  return Object.values(r.cpuUsPerTask).reduce((a, b) => a + b, 0);
}
