/**
 * Charts for index.html: vega-lite specs built from a RunResult, rendered to
 * static SVG headless (vega View with renderer 'none' → toSVG; no canvas, no
 * browser, no network). Large series are reduced before plotting (CDFs to at
 * most 200 quantile points, timelines to 600 points, histograms pre-binned)
 * so a report renders in well under a second or two.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { ErrorCode, SquallError } from '../../system/core/index.js';
import { reconnectCdfSpec } from './chart-cdf.js';
import { benchScalingSpec, latencyHistogramSpec } from './chart-latency.js';
import { timelineSpec } from './chart-timeline.js';
import type { RunResult } from './model.js';

/** A rendered chart: a title for the figure and the inline SVG markup. */
export interface RenderedChart {
  id: string;
  title: string;
  caption: string;
  svg: string;
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
