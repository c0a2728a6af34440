/**
 * writeReport end to end on realistic fixtures: all four files exist, the
 * summary states the verdict and the numbers, the page carries rendered SVG
 * charts and no external URL, junit.xml is well-formed with matching counts,
 * result.json round-trips through the schema.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fmtMs } from '../../harness/report/format.js';
import { PROMISES, parseRunResult, type RunResult } from '../../harness/report/model.js';
import { makeRunId, renderReport, toJson, writeReport } from '../../harness/report/write.js';
import { benchFixture, liveFixture, minimalFixture, simSweepFixture } from './fixtures.js';
import { findAll, parseXml } from './xml-check.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'squall-report-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function files(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(dir)).sort();
  const out: Record<string, string> = {};
  for (const n of names) out[n] = await readFile(join(dir, n), 'utf8');
  return out;
}

function externalUrls(html: string): string[] {
  return [...html.matchAll(/(?:https?:)?\/\/[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'<>)]*/g)].map((m) => m[0]);
}

describe('writeReport on a live run with a violation', () => {
  let dir: string;
  let out: Record<string, string>;
  let result: RunResult;
  beforeAll(async () => {
    result = liveFixture();
    const t0 = process.hrtime.bigint();
    dir = await writeReport(result, { dir: root });
    // Measured, not asserted (no timed assertions): shows up in the test log.
    console.info(`live report rendered in ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms`);
    out = await files(dir);
  });

  it('writes the four files into <dir>/<run-id>/', () => {
    expect(dir).toBe(join(root, result.runId));
    expect(Object.keys(out)).toEqual(['index.html', 'junit.xml', 'result.json', 'summary.md']);
  });

  it('summary.md states the verdict, the key numbers and the violation message', () => {
    const md = out['summary.md'] ?? '';
    expect(md).toMatch(/^\*\*FAILED: 1 violation \(exactly-once\)/m);
    const rec = result.metrics.reconnect;
    expect(rec).toBeDefined();
    expect(md).toContain(fmtMs(rec?.p99 ?? -1));
    expect(md).toContain('30,992 / 30,992');
    expect(md).toContain('| lost / duplicated completions | 0 / 1 |');
    expect(md).toContain('execution ex-0042 completed twice');
    expect(md).toContain('   #18977 t=26103 coordinator info result_recorded');
    expect(md).toMatch(/\| reconnect p99 \| 2000 ms \| \d+ ms \| pass \|/);
  });

  it('index.html has rendered SVG charts and no external URL', () => {
    const html = out['index.html'] ?? '';
    const svgs = html.match(/<svg\b/g) ?? [];
    expect(svgs.length).toBeGreaterThanOrEqual(4); // timeline, CDF, beyond-backoff CDF, histogram
    expect(html).toContain('Faults against connected workers and throughput');
    expect(html).toContain('Reconnect time CDF by backoff strategy');
    // Rendered marks, not an empty frame: the CDF line and fault rectangles are paths.
    expect((html.match(/<path\b/g) ?? []).length).toBeGreaterThan(20);
    expect(externalUrls(html)).toEqual([]);
    expect(html).not.toMatch(/<script\b|<link\b|\bsrc=/i);
    // The violation message is escaped, not interpreted as markup.
    expect(html).toContain('lease &#60;lt-7a&#62; &#38; worker w-17');
    expect(html).toContain('<summary>4 history records around it</summary>');
  });

  it('junit.xml is well-formed, its counts match and the violation is a <failure>', () => {
    const doc = parseXml(out['junit.xml'] ?? '');
    expect(doc.name).toBe('testsuites');
    const suites = findAll(doc, 'testsuite');
    expect(suites).toHaveLength(1);
    const suite = suites[0];
    const cases = findAll(doc, 'testcase');
    const failures = findAll(doc, 'failure');
    expect(Number(suite?.attrs.tests)).toBe(cases.length);
    expect(Number(suite?.attrs.failures)).toBe(failures.length);
    expect(Number(doc.attrs.failures)).toBe(failures.length);
    // scenario + every promise the checker holds + 3 SLOs + completions
    expect(cases).toHaveLength(1 + PROMISES.length + 3 + 1);
    const promise2 = cases.find((c) => c.attrs.name === 'promise 2: Exactly-once completion');
    const failure = promise2?.children.find((c) => c.name === 'failure');
    expect(failure?.attrs.message).toContain('lease <lt-7a> & worker w-17');
    expect(failure?.text).toContain('execution ex-0042');
    expect(failure?.text).toContain('history:\n    #18220 t=24990 coordinator info claimed {"executionId":"ex-0042"');
    const promise1 = cases.find((c) => c.attrs.name === 'promise 1: No lost work');
    expect(promise1?.children).toEqual([]);
  });

  it('junit.xml uses the Ant schema timestamp form', () => {
    const suite = findAll(parseXml(out['junit.xml'] ?? ''), 'testsuite')[0];
    expect(suite?.attrs.timestamp).toBe('2026-11-23T12:15:00');
  });

  it('result.json keeps sample arrays on one line and strings untouched', () => {
    const json = out['result.json'] ?? '';
    expect(json).toMatch(/"ms": \[[\d.,]+\]/);
    expect(toJson({ message: 'workers [1, 2]', xs: [1, 2.5, -3] })).toBe('{\n  "message": "workers [1, 2]",\n  "xs": [1,2.5,-3]\n}');
  });

  it('result.json round-trips through the schema', () => {
    const back = parseRunResult(JSON.parse(out['result.json'] ?? 'null'));
    expect(back).toEqual(result);
  });
});

