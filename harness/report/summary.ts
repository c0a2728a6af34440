/**
 * summary.md: the report a person reads in a terminal, a PR comment or a CI
 * log. Verdict first, then the key numbers, SLOs, every violation with its
 * message, and the benchmark table when there is one.
 */
import type { RunResult } from './model.js';
import {
  countByPromise,
  fmtMs,
  fmtNum,
  fmtSloValue,
  keyNumbers,
  mdCell,
  mdTable,
  runTitle,
  stripInvalidChars,
  verdictLine,
  violationSubject,
  violationTitle,
} from './format.js';

/** Violations listed in full; the rest are counted (all are in result.json and junit.xml). */
const SHOWN_VIOLATIONS = 20;

/** Renders the Markdown summary of one run. */
export function renderSummaryMarkdown(r: RunResult): string {
  const out: string[] = [];
  out.push(`# ${mdCell(runTitle(r))}`, '');
  out.push(`**${mdCell(verdictLine(r))}**`, '');
  out.push('## Key numbers', '', mdTable(['', 'value'], keyNumbers(r)), '');
  out.push(...sloSection(r), ...violationsSection(r), ...benchSection(r), ...seedsSection(r), ...faultsSection(r), ...replaySection(r));
  return out.join('\n');
}

/** The SLO table, when the run had SLOs. */
function sloSection(r: RunResult): string[] {
  const out: string[] = [];
  if (r.slo.length > 0) {
    out.push('## SLOs', '');
    out.push(
      mdTable(
        ['SLO', 'target', 'measured', 'result'],
        r.slo.map((s) => [s.name, fmtSloValue(s.target, s.unit), fmtSloValue(s.measured, s.unit), s.target === 'informational' ? 'info' : s.passed ? 'pass' : 'FAIL']),
        ['l', 'r', 'r', 'l'],
      ),
      '',
    );
  }
  return out;
}

/** Violations: the first SHOWN_VIOLATIONS in full (with their records), a count per promise when there are more. */
function violationsSection(r: RunResult): string[] {
  const out: string[] = [];
  out.push('## Violations', '');
  if (r.violations.length === 0) out.push('None.', '');
  else {
    if (r.violations.length > SHOWN_VIOLATIONS) {
      out.push(mdTable(['promise', 'violations'], countByPromise(r.violations).map(([k, n]) => [k, String(n)]), ['l', 'r']), '');
    }
    r.violations.slice(0, SHOWN_VIOLATIONS).forEach((v, i) => {
      const subject = violationSubject(v);
      out.push(`${i + 1}. **${mdCell(violationTitle(v))}**${subject ? ` (${mdCell(subject)})` : ''}: ${mdCell(v.message)}`);
      if (v.events && v.events.length > 0) {
        // Indented fence inside the list item; backticks in records cannot close a ~~~ fence.
        out.push('', '   ~~~', ...v.events.map((e) => `   ${stripInvalidChars(e).replace(/\r?\n/g, ' ')}`), '   ~~~', '');
      }
    });
    const rest = r.violations.length - SHOWN_VIOLATIONS;
    if (rest > 0) out.push('', `… and ${rest} more (all of them are in result.json and junit.xml).`);
    out.push('');
  }
  return out;
}

/** The reconnection benchmark's rows. */
function benchSection(r: RunResult): string[] {
  const out: string[] = [];
  if (r.benchRows && r.benchRows.length > 0) {
    out.push('## Reconnection benchmark', '');
    if (r.floor) out.push(`Floor (bare ws connect + handshake): p50 ${fmtMs(r.floor.p50)}, p99 ${fmtMs(r.floor.p99)}.`, '');
    out.push(
      mdTable(
        ['condition', 'strategy', 'fleet', 'p50', 'p95', 'p99', 'max', 'beyond backoff p99', 'failed handshakes', 'loop lag p99', 'CPU %'],
        r.benchRows.map((b) => [
          b.condition,
          b.strategy,
          String(b.fleetSize),
          fmtMs(b.p50),
          fmtMs(b.p95),
          fmtMs(b.p99),
          fmtMs(b.max),
          fmtMs(b.beyondBackoffP99),
          String(b.failedHandshakes),
          fmtMs(b.loopLagP99),
          fmtNum(b.cpuPercent, 1),
        ]),
        ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
      '',
    );
  }
  return out;
}

/** The seeds of a sweep, and planned runs no shard covered. */
function seedsSection(r: RunResult): string[] {
  const out: string[] = [];
  if (r.sweep && r.sweep.length > 0) {
    out.push('## Seeds', '');
    out.push(
      mdTable(
        ['scenario', 'seed', 'result', 'violations', 'trace hash', 'simulated', 'wall'],
        r.sweep.map((s) => [
          s.scenario ?? r.scenario ?? '',
          String(s.seed),
          s.passed ? 'pass' : 'FAIL',
          String(s.violations),
          s.traceHash ?? '–',
          fmtMs(s.simulatedMs),
          fmtMs(s.wallMs),
        ]),
        ['l', 'r', 'l', 'r', 'l', 'r', 'r'],
      ),
      '',
    );
    const missing = r.uncovered ?? [];
    if (missing.length > 0) out.push(`**${missing.length} planned run(s) no shard covered:** ${missing.map((u) => `${u.scenario} seed ${u.seed}`).join(', ')}`, '');
  }
  return out;
}

/** The fault intervals. */
function faultsSection(r: RunResult): string[] {
  const out: string[] = [];
  if (r.faults.length > 0) {
    out.push('## Faults', '');
    out.push(
      mdTable(
        ['start', 'end', 'action', 'target'],
        r.faults.map((f) => [fmtMs(f.start), fmtMs(f.end), f.action, f.target]),
        ['r', 'r', 'l', 'l'],
      ),
      '',
    );
  }
  return out;
}

/** How to replay a simulation run. */
function replaySection(r: RunResult): string[] {
  const out: string[] = [];
  if (r.seed !== undefined && r.kind === 'sim' && r.scenario !== undefined) {
    const hash = r.traceHash ? `; the replay must reproduce trace hash ${r.traceHash}` : '';
    const file = /[/.]/.test(r.scenario) ? r.scenario : `scenarios/${r.scenario}.yaml`;
    out.push(`Replay: \`squall sim ${file.replace(/`/g, '')} --seed ${r.seed}\`${hash}.`, '');
  }
  return out;
}
