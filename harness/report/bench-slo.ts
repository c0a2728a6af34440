/**
 * The reconnection benchmark's targets (issue 5), evaluated from its rows so
 * the report shows them as SLOs: one worker within 2 ms of the handshake
 * floor beyond its backoff wait; the largest fleet healed at once all synced
 * within 2 s with full-jitter, with `none` beside it for comparison; no lost or
 * duplicated completion; coordinator event-loop lag p99 under 50 ms.
 * Targets whose cells were not measured (e.g. in --quick) are left out.
 */
import type { BenchRow, Completions, SloResult } from './model.js';

export interface BenchTargets {
  /** Allowed p99 beyond backoff above the floor's p99, one worker on a clean link; default 2 ms. */
  singleOverFloorMs?: number;
  /** Allowed max heal-to-synced for the largest fleet with full-jitter; default 2000 ms. */
  herdMaxMs?: number;
  /** Allowed coordinator event-loop lag p99; default 50 ms. */
  loopLagP99Ms?: number;
}

/** SLO rows for a reconnect benchmark result. */
export function reconnectBenchSlos(
  input: { benchRows?: readonly BenchRow[] | undefined; floor?: { p50: number; p99: number } | undefined; completions?: Completions | undefined },
  targets: BenchTargets = {},
): SloResult[] {
  const rows = input.benchRows ?? [];
  const out: SloResult[] = [];
  const clean = rows.filter((r) => r.condition === 'clean');
  const single = clean.filter((r) => r.fleetSize === 1);
  if (input.floor && single.length > 0) {
    const worst = single.reduce((a, b) => (b.beyondBackoffP99 > a.beyondBackoffP99 ? b : a));
    const target = input.floor.p99 + (targets.singleOverFloorMs ?? 2);
    out.push({
      name: `one worker, clean link: p99 beyond backoff within ${targets.singleOverFloorMs ?? 2} ms of the handshake floor (worst strategy: ${worst.strategy})`,
      target,
      measured: worst.beyondBackoffP99,
      unit: 'ms',
      passed: worst.beyondBackoffP99 <= target,
    });
  }
  const largest = Math.max(0, ...clean.map((r) => r.fleetSize));
  const herd = clean.filter((r) => r.fleetSize === largest && largest > 1);
  const fj = herd.find((r) => r.strategy === 'full-jitter');
  if (fj) {
    const target = targets.herdMaxMs ?? 2000;
    out.push({ name: `${largest} workers healed at once, full-jitter: all synced within ${target} ms`, target, measured: fj.max, unit: 'ms', passed: fj.max <= target });
  }
  const none = herd.find((r) => r.strategy === 'none');
  if (none) {
    // Shown for comparison; `none` is expected to herd, so it never fails the run.
    out.push({ name: `${largest} workers healed at once, none (comparison only): max heal-to-synced`, target: 'informational', measured: none.max, unit: 'ms', passed: true });
  }
  if (herd.length > 0) {
    const worstLag = Math.max(...herd.filter((r) => r.strategy !== 'none').map((r) => r.loopLagP99), 0);
    const target = targets.loopLagP99Ms ?? 50;
    out.push({ name: `coordinator event-loop lag p99, ${largest} workers (jittered strategies)`, target, measured: worstLag, unit: 'ms', passed: worstLag < target });
  }
  if (input.completions) {
    const bad = input.completions.lost + input.completions.duplicated;
    out.push({ name: 'no lost or duplicated completions', target: 0, measured: bad, passed: bad === 0 });
  }
  return out;
}
