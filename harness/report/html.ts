/**
 * index.html: one self-contained page (inline CSS, inline SVG charts, no
 * scripts, no external assets or network) that can be opened from disk,
 * attached to a CI run or mailed. Everything from the run is HTML-escaped.
 */
import type { RenderedChart } from './charts.js';
import type { RunResult, Violation } from './model.js';
import {
  countByPromise,
  escapeHtml as h,
  fmtMs,
  fmtNum,
  fmtSloValue,
  keyNumbers,
  runTitle,
  verdictLine,
  violationSubject,
  violationTitle,
} from './format.js';
import { aboutSection, coverageSection, operationsSection, promisesSection, SECTION_CSS } from './html-sections.js';

const CSS = `
:root { --ok: #1a7f37; --bad: #cf222e; --muted: #57606a; --line: #d0d7de; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.verdict { display: flex; align-items: center; gap: 12px; padding: 12px 16px; border-radius: 8px; font-weight: 600; margin: 12px 0 20px; }
.verdict.ok { background: #dafbe1; color: var(--ok); border: 1px solid #aceebb; }
.verdict.bad { background: #ffebe9; color: var(--bad); border: 1px solid #ffcecb; }
.badge { color: #fff; border-radius: 4px; padding: 2px 10px; font-size: 13px; letter-spacing: .04em; }
.ok .badge { background: var(--ok); } .bad .badge { background: var(--bad); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; background: var(--bg); }
.card .k { color: var(--muted); font-size: 12px; }
.card .v { font-size: 15px; font-weight: 600; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; font-size: 13px; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.nowrap td { white-space: nowrap; }
.pass { color: var(--ok); font-weight: 600; } .fail { color: var(--bad); font-weight: 600; }
.violation { border-left: 4px solid var(--bad); background: #fff8f8; padding: 8px 12px; margin: 8px 0; border-radius: 0 6px 6px 0; }
.violation .t { font-weight: 600; }
.violation details { margin-top: 6px; } .violation summary { cursor: pointer; color: var(--muted); font-size: 13px; }
.violation pre.events { font-size: 12px; color: #333; white-space: pre; overflow-x: auto; } .violation .s { color: var(--muted); font-size: 13px; }
.violation pre { white-space: pre-wrap; margin: 6px 0 0; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
figure { margin: 16px 0 28px; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; display: block; }
figure svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
.muted { color: var(--muted); }
details.more > summary { cursor: pointer; margin: 10px 0; font-weight: 600; color: var(--bad); }
.chart-error { color: var(--bad); border: 1px dashed var(--bad); padding: 8px 12px; border-radius: 6px; }
.scroll { overflow-x: auto; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly boolean[] = [],
  cls = '',
): string {
  const cell = (tag: 'th' | 'td', s: string, i: number): string =>
    `<${tag}${numeric[i] ? ' class="num"' : ''}>${s}</${tag}>`;
  return `<div class="scroll"><table${cls ? ` class="${cls}"` : ''}><thead><tr>${header.map((x, i) => cell('th', h(x), i)).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((x, i) => cell('td', x, i)).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
}

const passCell = (passed: boolean): string => (passed ? '<span class="pass">pass</span>' : '<span class="fail">FAIL</span>');

function benchSection(r: RunResult): string {
  const rows = r.benchRows ?? [];
  if (rows.length === 0) return '';
  const floor = r.floor
    ? `<p>Floor, a bare <code>ws</code> connect and handshake on loopback: p50 <b>${h(fmtMs(r.floor.p50))}</b>, p99 <b>${h(fmtMs(r.floor.p99))}</b>.</p>`
    : '';
  return `<h2>Reconnection benchmark</h2>${floor}${table(
    ['condition', 'strategy', 'fleet', 'p50', 'p95', 'p99', 'max', 'beyond backoff p99', 'failed handshakes', 'loop lag p99', 'CPU %'],
    rows.map((b) => [
      h(b.condition),
      h(b.strategy),
      String(b.fleetSize),
      h(fmtMs(b.p50)),
      h(fmtMs(b.p95)),
      h(fmtMs(b.p99)),
      h(fmtMs(b.max)),
      h(fmtMs(b.beyondBackoffP99)),
      String(b.failedHandshakes),
      h(fmtMs(b.loopLagP99)),
      h(fmtNum(b.cpuPercent, 1)),
    ]),
    [false, false, true, true, true, true, true, true, true, true, true],
    'nowrap',
  )}`;
}

/** How many violations are shown in full before the rest fold away. */
const SHOWN_VIOLATIONS = 5;

function violationBlock(v: Violation, open: boolean): string {
  const subject = violationSubject(v);
  const events =
    v.events && v.events.length > 0
      ? `<details${open ? ' open' : ''}><summary>${v.events.length} history records around it</summary><pre class="events">${h(
          v.events.join('\n'),
        )}</pre></details>`
      : '';
  return `<div class="violation"><div class="t">${h(violationTitle(v))}</div>${
    subject ? `<div class="s">${h(subject)}</div>` : ''
  }<pre>${h(v.message)}</pre>${events}</div>`;
}