describe('writeReport on a reconnect benchmark', () => {
  it('renders the benchmark table, per-condition charts and a passing junit', async () => {
    const result = benchFixture();
    const t0 = process.hrtime.bigint();
    const dir = await writeReport(result, { dir: root, runId: 'bench-example' });
    console.info(`bench report rendered in ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms`);
    const out = await files(dir);
    const md = out['summary.md'] ?? '';
    expect(result.slo.length).toBeGreaterThanOrEqual(4);
    const checked = result.slo.filter((s) => s.target !== 'informational').length;
    expect(md).toMatch(new RegExp(`^\\*\\*PASSED: ${checked} SLOs met\\*\\*`, 'm'));
    expect(md).toMatch(/\| 500 workers healed at once, none \(comparison only\): max heal-to-synced \| informational \| \d+ ms \| info \|/);
    expect(md).toContain('## Reconnection benchmark');
    // one table row per bench row
    expect(md.split('\n').filter((l) => /^\| (clean|latency|jitter|bandwidth|flapping|corrupt)/.test(l))).toHaveLength(72);
    const html = out['index.html'] ?? '';
    expect((html.match(/<svg\b/g) ?? []).length).toBe(4); // CDF, beyond-backoff CDF, scaling, histograms
    expect(html).toContain('clean · 500 workers');
    expect(html).toContain('p99 heal → synced by fleet size');
    expect(externalUrls(html)).toEqual([]);
    const doc = parseXml(out['junit.xml'] ?? '');
    expect(findAll(doc, 'failure')).toHaveLength(0);
    expect(findAll(doc, 'testcase').map((c) => c.attrs.name)).toEqual([
      'reconnection benchmark',
      ...result.slo.map((s) => `SLO: ${s.name}`),
      'no lost or duplicated completions',
    ]);
    const json = JSON.parse(out['result.json'] ?? 'null') as { runId: string };
    expect(json.runId).toBe('bench-example');
  });
});

describe('hostile text', () => {
  it('keeps junit.xml well-formed and index.html inert whatever a message contains', async () => {
    const base = liveFixture();
    const nasty = 'bad ]]> <script>alert(1)</script> & "q" \'a\' \u0001\u0007 \uD800 tab\there\nnewline';
    const result = parseRunResult({
      ...base,
      scenario: 'x"<y>&z',
      violations: [{ promise: 'made-up', name: 'weird<name>', message: nasty }],
      slo: [{ name: 'slo & <co>', target: '< 5 ms', measured: 'n/a', passed: false }],
    });
    const r = await renderReport(result);
    const doc = parseXml(r.junitXml);
    const failures = findAll(doc, 'failure');
    expect(failures.map((f) => f.attrs.message).some((m) => m?.includes('<script>alert(1)</script> & "q"'))).toBe(true);
    expect(r.indexHtml).not.toContain('<script>');
    expect(r.indexHtml).toContain('&#60;script&#62;');
    expect(r.summaryMd).not.toMatch(/(^|[^\\])<script>/);
    expect(r.summaryMd).toContain('\\<script>alert(1)');
    for (const ch of ['\u0001', '\u0007', '\uD800']) expect(r.summaryMd).not.toContain(ch);
  });
});

