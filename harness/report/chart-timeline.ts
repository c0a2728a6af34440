/** The timeline chart: fault intervals against connected workers and completions per second. */
import type { TopLevelSpec } from 'vega-lite';
import { CONFIG } from './chart-style.js';
import type { FaultInterval, RunResult, TimelinePoint } from './model.js';

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

type Axis = Record<string, unknown>;
type Layer = Record<string, unknown>;
interface FaultBar {
  start: number;
  end: number;
  label: string;
  action: string;
}
interface SeriesPoint {
  s: number;
  connected: number;
  throughput: number;
}

/** The shared x axis: the whole run (and the heal), not just up to the last sample. */
function timeScale(result: RunResult, points: readonly SeriesPoint[], faults: readonly FaultBar[], healS: number | undefined): Axis {
  const runS = (result.simulatedMs ?? result.wallMs) / 1000;
  const maxS = Math.max(points[points.length - 1]?.s ?? 0, runS, healS ?? 0, ...faults.map((f) => f.end));
  return { type: 'quantitative', scale: { domain: [0, maxS], nice: false } };
}

/** The dashed heal rule and its label, or nothing when the run did not heal. */
function healLayers(healS: number | undefined, x: Axis): Layer[] {
  if (healS === undefined) return [];
  return [
    { data: { values: [{ s: healS }] }, mark: { type: 'rule', color: '#1a7f37', strokeDash: [4, 3], strokeWidth: 2 }, encoding: { x: { ...x, field: 's' } } },
    { data: { values: [{ s: healS, label: 'heal' }] }, mark: { type: 'text', color: '#1a7f37', align: 'left', dx: 4, baseline: 'top', y: 2, fontWeight: 'bold' }, encoding: { x: { ...x, field: 's' }, text: { field: 'label' } } },
  ];
}

/** Layers shared by both series panels: shaded fault intervals and the heal marker. */
function backdropLayers(faults: readonly FaultBar[], healS: number | undefined, x: Axis, timeAxis: string): Layer[] {
  const shade = {
    data: { values: faults },
    mark: { type: 'rect', opacity: 0.14, color: '#d62728' },
    encoding: { x: { ...x, field: 'start', title: timeAxis }, x2: { field: 'end' } },
  };
  return [...(faults.length > 0 ? [shade] : []), ...healLayers(healS, x)];
}

/** One step-line panel of a series (connected workers or throughput) over the backdrop. */
function seriesPanel(
  points: readonly SeriesPoint[],
  backdrop: readonly Layer[],
  x: Axis,
  timeAxis: string,
  series: { field: string; yTitle: string; color: string; showX: boolean },
): Layer {
  const { field, yTitle, color, showX } = series;
  return {
    width: 640,
    height: 150,
    layer: [
      ...backdrop,
      {
        data: { values: points },
        mark: { type: 'line', color, strokeWidth: 1.5, interpolate: 'step-after' },
        encoding: {
          x: { ...x, field: 's', title: showX ? timeAxis : null, axis: showX ? {} : { labels: false, ticks: true } },
          y: { field, type: 'quantitative', title: yTitle },
        },
      },
    ],
  };
}

/** One lane per distinct fault, bars over the time it was active (return type inferred so the spec cast checks the mark). */
function faultGantt(faults: readonly FaultBar[], x: Axis) {
  const lanes = [...new Set(faults.map((f) => f.label))];
  // labelLimit 0 below: vega estimates text width without a canvas and would cut labels short.
  return {
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
}

/** Fault intervals (shaded) against connected workers and throughput over time. */
export function timelineSpec(result: RunResult): TopLevelSpec | undefined {
  if (result.timeline.length === 0) return undefined;
  const points = thin(result.timeline, 600).map((p: TimelinePoint) => ({
    s: p.t / 1000,
    connected: p.connectedWorkers,
    throughput: p.throughputPerSec,
  }));
  const faults = result.faults.map((f) => ({ start: f.start / 1000, end: Math.max(f.end, f.start) / 1000, label: faultLabel(f), action: f.action }));
  const healS = result.healAt === undefined ? undefined : result.healAt / 1000;
  const x = timeScale(result, points, faults, healS);
  const timeAxis = result.simulatedMs !== undefined ? 'simulated time since start (s)' : 'time since start (s)';
  const backdrop = backdropLayers(faults, healS, x, timeAxis);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Faults against connected workers and throughput',
      subtitle: `${faults.length > 0 ? 'shaded: a fault is active' : 'no faults injected'}${healS === undefined ? '' : `; dashed: heal at ${healS.toFixed(1)} s`}`,
    },
    config: CONFIG,
    vconcat: [
      ...(faults.length > 0 ? [faultGantt(faults, x)] : []),
      seriesPanel(points, backdrop, x, timeAxis, { field: 'connected', yTitle: 'connected workers', color: '#1f77b4', showX: false }),
      seriesPanel(points, backdrop, x, timeAxis, { field: 'throughput', yTitle: 'completions / s', color: '#2ca02c', showX: true }),
    ],
    spacing: 6,
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}
