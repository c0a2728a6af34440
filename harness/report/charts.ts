/**
 * Charts for index.html: vega-lite specs built from a RunResult, rendered to
 * static SVG headless (vega View with renderer 'none' → toSVG; no canvas, no
 * browser, no network). Large series are reduced before plotting (CDFs to at
 * most 200 quantile points, timelines to 600 points, histograms pre-binned)
 * so a report renders in well under a second or two.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { FaultInterval, ReconnectSampleGroup, RunResult, TimelinePoint } from './model.js';
import { ErrorCode, percentileOfSorted, SquallError } from '../../system/core/index.js';
import { fmtMs } from './format.js';

/** A rendered chart: a title for the figure and the inline SVG markup. */
export interface RenderedChart {
  id: string;
  title: string;
  caption: string;
  svg: string;
}

/** Known strategies get fixed colours so every chart agrees; others follow. */
const STRATEGY_ORDER = ['none', 'full-jitter', 'equal-jitter', 'decorrelated-jitter'];
const PALETTE = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

const CONFIG = {
  // Short on purpose (repeated on every text element); index.html's CSS sets the nicer stack.
  font: 'sans-serif',
  background: 'white',
  padding: 8,
  title: { fontSize: 14, anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555', offset: 14 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#eee' },
  header: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', orient: 'right', labelLimit: 220 },
  view: { stroke: '#ddd' },
} as const;

function strategyScale(strategies: readonly string[]): { domain: string[]; range: string[] } {
  const known = STRATEGY_ORDER.filter((s) => strategies.includes(s));
  const others = [...new Set(strategies)].filter((s) => !STRATEGY_ORDER.includes(s)).sort();
  const domain = [...known, ...others];
  const range = domain.map((s) => {
    const i = STRATEGY_ORDER.indexOf(s);
    return PALETTE[i >= 0 ? i : 4 + (others.indexOf(s) % 4)] ?? '#777';
  });
  return { domain, range };
}

/** vega and vega-lite log warnings to the console; a CLI printing --json must stay quiet. Errors still throw. */
const QUIET = vega.logger(vega.None);

/** Compiles and renders one vega-lite spec to an SVG string. */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  let vgSpec;
  try {
    vgSpec = compile(spec, { logger: QUIET }).spec;
  } catch (err) {
    // vega-lite quotes the whole spec (data included) in its message: keep the first line short.
    const msg = err instanceof Error ? err.message : String(err);
    throw new SquallError(ErrorCode.Internal, `vega-lite rejected a chart spec: ${msg.slice(0, 300)}`);
  }
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', logger: QUIET });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Makes an SVG safe to inline several times in one page: unique ids, no namespace URLs. */
function inlineSvg(svg: string, prefix: string): string {
  return svg
    .replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}

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

function logOrLinear(values: readonly number[]): { type: 'log' | 'linear'; min: number } {
  const positive = values.filter((v) => v > 0);
  const lo = positive.length > 0 ? Math.min(...positive) : 1;
  const hi = values.length > 0 ? Math.max(...values) : 1;
  return hi / Math.max(lo, 1e-3) > 50 ? { type: 'log', min: Math.max(lo, 1e-3) } : { type: 'linear', min: 0 };
}

/** CDF of reconnect times (or of the part beyond backoff), one line per strategy. */
function reconnectCdfSpec(
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
  const subtitle = [
    small ? `x: ${what} (ms${log}); y: share of reconnects done` : '',
    field === 'beyondBackoffMs' && result.floor
      ? `bare ws connect + handshake floor: p50 ${fmtMs(result.floor.p50)}, p99 ${fmtMs(result.floor.p99)}`
      : `${groups.reduce((n, g) => n + g.ms.length, 0)} samples`,
  ].filter((x) => x !== '');
  const inner = {
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: small ? 1.5 : 2, clip: true },
    width: small ? 220 : 560,
    height: small ? 110 : 260,
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: axisTitle, scale: { type: scale.type, nice: false } },
      y: {
        field: 'fraction',
        type: 'quantitative',
        title: small ? null : 'share of reconnects',
        axis: { format: '%', tickCount: 5 },
        scale: { domain: [0, 1] },
      },
      color: { field: 'strategy', type: 'nominal', title: 'strategy', scale: strategyScale(groups.map((g) => g.strategy)) },
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    config: CONFIG,
    data: { values: points },
    ...(facet ? { ...facet, spec: inner } : inner),
  } as TopLevelSpec;
}

