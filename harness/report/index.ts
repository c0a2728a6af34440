/**
 * Reports: the RunResult model every run fills, the writer of
 * reports/<run-id>/ (result.json, summary.md, index.html, junit.xml),
 * baseline comparison for `squall report compare`, and sweep progress.
 */
export * from './model.js';
export { writeReport, renderReport, makeRunId, toJson, REPORT_FILES } from './write.js';
export type { RenderedReport, WriteReportOptions } from './write.js';
export { compareResults, formatComparison, loadRunResult, compareCommand, CompareExit } from './compare.js';
export type { Comparison, ComparisonRow, CompareOptions } from './compare.js';
export { createProgress } from './progress.js';
export type { Progress, ProgressOptions, ProgressStream, TickInfo } from './progress.js';
export { renderCharts, renderVegaLiteSvg } from './charts.js';
export type { RenderedChart } from './charts.js';
export { renderSummaryMarkdown } from './summary.js';
export { renderHtml } from './html.js';
export { renderJunitXml, junitCases, escapeXml } from './junit.js';
export { verdictLine, fmtMs } from './format.js';
export { reconnectBenchSlos } from './bench-slo.js';
export type { BenchTargets } from './bench-slo.js';
