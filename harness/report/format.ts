/**
 * Small formatting and escaping helpers shared by the Markdown, HTML, JUnit
 * and comparison renderers, so a number reads the same everywhere.
 */
import type { RunResult, SloResult, Violation } from './model.js';
import { findPromise } from './model.js';

/** Milliseconds for humans: µs below 1 ms, seconds from 10 s, minutes/hours from 2 min. */
export function fmtMs(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0 ms';
  if (Math.abs(v) < 1) return `${(v * 1000).toFixed(0)} µs`;
  if (Math.abs(v) < 10) return `${v.toFixed(2)} ms`;
  if (Math.abs(v) < 100) return `${v.toFixed(1)} ms`;
  if (Math.abs(v) < 10_000) return `${v.toFixed(0)} ms`;
  if (Math.abs(v) < 120_000) return `${(v / 1000).toFixed(1)} s`;
  const min = Math.round(v / 60_000);
  return min < 120 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** A plain number with thousands separators and at most `digits` decimals. */
export function fmtNum(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined) return '–';
  if (!Number.isFinite(v)) return String(v);
  return v.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** An SLO's target or measured value with its unit. */
export function fmtSloValue(v: number | string | null, unit: string | undefined): string {
  if (v === null) return '–';
  if (typeof v === 'string') return v;
  if (unit === 'ms') return fmtMs(v);
  return unit === undefined || unit === '' ? fmtNum(v) : `${fmtNum(v)} ${unit}`;
}

/** "promise 2 · exactly-once" (or the raw ref when it is not one of the ten). */
export function violationTitle(v: Violation): string {
  const p = findPromise(v.promise);
  const ref = p ? `promise ${p.id}` : `promise ${String(v.promise)}`;
  return v.name === '' ? ref : `${ref} · ${v.name}`;
}

/** [promise title, count] pairs in order of first appearance. */
export function countByPromise(violations: readonly Violation[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const v of violations) {
    const k = violationTitle(v);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts.entries()];
}

/** "execution ex-1, worker w-2" or ''. */
export function violationSubject(v: Violation): string {
  return [v.executionId && `execution ${v.executionId}`, v.workerId && `worker ${v.workerId}`]
    .filter(Boolean)
    .join(', ');
}

/** The run's title, e.g. "squall live · thundering-herd · seed 7". */
export function runTitle(r: RunResult): string {
  const parts = [`squall ${r.kind}`];
  if (r.scenario !== undefined) parts.push(r.scenario);
  if (r.seed !== undefined) parts.push(`seed ${r.seed}`);
  return parts.join(' · ');
}

/** Percentiles from few samples say so: p99 of 20 samples is just the largest. */
function fewSamplesNote(n: number): string {
  if (n >= 100) return '';
  return n < 20 ? ` (only ${n} samples: p95/p99 are the largest ones)` : ` (${n} samples: p99 is about the maximum)`;
}

/** One line saying whether the run passed, and why not. */
export function verdictLine(r: RunResult): string {
  const failedSlos = r.slo.filter((s: SloResult) => !s.passed);
  const c = r.metrics.completions;
  const reasons: string[] = [];
  if (r.violations.length > 0) {
    const names = [...new Set(r.violations.map((v) => v.name))].join(', ');
    reasons.push(`${r.violations.length} violation${r.violations.length === 1 ? '' : 's'} (${names})`);
  }
  if (failedSlos.length > 0) reasons.push(`${failedSlos.length} of ${r.slo.length} SLOs missed`);
  if (c && (c.lost > 0 || c.duplicated > 0)) reasons.push(`${c.lost} lost, ${c.duplicated} duplicated completions`);
  const sweepFailed = r.sweep?.filter((s) => !s.passed).length ?? 0;
  if (sweepFailed > 0) reasons.push(`${sweepFailed} of ${r.sweep?.length ?? 0} seeds failed`);
  if (r.passed) {
    const extra = reasons.length > 0 ? ` (but ${reasons.join('; ')})` : '';
    const checked = r.slo.filter((s) => s.target !== 'informational').length;
    return `PASSED: ${checked > 0 ? `${checked} SLOs met` : 'no violations'}${extra}`;
  }
  return `FAILED: ${reasons.length > 0 ? reasons.join('; ') : 'the run reported failure'}`;
}

/** Key figures as [label, value] pairs, only those the run has. */
export function keyNumbers(r: RunResult): [string, string][] {
  const out: [string, string][] = [];
  out.push(['run id', r.runId]);
  out.push(['started', r.startedAt]);
  out.push(['squall version', r.version]);
  if (r.traceHash !== undefined) out.push(['trace hash', r.traceHash]);
  out.push(['wall time', fmtMs(r.wallMs)]);
  if (r.simulatedMs !== undefined) {
    const speed = r.wallMs > 0 ? ` (${fmtNum(r.simulatedMs / r.wallMs, 0)}× real time)` : '';
    out.push(['simulated time', `${fmtMs(r.simulatedMs)}${speed}`]);
  }
  const rec = r.metrics.reconnect;
  if (rec) {
    out.push(['reconnects', fmtNum(rec.count, 0)]);
    out.push([`reconnect p50 / p95 / p99 / max (n=${rec.count})`, `${[rec.p50, rec.p95, rec.p99, rec.max].map(fmtMs).join(' / ')}${fewSamplesNote(rec.count)}`]);
  }
  const done = r.metrics.allWorkDoneAfterHealMs;
  if (typeof done === 'number' || done === null) out.push(['all work done after heal (SLO measure)', done === null ? 'never' : fmtMs(done)]);
  const conv = r.metrics.convergedAfterMs;
  if (typeof conv === 'number' || conv === null) out.push(['convergence seen after heal (driver, as the CLI prints)', conv === null ? 'never' : fmtMs(conv)]);
  if (r.floor) out.push(['floor (bare ws handshake) p50 / p99', `${fmtMs(r.floor.p50)} / ${fmtMs(r.floor.p99)}`]);
  const c = r.metrics.completions;
  if (c) {
    out.push(['completions (completed / expected)', `${fmtNum(c.completed, 0)} / ${fmtNum(c.expected, 0)}`]);
    out.push(['lost / duplicated completions', `${c.lost} / ${c.duplicated}`]);
  }
  const lag = r.metrics.eventLoopLagMs;
  if (lag) out.push(['event-loop lag p50 / p99 / max', [lag.p50, lag.p99, lag.max].map(fmtMs).join(' / ')]);
  if (r.metrics.cpuPercent !== undefined) out.push(['coordinator CPU', `${fmtNum(r.metrics.cpuPercent, 1)} %`]);
  if (r.faults.length > 0) out.push(['faults injected', String(r.faults.length)]);
  out.push(['violations', String(r.violations.length)]);
  return out;
}

// XML 1.0 Char production: tab, LF, CR, U+0020..U+D7FF, U+E000..U+FFFD, astral (valid pairs only).
const INVALID_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Drops control characters and lone surrogates that XML forbids and HTML/Markdown only garble. */
export function stripInvalidChars(s: string): string {
  return s.replace(INVALID_CHARS, '');
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return stripInvalidChars(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escapes a Markdown table cell (pipes, newlines) and raw-HTML openers. */
export function mdCell(s: string): string {
  return stripInvalidChars(s).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '\\<').replace(/\r?\n/g, ' ');
}

/** A GitHub-flavoured Markdown table; `align` uses 'r' for numeric columns. */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const sep = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  const line = (cells: readonly string[]): string => `| ${cells.map(mdCell).join(' | ')} |`;
  return [line(header), `| ${sep.join(' | ')} |`, ...rows.map(line)].join('\n');
}
