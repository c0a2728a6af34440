/** Reconnect-time histograms and the bench's scaling chart (p99 as the fleet grows). */
import type { TopLevelSpec } from 'vega-lite';
import { logOrLinear } from './chart-cdf.js';
import { CONFIG, strategyScale } from './chart-style.js';
import type { ReconnectSampleGroup, RunResult } from './model.js';

/** Log-spaced histogram bins of one sample set: ~6 bins per decade. */
function logHistogram(values: readonly number[]): { lo: number; hi: number; count: number }[] {
  const positive = values.map((v) => Math.max(v, 1e-3));
  if (positive.length === 0) return [];
  const perDecade = 6;
  const lo = Math.floor(Math.log10(Math.min(...positive)) * perDecade);
  const hi = Math.floor(Math.log10(Math.max(...positive)) * perDecade);
  const counts = new Map<number, number>();
  for (const v of positive) {
    const b = Math.floor(Math.log10(v) * perDecade);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  const out: { lo: number; hi: number; count: number }[] = [];
  for (let b = lo; b <= hi; b++) {
    out.push({ lo: 10 ** (b / perDecade), hi: 10 ** ((b + 1) / perDecade), count: counts.get(b) ?? 0 });
  }
  return out;
}

/** Equal-width bins over the samples' range: 8 to 30 depending on the sample count. */
function linearHistogram(values: readonly number[]): { lo: number; hi: number; count: number }[] {
  if (values.length === 0) return [];
  const min = Math.min(...values);
  const max = Math.max(...values);
  const n = Math.min(30, Math.max(8, Math.ceil(2 * Math.sqrt(values.length))));
  const width = max > min ? (max - min) / n : 1;
  const counts = new Array<number>(n).fill(0);
  for (const v of values) {
    const i = Math.min(n - 1, Math.floor((v - min) / width));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts.map((count, i) => ({ lo: min + i * width, hi: min + (i + 1) * width, count }));
}

interface HistogramBar {
  strategy: string;
  panel: string;
  lo: number;
  hi: number;
  count: number;
}

/** Benches: only the largest fleet's groups (one row per condition); a single-fleet run keeps all. */
function largestFleetGroups(all: readonly ReconnectSampleGroup[]): {
  groups: ReconnectSampleGroup[];
  largest: number;
  fleetsVary: boolean;
} {
  const largest = Math.max(...all.map((g) => g.fleetSize ?? -1));
  const fleetsVary = new Set(all.map((g) => g.fleetSize ?? -1)).size > 1;
  const groups = fleetsVary ? all.filter((g) => (g.fleetSize ?? -1) === largest) : [...all];
  return { groups, largest, fleetsVary };
}

/** The facet cell: one histogram of bins, sized small when there are many panels (type inferred so the spec cast checks it). */
function histogramCell(bars: readonly HistogramBar[], log: boolean, small: boolean, colors: ReturnType<typeof strategyScale>) {
  const binWord = log ? 'log bins' : 'bins';
  return {
    width: small ? 190 : 280,
    height: small ? 70 : 160,
    mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: {
        field: 'lo',
        type: 'quantitative',
        scale: {
          type: log ? 'log' : 'linear',
          domain: [Math.min(...bars.map((b) => b.lo)), Math.max(...bars.map((b) => b.hi))],
          nice: false,
          ...(log ? {} : { zero: false }),
        },
        title: small ? `ms (${binWord})` : `reconnect time (ms, ${binWord})`,
      },
      x2: { field: 'hi' },
      y: { field: 'count', type: 'quantitative', title: small ? null : 'reconnects', axis: { tickCount: 3 } },
      y2: { datum: 0 },
      color: { field: 'strategy', type: 'nominal', scale: colors, legend: null },
    },
  };
}

/** Reconnect-time histograms per strategy (benches: the largest fleet, one row per condition). */
export function latencyHistogramSpec(result: RunResult): TopLevelSpec | undefined {
  const nonEmpty = result.reconnectSamples.filter((g) => g.ms.length > 0);
  if (nonEmpty.length === 0) return undefined;
  const { groups, largest, fleetsVary } = largestFleetGroups(nonEmpty);
  const strategies = strategyScale(groups.map((g) => g.strategy));
  const conditions = [...new Set(groups.map((g) => g.condition))];
  const panelOfGroup = (g: ReconnectSampleGroup): string =>
    conditions.length > 1 ? `${g.condition} · ${g.strategy}` : g.strategy;
  // Log bins when the values span decades; plain bins over a narrow range read better.
  const log = logOrLinear(groups.flatMap((g) => g.ms)).type === 'log';
  const bin = log ? logHistogram : linearHistogram;
  const bars = groups.flatMap((g) => bin(g.ms).map((b) => ({ strategy: g.strategy, panel: panelOfGroup(g), ...b })));
  const binWord = log ? 'log bins' : 'bins';
  const order = conditions.flatMap((c) =>
    strategies.domain.flatMap((st) => groups.filter((g) => g.condition === c && g.strategy === st).map(panelOfGroup)),
  );
  const small = conditions.length > 1 || strategies.domain.length > 2;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Reconnect time histograms',
      subtitle: [
        fleetsVary ? `fleet of ${largest} workers, by condition and backoff strategy` : 'all reconnects of the run',
        ...(small ? [`x: reconnect time (ms, ${binWord}); y: reconnects per bin`] : []),
      ],
    },
    config: CONFIG,
    data: { values: bars },
    facet: { field: 'panel', type: 'nominal', title: null, sort: order, header: { labelLimit: 0 } },
    columns: Math.min(4, strategies.domain.length),
    // Lay cells out by their plots, not by estimated header widths (no canvas to measure text).
    bounds: 'flush',
    spacing: { column: 28, row: 34 },
    spec: histogramCell(bars, log, small, strategies),
  } as TopLevelSpec;
}

/** Benchmark p99 by fleet size, one line per strategy, one panel per condition. */
export function benchScalingSpec(result: RunResult): TopLevelSpec | undefined {
  const rows = result.benchRows ?? [];
  if (rows.length === 0 || new Set(rows.map((r) => r.fleetSize)).size < 2) return undefined;
  const data = rows.map((r) => ({ ...r, p99plot: Math.max(r.p99, 0.01) }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'p99 heal → synced by fleet size', subtitle: 'how each backoff strategy scales under each condition' },
    config: CONFIG,
    data: { values: data },
    facet: {
      field: 'condition',
      type: 'nominal',
      title: null,
      sort: [...new Set(rows.map((r) => r.condition))],
      header: { labelLimit: 0 },
    },
    columns: 3,
    bounds: 'flush',
    spacing: { column: 28, row: 34 },
    spec: {
      width: 190,
      height: 120,
      mark: { type: 'line', point: true },
      encoding: {
        x: {
          field: 'fleetSize',
          type: 'quantitative',
          scale: { type: 'log' },
          axis: { values: [...new Set(rows.map((r) => r.fleetSize))] },
          title: 'fleet size (workers, log)',
        },
        y: { field: 'p99plot', type: 'quantitative', scale: { type: 'log' }, title: 'p99 (ms, log)' },
        color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: strategyScale(rows.map((r) => r.strategy)) },
      },
    },
  } as TopLevelSpec;
}
