/** Reconnect-time CDF charts: one line per strategy, faceted by condition and fleet size when they vary. */
import type { TopLevelSpec } from 'vega-lite';
import { percentileOfSorted } from '../../system/core/index.js';
import { CONFIG, strategyScale } from './chart-style.js';
import { fmtMs } from './format.js';
import type { ReconnectSampleGroup, RunResult } from './model.js';

interface CdfPoint {
  strategy: string;
  panel: string;
  ms: number;
  fraction: number;
}

/** At most `maxPoints` (value, cumulative fraction) points of a sample set. */
function cdfPoints(values: readonly number[], maxPoints = 200): { value: number; fraction: number }[] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return [];
  // The step starts at (first sample, 0) so even a single sample draws a visible jump.
  const start = { value: sorted[0] ?? 0, fraction: 0 };
  if (n <= maxPoints) return [start, ...sorted.map((value, i) => ({ value, fraction: (i + 1) / n }))];
  const out = [start, { value: sorted[0] ?? 0, fraction: 1 / n }];
  for (let k = 1; k <= maxPoints; k++) {
    const q = k / maxPoints;
    out.push({ value: percentileOfSorted(sorted, q * 100) ?? 0, fraction: q });
  }
  return out;
}

const fleetLabel = (g: ReconnectSampleGroup): string =>
  g.fleetSize === undefined ? 'fleet' : `${g.fleetSize} worker${g.fleetSize === 1 ? '' : 's'}`;

/** Title of a small multiple: whichever of condition / fleet size varies. */
function panelOf(g: ReconnectSampleGroup, conditionsVary: boolean, fleetsVary: boolean): string {
  return [conditionsVary ? g.condition : '', fleetsVary ? fleetLabel(g) : ''].filter((x) => x !== '').join(' · ');
}

/**
 * Wrapped facet over a `panel` field (one titled panel per condition × fleet
 * size, fleets across): titles sit above each panel, which reads better than
 * row headers whose width vega can only estimate without a canvas.
 */
function facetFor(groups: readonly ReconnectSampleGroup[]): {
  spec: Record<string, unknown> | undefined;
  panel: (g: ReconnectSampleGroup) => string;
} {
  const conditionsVary = new Set(groups.map((g) => g.condition)).size > 1;
  const fleets = [...new Set(groups.map((g) => g.fleetSize ?? -1))].sort((a, b) => a - b);
  const fleetsVary = fleets.length > 1;
  const panel = (g: ReconnectSampleGroup): string => panelOf(g, conditionsVary, fleetsVary);
  if (!conditionsVary && !fleetsVary) return { spec: undefined, panel };
  const order = [...groups]
    .sort((a, b) => (a.fleetSize ?? -1) - (b.fleetSize ?? -1))
    .sort((a, b) => (conditionsVary ? conditionIndex(groups, a) - conditionIndex(groups, b) : 0));
  const sort = [...new Set(order.map(panel))];
  return {
    spec: {
      facet: { field: 'panel', type: 'nominal', title: null, sort, header: { labelLimit: 0 } },
      columns: fleetsVary ? fleets.length : 3,
      bounds: 'flush',
      spacing: { column: 28, row: 34 },
    },
    panel,
  };
}

function conditionIndex(groups: readonly ReconnectSampleGroup[], g: ReconnectSampleGroup): number {
  return groups.findIndex((x) => x.condition === g.condition);
}

export function logOrLinear(values: readonly number[]): { type: 'log' | 'linear'; min: number } {
  const positive = values.filter((v) => v > 0);
  const lo = positive.length > 0 ? Math.min(...positive) : 1;
  const hi = values.length > 0 ? Math.max(...values) : 1;
  return hi / Math.max(lo, 1e-3) > 50 ? { type: 'log', min: Math.max(lo, 1e-3) } : { type: 'linear', min: 0 };
}

/** The subtitle lines: the axes (small multiples only), then the connect floor or the sample count. */
function cdfSubtitle(
  result: RunResult,
  field: 'ms' | 'beyondBackoffMs',
  groups: readonly ReconnectSampleGroup[],
  axesLine: string,
): string[] {
  return [
    axesLine,
    field === 'beyondBackoffMs' && result.floor
      ? `bare ws connect + handshake floor: p50 ${fmtMs(result.floor.p50)}, p99 ${fmtMs(result.floor.p99)}`
      : `${groups.reduce((n, g) => n + g.ms.length, 0)} samples`,
  ].filter((x) => x !== '');
}

/** The plotted cell: step lines per strategy, small when faceted (type inferred so the spec cast checks it). */
function cdfCell(small: boolean, axisTitle: string, scaleType: 'log' | 'linear', colors: ReturnType<typeof strategyScale>) {
  return {
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: small ? 1.5 : 2, clip: true },
    width: small ? 220 : 560,
    height: small ? 110 : 260,
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: axisTitle, scale: { type: scaleType, nice: false } },
      y: {
        field: 'fraction',
        type: 'quantitative',
        title: small ? null : 'share of reconnects',
        axis: { format: '%', tickCount: 5 },
        scale: { domain: [0, 1] },
      },
      color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: colors },
    },
  };
}

/** CDF of reconnect times (or of the part beyond backoff), one line per strategy. */
export function reconnectCdfSpec(
  result: RunResult,
  field: 'ms' | 'beyondBackoffMs',
): TopLevelSpec | undefined {
  const groups = result.reconnectSamples.filter((g) => (field === 'ms' ? g.ms : g.beyondBackoffMs ?? []).length > 0);
  if (groups.length === 0) return undefined;
  const { spec: facet, panel } = facetFor(groups);
  const small = facet !== undefined;
  const points: CdfPoint[] = [];
  for (const g of groups) {
    for (const p of cdfPoints(field === 'ms' ? g.ms : g.beyondBackoffMs ?? [], small ? 80 : 200)) {
      points.push({ strategy: g.strategy, panel: panel(g), ms: p.value, fraction: p.fraction });
    }
  }
  const scale = logOrLinear(points.map((p) => p.ms));
  for (const p of points) p.ms = Math.max(p.ms, scale.min);
  const log = scale.type === 'log' ? ', log scale' : '';
  const what = field === 'ms' ? 'heal → registered & synced' : 'time beyond backoff wait';
  // Small multiples repeat axis titles per panel: keep them short and say the rest in the subtitle.
  const axisTitle = small ? `ms${scale.type === 'log' ? ' (log)' : ''}` : `${what} (ms${log})`;
  const title =
    field === 'ms' ? 'Reconnect time CDF by backoff strategy' : 'Reconnect time beyond the backoff wait (CDF)';
  const subtitle = cdfSubtitle(result, field, groups, small ? `x: ${what} (ms${log}); y: share of reconnects done` : '');
  const inner = cdfCell(small, axisTitle, scale.type, strategyScale(groups.map((g) => g.strategy)));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    config: CONFIG,
    data: { values: points },
    ...(facet ? { ...facet, spec: inner } : inner),
  } as TopLevelSpec;
}