describe('run ids', () => {
  it('builds readable, filesystem-safe ids and rejects unsafe ones', async () => {
    expect(makeRunId({ kind: 'sim', scenario: 'scenarios/thundering-herd.yaml', seed: 7, startedAt: '2026-11-23T12:15:00.123Z' })).toBe(
      'sim-thundering-herd-s7-20261123T121500123Z',
    );
    await expect(writeReport(liveFixture(), { dir: root, runId: '../escape' })).rejects.toThrow(/cannot name a report directory/);
  });

  it('rejects an invalid result naming the field, keeping the raw data', async () => {
    const bad = { ...liveFixture(), runId: 'invalid-run', wallMs: -1 };
    await expect(writeReport(bad, { dir: root })).rejects.toThrow(/wallMs.*raw result kept in .*result\.invalid\.json/);
    const kept = JSON.parse(await readFile(join(root, 'invalid-run', 'result.invalid.json'), 'utf8')) as { wallMs: number };
    expect(kept.wallMs).toBe(-1);
  });
});

describe('other kinds of run', () => {
  it('renders a minimal result with no metrics and no charts', async () => {
    const r = await renderReport(minimalFixture());
    expect(r.summaryMd).toMatch(/^\*\*PASSED: no violations\*\*/m);
    expect(r.indexHtml).not.toContain('<svg');
    expect(r.indexHtml).toContain('None: every checked promise held.');
    const doc = parseXml(r.junitXml);
    // the run + every promise, all passing
    expect(findAll(doc, 'testcase')).toHaveLength(1 + PROMISES.length);
    expect(findAll(doc, 'failure')).toHaveLength(0);
  });

  it('gives a seed sweep one test case per seed, failing seeds as <failure>', async () => {
    const result = simSweepFixture();
    const r = await renderReport(result);
    const cases = findAll(parseXml(r.junitXml), 'testcase');
    const seeds = cases.filter((c) => c.attrs.classname === 'squall.sim.mixed-chaos.seeds');
    expect(seeds).toHaveLength(20);
    expect(seeds.filter((c) => c.children.some((x) => x.name === 'failure')).map((c) => c.attrs.name)).toEqual(['seed 13']);
    expect(r.summaryMd).toContain('1 of 20 seeds failed');
    expect(r.summaryMd).toContain('## Seeds');
    expect(r.indexHtml).toContain('simulated time since start (s)');
  });

  it('gives every inline SVG its own element ids', async () => {
    const r = await renderReport(benchFixture());
    const ids = [...r.indexHtml.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(10);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('many violations', () => {
  it('counts them per promise, shows the first few and folds the rest, junit keeps all', async () => {
    const base = liveFixture();
    const violations = Array.from({ length: 40 }, (_, i) => ({
      promise: i % 4 === 0 ? 1 : 2,
      name: i % 4 === 0 ? 'no-lost-work' : 'exactly-once',
      message: `violation number ${i}`,
      executionId: `ex-${i}`,
    }));
    const r = await renderReport(parseRunResult({ ...base, violations }));
    expect(r.summaryMd).toContain('| promise 2 · exactly-once | 30 |');
    expect(r.summaryMd).toContain('| promise 1 · no-lost-work | 10 |');
    expect(r.summaryMd).toContain('violation number 19');
    expect(r.summaryMd).not.toContain('violation number 20');
    expect(r.summaryMd).toContain('… and 20 more');
    expect(r.indexHtml).toContain('<h2>Violations (40)</h2>');
    expect(r.indexHtml).toContain('<summary>35 more violations</summary>');
    expect(r.indexHtml).toContain('violation number 39');
    const failures = findAll(parseXml(r.junitXml), 'failure');
    const byPromise = failures.filter((f) => f.attrs.type === 'violation');
    expect(byPromise).toHaveLength(2);
    const p2 = byPromise.find((f) => f.text.startsWith('promise 2'));
    expect(p2?.text.split('\n').filter((l) => l.includes('violation number'))).toHaveLength(30);
  });
});
