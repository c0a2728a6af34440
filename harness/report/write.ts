/**
 * writeReport: turns one RunResult into reports/<run-id>/ with result.json,
 * summary.md, index.html and junit.xml. Used by `squall sim`, `squall run
 * --mode live` and `squall bench reconnect`. The result is validated first, so
 * a producer's mistake fails here with the field named, not in a chart.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '../../system/core/index.js';
import { renderCharts } from './charts.js';
import { renderHtml } from './html.js';
import { renderJunitXml } from './junit.js';
import type { RunResult, RunResultInput } from './model.js';
import { parseRunResult } from './model.js';
import { renderSummaryMarkdown } from './summary.js';

/** The four files of a report, rendered in memory. */
export interface RenderedReport {
  resultJson: string;
  summaryMd: string;
  indexHtml: string;
  junitXml: string;
}

export interface WriteReportOptions {
  /** Parent directory of run directories; default `reports`. */
  dir?: string;
  /** Overrides result.runId (and the directory name). */
  runId?: string;
}

/** File names inside a run directory, for callers that link to them. */
export const REPORT_FILES = {
  result: 'result.json',
  summary: 'summary.md',
  html: 'index.html',
  junit: 'junit.xml',
} as const;

/** A readable, sortable, filesystem-safe run id, e.g. `sim-thundering-herd-s7-20261123T121500123Z`. */
export function makeRunId(parts: { kind: string; scenario?: string; seed?: number; startedAt: Date | string }): string {
  const at = new Date(parts.startedAt);
  const stamp = Number.isNaN(at.getTime()) ? 'unknown-time' : at.toISOString().replace(/[-:.]/g, '');
  const scenario = parts.scenario?.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '');
  return [parts.kind, scenario, parts.seed === undefined ? undefined : `s${parts.seed}`, stamp]
    .filter((x): x is string => x !== undefined && x !== '')
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** Run ids become directory names: no separators, no dot-dirs, nothing odd. */
function checkRunId(runId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(runId)) {
    throw new InvalidArgumentError(
      `runId ${JSON.stringify(runId)} cannot name a report directory: use letters, digits, '.', '_' and '-' (e.g. from makeRunId())`,
      'runId',
    );
  }
  return runId;
}

/** Pretty JSON, but arrays of numbers (reconnect samples) stay on one line: ~8 bytes per sample. */
export function toJson(value: unknown): string {
  // Only arrays laid out over lines: JSON strings never hold a raw newline, so text like "[1, 2]" is left alone.
  return JSON.stringify(value, null, 2).replace(/\[\n\s*(-?[\d.eE+-]+(?:,\n\s*-?[\d.eE+-]+)*)\n\s*\]/g, (_m, body: string) =>
    `[${body.replace(/\s+/g, '')}]`,
  );
}

/** Renders the four files without touching the disk. */
export async function renderReport(input: RunResult | RunResultInput): Promise<RenderedReport> {
  const result = parseRunResult(input);
  const charts = await renderCharts(result);
  return {
    resultJson: `${toJson(result)}\n`,
    summaryMd: renderSummaryMarkdown(result),
    indexHtml: renderHtml(result, charts),
    junitXml: renderJunitXml(result),
  };
}

/** Writes an input that failed validation to <dir>/<run-id>/result.invalid.json, if its run id is usable. */
async function saveInvalid(input: unknown, options: WriteReportOptions): Promise<string | undefined> {
  const raw = options.runId ?? (input as { runId?: unknown } | null)?.runId;
  if (typeof raw !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(raw)) return undefined;
  try {
    const dir = resolve(options.dir ?? 'reports', raw);
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'result.invalid.json');
    await writeFile(file, `${toJson(input)}\n`);
    return file;
  } catch {
    return undefined;
  }
}

/**
 * Writes reports/<run-id>/ and returns that directory's absolute path. An
 * existing directory of the same run id is overwritten file by file.
 */
export async function writeReport(input: RunResult | RunResultInput, options: WriteReportOptions = {}): Promise<string> {
  let parsed: RunResult;
  try {
    parsed = parseRunResult(input);
  } catch (err) {
    // Never lose a long run's figures to a producer's mistake: keep the raw data beside the error.
    const saved = await saveInvalid(input, options);
    if (saved !== undefined && err instanceof Error) err.message += ` (raw result kept in ${saved})`;
    throw err;
  }
  const runId = checkRunId(options.runId ?? parsed.runId);
  const result: RunResult = { ...parsed, runId };
  const rendered = await renderReport(result);
  const dir = resolve(options.dir ?? 'reports', runId);
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(join(dir, REPORT_FILES.result), rendered.resultJson),
    writeFile(join(dir, REPORT_FILES.summary), rendered.summaryMd),
    writeFile(join(dir, REPORT_FILES.html), rendered.indexHtml),
    writeFile(join(dir, REPORT_FILES.junit), rendered.junitXml),
  ]);
  return dir;
}