/** Evenly thins a series to at most `max` points, always keeping the last. */
function thin<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const step = xs.length / max;
  const out: T[] = [];
  for (let i = 0; i < max; i++) {
    const x = xs[Math.floor(i * step)];
    if (x !== undefined) out.push(x);
  }
  const last = xs[xs.length - 1];
  if (last !== undefined && out[out.length - 1] !== last) out.push(last);
  return out;
}

const faultLabel = (f: FaultInterval): string => `${f.action} → ${f.target}`;

/** Fault intervals (shaded) against connected workers and throughput over time. */
export function timelineSpec(result: RunResult): TopLevelSpec | undefined {
  if (result.timeline.length === 0) return undefined;
  const points = thin(result.timeline, 600).map((p: TimelinePoint) => ({
    s: p.t / 1000,
    connected: p.connectedWorkers,
    throughput: p.throughputPerSec,
  }));
  const faults = result.faults.map((f) => ({ start: f.start / 1000, end: Math.max(f.end, f.start) / 1000, label: faultLabel(f), action: f.action }));
  // The axis covers the whole run (and the heal), not just up to the last sample.
  const runS = (result.simulatedMs ?? result.wallMs) / 1000;
  const healS = result.healAt === undefined ? undefined : result.healAt / 1000;
  const maxS = Math.max(points[points.length - 1]?.s ?? 0, runS, healS ?? 0, ...faults.map((f) => f.end));
  const x = { type: 'quantitative', scale: { domain: [0, maxS], nice: false } };
  const timeAxis = result.simulatedMs !== undefined ? 'simulated time since start (s)' : 'time since start (s)';
  const shade = {
    data: { values: faults },
    mark: { type: 'rect', opacity: 0.14, color: '#d62728' },
    encoding: { x: { ...x, field: 'start', title: timeAxis }, x2: { field: 'end' } },
  };
  const heal =
    healS === undefined
      ? []
      : [
          { data: { values: [{ s: healS }] }, mark: { type: 'rule', color: '#1a7f37', strokeDash: [4, 3], strokeWidth: 2 }, encoding: { x: { ...x, field: 's' } } },
          { data: { values: [{ s: healS, label: 'heal' }] }, mark: { type: 'text', color: '#1a7f37', align: 'left', dx: 4, baseline: 'top', y: 2, fontWeight: 'bold' }, encoding: { x: { ...x, field: 's' }, text: { field: 'label' } } },
        ];
  const panel = (field: string, yTitle: string, color: string, showX: boolean): Record<string, unknown> => ({
    width: 640,
    height: 150,
    layer: [
      ...(faults.length > 0 ? [shade] : []),
      ...heal,
      {
        data: { values: points },
        mark: { type: 'line', color, strokeWidth: 1.5, interpolate: 'step-after' },
        encoding: {
          x: { ...x, field: 's', title: showX ? timeAxis : null, axis: showX ? {} : { labels: false, ticks: true } },
          y: { field, type: 'quantitative', title: yTitle },
        },
      },
    ],
  });
  const lanes = [...new Set(faults.map((f) => f.label))];
  // labelLimit 0 above: vega estimates text width without a canvas and would cut labels short.
  const gantt = {
    width: 640,
    height: Math.max(20, 18 * lanes.length),
    data: { values: faults },
    mark: { type: 'bar', cornerRadius: 2, height: 12 },
    encoding: {
      x: { ...x, field: 'start', title: null, axis: { labels: false } },
      x2: { field: 'end' },
      y: { field: 'label', type: 'nominal', title: null, sort: lanes, axis: { labelLimit: 0 } },
      color: { field: 'action', type: 'nominal', title: 'fault', scale: { scheme: 'set2' } },
      tooltip: [{ field: 'label' }, { field: 'start' }, { field: 'end' }],
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Faults against connected workers and throughput',
      subtitle: `${faults.length > 0 ? 'shaded: a fault is active' : 'no faults injected'}${healS === undefined ? '' : `; dashed: heal at ${healS.toFixed(1)} s`}`,
    },
    config: CONFIG,
    vconcat: [
      ...(faults.length > 0 ? [gantt] : []),
      panel('connected', 'connected workers', '#1f77b4', false),
      panel('throughput', 'completions / s', '#2ca02c', true),
    ],
    spacing: 6,
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}

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

/** Reconnect-time histograms per strategy (benches: the largest fleet, one row per condition). */
function latencyHistogramSpec(result: RunResult): TopLevelSpec | undefined {
  let groups = result.reconnectSamples.filter((g) => g.ms.length > 0);
  if (groups.length === 0) return undefined;
  const largest = Math.max(...groups.map((g) => g.fleetSize ?? -1));
  const fleets = new Set(groups.map((g) => g.fleetSize ?? -1));
  if (fleets.size > 1) groups = groups.filter((g) => (g.fleetSize ?? -1) === largest);
  const strategies = strategyScale(groups.map((g) => g.strategy));
  const conditions = [...new Set(groups.map((g) => g.condition))];
  const panelOfGroup = (g: ReconnectSampleGroup): string =>
    conditions.length > 1 ? `${g.condition} · ${g.strategy}` : g.strategy;
  // Log bins when the values span decades; plain bins over a narrow range read better.
  const all = groups.flatMap((g) => g.ms);
  const log = logOrLinear(all).type === 'log';
  const bin = log ? logHistogram : linearHistogram;
  const bars = groups.flatMap((g) => bin(g.ms).map((b) => ({ strategy: g.strategy, panel: panelOfGroup(g), ...b })));
  const binWord = log ? 'log bins' : 'bins';
  const order = conditions.flatMap((c) =>
    strategies.domain.flatMap((st) => groups.filter((g) => g.condition === c && g.strategy === st).map(panelOfGroup)),
  );
  const small = conditions.length > 1 || strategies.domain.length > 2;
  const inner = {
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
      color: { field: 'strategy', type: 'nominal', scale: strategies, legend: null },
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Reconnect time histograms',
      subtitle: [
        fleets.size > 1 ? `fleet of ${largest} workers, by condition and backoff strategy` : 'all reconnects of the run',
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
    spec: inner,
  } as TopLevelSpec;
}

/** Benchmark p99 by fleet size, one line per strategy, one panel per condition. */
function benchScalingSpec(result: RunResult): TopLevelSpec | undefined {
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

/** Builds and renders every chart the result has data for, in page order. */
export async function renderCharts(result: RunResult): Promise<RenderedChart[]> {
  const wanted: { id: string; title: string; caption: string; spec: TopLevelSpec | undefined }[] = [
    {
      id: 'timeline',
      title: 'Timeline',
      caption: 'Fault intervals (top, and shaded below) against the number of connected workers and completions per second.',
      spec: timelineSpec(result),
    },
    {
      id: 'cdf',
      title: 'Reconnect time',
      caption: 'Share of reconnects finished (registered and synced) within a given time after heal; further left is better.',
      spec: reconnectCdfSpec(result, 'ms'),
    },
    {
      id: 'cdf-beyond',
      title: 'Reconnect overhead beyond backoff',
      caption: 'Time spent after the backoff wait ended: the cost of connecting, handshaking and syncing.',
      spec: reconnectCdfSpec(result, 'beyondBackoffMs'),
    },
    { id: 'scaling', title: 'Scaling', caption: 'p99 reconnect time as the fleet grows.', spec: benchScalingSpec(result) },
    {
      id: 'histogram',
      title: 'Reconnect time histograms',
      caption: 'Distribution of reconnect times (logarithmic bins when they span decades).',
      spec: latencyHistogramSpec(result),
    },
  ];
  const out: RenderedChart[] = [];
  for (const w of wanted) {
    if (w.spec === undefined) continue;
    let svg: string;
    try {
      svg = inlineSvg(await renderVegaLiteSvg(w.spec), w.id);
    } catch (err) {
      // A chart that cannot be drawn must not cost the run its report: say so in its place.
      const msg = (err instanceof Error ? err.message : String(err)).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      svg = `<p class="chart-error">This chart could not be rendered: ${msg}</p>`;
    }
    out.push({ id: w.id, title: w.title, caption: w.caption, svg });
  }
  return out;
}