/** Counts per promise, the first few violations in full, the rest folded. */
function violationsSection(r: RunResult): string {
  if (r.violations.length === 0) return '<h2>Violations</h2><p class="muted">None: every checked promise held.</p>';
  const parts = [`<h2>Violations (${r.violations.length})</h2>`];
  const counts = countByPromise(r.violations);
  if (r.violations.length > SHOWN_VIOLATIONS) {
    parts.push(table(['promise', 'violations'], counts.map(([k, n]) => [h(k), String(n)]), [false, true]));
  }
  const open = r.violations.length <= 3;
  parts.push(...r.violations.slice(0, SHOWN_VIOLATIONS).map((v) => violationBlock(v, open)));
  const rest = r.violations.slice(SHOWN_VIOLATIONS);
  if (rest.length > 0) {
    parts.push(
      `<details class="more"><summary>${rest.length} more violation${rest.length === 1 ? '' : 's'}</summary>${rest
        .map((v) => violationBlock(v, false))
        .join('')}</details>`,
    );
  }
  return parts.join('');
}

function verdictBanner(r: RunResult): string {
  return `<div class="verdict ${r.passed ? 'ok' : 'bad'}"><span class="badge">${r.passed ? 'PASSED' : 'FAILED'}</span><span>${h(
    verdictLine(r).replace(/^(PASSED|FAILED): /, ''),
  )}</span></div>`;
}

function keyNumberCards(r: RunResult): string {
  return `<div class="cards">${keyNumbers(r)
    .map(([k, v]) => `<div class="card"><div class="k">${h(k)}</div><div class="v">${h(v)}</div></div>`)
    .join('')}</div>`;
}

function sloSection(r: RunResult): string {
  if (r.slo.length === 0) return '';
  return `<h2>SLOs</h2>${table(
    ['SLO', 'target', 'measured', 'result'],
    r.slo.map((s) => [h(s.name), h(fmtSloValue(s.target, s.unit)), h(fmtSloValue(s.measured, s.unit)), s.target === 'informational' ? '<span class="muted">info</span>' : passCell(s.passed)]),
    [false, true, true, false],
  )}`;
}

function chartFigure(c: RenderedChart): string {
  return `<h2 id="${h(c.id)}">${h(c.title)}</h2><figure>${c.svg}<figcaption>${h(c.caption)}</figcaption></figure>`;
}

/** One row per seed of a sweep; nothing for a single run. */
function seedsSection(r: RunResult): string {
  if (!r.sweep || r.sweep.length === 0) return '';
  return `<h2>Seeds</h2>${table(
    ['scenario', 'seed', 'result', 'violations', 'trace hash', 'simulated', 'wall'],
    r.sweep.map((s) => [h(s.scenario ?? r.scenario ?? ''), String(s.seed), passCell(s.passed), String(s.violations), h(s.traceHash ?? '–'), h(fmtMs(s.simulatedMs)), h(fmtMs(s.wallMs))]),
    [false, true, false, true, false, true, true],
  )}`;
}

function faultsSection(r: RunResult): string {
  if (r.faults.length === 0) return '';
  return `<h2>Faults</h2>${table(
    ['start', 'end', 'action', 'target', 'workers hit'],
    r.faults.map((f) => [h(fmtMs(f.start)), h(fmtMs(f.end)), h(f.action), h(f.target), h(f.workers === undefined ? '–' : f.workers.length === 0 ? 'none' : `${f.workers.length}: ${f.workers.slice(0, 12).join(', ')}${f.workers.length > 12 ? ', …' : ''}`)]),
    [true, true, false, false, false],
  )}`;
}

/** The page around its sections. */
function page(title: string, passed: boolean, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(`${passed ? 'PASSED' : 'FAILED'} · ${title}`)}</title>
<style>${CSS}${SECTION_CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** Renders the page; `charts` come from renderCharts(). */
export function renderHtml(r: RunResult, charts: readonly RenderedChart[]): string {
  const title = runTitle(r);
  const parts = [
    `<h1>${h(title)}</h1>`,
    aboutSection(r),
    verdictBanner(r),
    promisesSection(r),
    keyNumberCards(r),
    sloSection(r),
    coverageSection(r),
    violationsSection(r),
    ...charts.map(chartFigure),
    operationsSection(r),
    benchSection(r),
    seedsSection(r),
    faultsSection(r),
    `<footer>squall ${h(r.version)} · run ${h(r.runId)} · report schema v${r.schemaVersion} · raw data in result.json, CI results in junit.xml</footer>`,
  ];
  return page(title, r.passed, parts.filter((p) => p !== '').join('\n'));
}
