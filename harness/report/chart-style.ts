/** Shared look of the report's charts: fonts, colours, one colour per backoff strategy in every chart. */
const STRATEGY_ORDER = ['none', 'full-jitter', 'equal-jitter', 'decorrelated-jitter'];
const PALETTE = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

export const CONFIG = {
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

/** Known strategies get fixed colours so every chart agrees; others follow. */
export function strategyScale(strategies: readonly string[]): { domain: string[]; range: string[] } {
  const known = STRATEGY_ORDER.filter((s) => strategies.includes(s));
  const others = [...new Set(strategies)].filter((s) => !STRATEGY_ORDER.includes(s)).sort();
  const domain = [...known, ...others];
  const range = domain.map((s) => {
    const i = STRATEGY_ORDER.indexOf(s);
    return PALETTE[i >= 0 ? i : 4 + (others.indexOf(s) % 4)] ?? '#777';
  });
  return { domain, range };
}
