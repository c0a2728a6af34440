/**
 * junit.xml for CI systems (Jenkins, GitLab, GitHub test reporters): one
 * <testsuite> inside <testsuites>, one <testcase> per scenario run (or per
 * seed of a sweep), per checked promise, per SLO and for completion counts.
 * Failures carry the violation messages. Text is escaped and characters XML
 * 1.0 forbids are dropped, so any message from a run stays well-formed.
 */
import type { RunResult, Violation } from './model.js';
import { PROMISES, findPromise } from './model.js';
import { fmtSloValue, runTitle, stripInvalidChars, violationSubject, violationTitle } from './format.js';

/** One test case before serialisation. */
interface JunitCase {
  classname: string;
  name: string;
  timeSec: number;
  failure?: { message: string; type: string; body: string };
}

/** Escapes text for XML content and double-quoted attributes; drops forbidden characters. */
export function escapeXml(s: string): string {
  return stripInvalidChars(s).replace(/[&<>"']/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&apos;';
    }
  });
}

/** Attribute values additionally keep newlines and tabs as character references. */
function attr(s: string): string {
  return escapeXml(s).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function describe(v: Violation): string {
  const subject = violationSubject(v);
  const events = v.events && v.events.length > 0 ? `\n  history:\n${v.events.map((e) => `    ${e}`).join('\n')}` : '';
  return `${violationTitle(v)}${subject ? ` (${subject})` : ''}: ${v.message}${events}`;
}

const fail = (message: string, type: string, body: string): JunitCase['failure'] => ({ message, type, body });

/** Builds the test cases of a run (exported for tests and other CI formats). */
export function junitCases(r: RunResult): JunitCase[] {
  const cls = `squall.${r.kind}${r.scenario !== undefined ? `.${r.scenario}` : ''}`;
  return [...runCases(r, cls), ...promiseCases(r, cls), ...sloCases(r, cls), ...completionCases(r, cls)];
}

/** One case per seed (and per planned but unrun seed) of a sweep; else one case for the run. */
function runCases(r: RunResult, cls: string): JunitCase[] {
  const cases: JunitCase[] = [];
  if (r.sweep && r.sweep.length > 0) {
    for (const s of r.sweep) {
      const mine = r.violations.filter((v) => v.seed === s.seed && (s.scenario === undefined || v.scenario === s.scenario));
      const unit = `${s.scenario === undefined ? '' : `${s.scenario} `}seed ${s.seed}`;
      cases.push({
        classname: s.scenario === undefined ? `${cls}.seeds` : `squall.${r.kind}.${s.scenario}.seeds`,
        name: unit,
        timeSec: (s.wallMs ?? 0) / 1000,
        ...(s.passed ? {} : { failure: fail(`${unit}: ${s.violations} violation(s)`, 'seed', [`trace hash ${s.traceHash ?? '?'}`, ...mine.map(describe)].join('\n')) }),
      });
    }
    for (const u of r.uncovered ?? []) {
      const unit = `${u.scenario} seed ${u.seed}`;
      cases.push({ classname: `squall.${r.kind}.${u.scenario}.seeds`, name: unit, timeSec: 0, failure: fail(`${unit}: planned but run by no shard`, 'uncovered', 'no shard result contained this run') });
    }
    return cases;
  }
  const title = runTitle(r);
  cases.push({
    classname: cls,
    name: r.kind === 'bench-reconnect' ? 'reconnection benchmark' : title,
    timeSec: r.wallMs / 1000,
    ...(r.passed
      ? {}
      : {
          failure: fail(
            `${title} failed with ${r.violations.length} violation(s)`,
            'run',
            r.violations.map(describe).join('\n') || 'the run reported failure',
          ),
        }),
  });
  return cases;
}

/** One case per checked promise; violations of promises outside the checked list still show up as failures. */
function promiseCases(r: RunResult, cls: string): JunitCase[] {
  const cases: JunitCase[] = [];
  const checked = r.promisesChecked ?? (r.kind === 'bench-reconnect' ? [] : PROMISES.map((p) => p.id));
  const matched = new Set<Violation>();
  for (const ref of checked) {
    const p = findPromise(ref);
    const name = p ? `promise ${p.id}: ${p.title}` : `promise ${String(ref)}`;
    const mine = r.violations.filter((v) => {
      const vp = findPromise(v.promise);
      return p && vp ? vp.id === p.id : String(v.promise) === String(ref);
    });
    mine.forEach((v) => matched.add(v));
    cases.push({
      classname: `${cls}.promises`,
      name,
      timeSec: 0,
      ...(mine.length === 0
        ? {}
        : { failure: fail(mine.map((v) => v.message).join(' | '), 'violation', mine.map(describe).join('\n')) }),
    });
  }
  for (const v of r.violations.filter((x) => !matched.has(x))) {
    cases.push({
      classname: `${cls}.promises`,
      name: violationTitle(v),
      timeSec: 0,
      failure: fail(v.message, 'violation', describe(v)),
    });
  }
  return cases;
}

function sloCases(r: RunResult, cls: string): JunitCase[] {
  return r.slo.map((s) => {
    const text = `measured ${fmtSloValue(s.measured, s.unit)}, target ${fmtSloValue(s.target, s.unit)}`;
    return {
      classname: `${cls}.slo`,
      name: `SLO: ${s.name}`,
      timeSec: 0,
      ...(s.passed ? {} : { failure: fail(`SLO missed: ${s.name}: ${text}`, 'slo', text) }),
    };
  });
}

function completionCases(r: RunResult, cls: string): JunitCase[] {
  const c = r.metrics.completions;
  if (!c) return [];
  const bad = c.lost > 0 || c.duplicated > 0;
  const text = `${c.completed}/${c.expected} completed, ${c.lost} lost, ${c.duplicated} duplicated`;
  return [
    {
      classname: `${cls}.completions`,
      name: 'no lost or duplicated completions',
      timeSec: 0,
      ...(bad ? { failure: fail(text, 'completions', text) } : {}),
    },
  ];
}

/** The Ant JUnit schema's timestamp: ISO 8601 in UTC without zone or fraction (yyyy-mm-ddThh:mm:ss). */
function junitTimestamp(startedAt: string): string {
  const d = new Date(startedAt);
  return Number.isNaN(d.getTime()) ? startedAt : d.toISOString().slice(0, 19);
}

/** Renders the whole junit.xml document. */
export function renderJunitXml(r: RunResult): string {
  const cases = junitCases(r);
  const failures = cases.filter((c) => c.failure).length;
  const time = (r.wallMs / 1000).toFixed(3);
  const suite = `squall ${r.kind}${r.scenario !== undefined ? ` ${r.scenario}` : ''}`;
  const props: [string, string][] = [
    ['runId', r.runId],
    ['version', r.version],
    ...(r.seed !== undefined ? ([['seed', String(r.seed)]] as [string, string][]) : []),
    ...(r.traceHash !== undefined ? ([['traceHash', r.traceHash]] as [string, string][]) : []),
  ];
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="squall" tests="${cases.length}" failures="${failures}" errors="0" time="${time}">`,
    `  <testsuite name="${attr(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${time}" timestamp="${attr(junitTimestamp(r.startedAt))}">`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${attr(k)}" value="${attr(v)}"/>`),
    '    </properties>',
  ];
  for (const c of cases) {
    const open = `    <testcase classname="${attr(c.classname)}" name="${attr(c.name)}" time="${c.timeSec.toFixed(3)}"`;
    if (!c.failure) {
      lines.push(`${open}/>`);
      continue;
    }
    lines.push(`${open}>`);
    lines.push(
      `      <failure message="${attr(c.failure.message)}" type="${attr(c.failure.type)}">${escapeXml(c.failure.body)}</failure>`,
    );
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
