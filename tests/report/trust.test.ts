/**
 * Reports people can trust at a glance (issue 15 item 6). Each check fails on
 * the old renderer: the per-promise table follows the checker's own list (a
 * promise the report module never heard of shows up), a violation is shown
 * with the history around it under its promise, partitions are named by their
 * sides, the heal is drawn and the axis covers the whole run, few samples say
 * n=, and a merged sweep names the runs no shard covered.
 */
import { describe, expect, it } from 'vitest';
import { timelineSpec } from '../../harness/report/chart-timeline.js';
import { faultIntervalsOf } from '../../harness/report/from-history.js';
import { keyNumbers } from '../../harness/report/format.js';
import { parseRunResult, type RunResultInput } from '../../harness/report/model.js';
import { renderReport } from '../../harness/report/write.js';
import { describeFault } from '../../harness/scenario/fault-details.js';
import type { HistoryRecord } from '../../harness/check/history.js';
import { minimalFixture } from './fixtures.js';

function result(extra: Partial<RunResultInput>): RunResultInput {
  return { ...minimalFixture(), kind: 'sim', simulatedMs: 21_200, ...extra } as RunResultInput;
}

describe('trustworthy reports', () => {
  it('puts a per-promise table at the top, from the checker\'s list, with each violation\'s history', async () => {
    const r = result({
      passed: false,
      promiseCatalog: [
        { number: 1, name: 'no-lost-work', title: 'No lost work' },
        { number: 11, name: 'reliable-channel', title: 'Reliable channel' },
        { number: 12, name: 'no-silent-healing', title: 'No silent healing' },
      ],
      promisesChecked: ['no-lost-work', 'reliable-channel'],
      violations: [{ promise: 11, name: 'reliable-channel', message: 'frame 7 handed over twice', events: ['#40 t=120 w3 info delivered {"seq":7}', '#41 t=121 w3 info delivered {"seq":7}'] }],
      description: 'Half the fleet partitioned longer than a lease.',
      files: [{ name: 'history.jsonl', title: 'the history' }],
    });
    const html = (await renderReport(r)).indexHtml;
    const table = html.slice(html.indexOf('<h2 id="promises">'), html.indexOf('</table>', html.indexOf('<h2 id="promises">')));
    expect(html.indexOf('<h2 id="promises">')).toBeLessThan(html.indexOf('<div class="cards">'));
    expect(table).toMatch(/Reliable channel[\s\S]*frame 7 handed over twice[\s\S]*#41 t=121 w3 info delivered/);
    expect(table).toMatch(/<td class="num">11<\/td>[\s\S]*?<span class="fail">1 violation<\/span>/);
    expect(table).toMatch(/No lost work[\s\S]*?<span class="pass">held<\/span>/);
    expect(table).toMatch(/No silent healing[\s\S]*?not checked/);
    expect(html).toContain('<p class="description">Half the fleet partitioned longer than a lease.</p>');
    expect(html).toContain('<a href="history.jsonl"');
  });

  it('names partitions by their sides and one-way cuts by direction, with the workers cut off', () => {
    const fleet = { workers: 4, idPrefix: 'w', groups: [{ name: 'east', count: 2 }, { name: 'west', count: 2 }] };
    const rec = (index: number, time: number, value: Record<string, unknown>): HistoryRecord => ({ index, time, process: 'nemesis', type: 'info', f: 'fault', value });
    const a = describeFault(fleet, { target: 'all-workers', action: { type: 'partition', groups: [['coordinator', 'east'], 'west'], oneWay: false } }, 'f1');
    const b = describeFault(fleet, { target: 'all-workers', action: { type: 'partition', groups: ['coordinator', 'east'], oneWay: true } }, 'f2');
    const faults = faultIntervalsOf([rec(0, 1000, { ...a, phase: 'start' }), rec(1, 4000, { ...a, phase: 'stop' }), rec(2, 5000, { ...b, phase: 'start' })], 9000);
    expect(faults).toEqual([
      { start: 1000, end: 4000, action: 'partition', target: '{coordinator, east} | {west}', workers: ['w3', 'w4'] },
      { start: 5000, end: 9000, action: 'partition', target: 'one-way {coordinator} → {east}', workers: ['w1', 'w2'] },
    ]);
    expect(JSON.stringify(faults)).not.toContain('all-workers');
  });

  it('marks the heal and lets the time axis cover the whole run', () => {
    const r = parseRunResult(result({ healAt: 15_000, timeline: [{ t: 0, connectedWorkers: 4, completedTotal: 0, throughputPerSec: 0 }, { t: 16_500, connectedWorkers: 4, completedTotal: 9, throughputPerSec: 1 }], faults: [{ start: 1000, end: 4000, action: 'partition', target: '{coordinator, east} | {west}' }] }));
    const spec = JSON.stringify(timelineSpec(r));
    expect(spec).toContain('"domain":[0,21.2]');
    expect(spec).toMatch(/"mark":\{"type":"rule","color":"#1a7f37"/);
    expect(spec).toContain('heal at 15.0 s');
  });

  it('says n= and that percentiles of few samples are the largest ones', () => {
    const r = parseRunResult(result({ metrics: { reconnect: { p50: 1, p95: 9, p99: 9, max: 9, count: 12 } } }));
    const row = keyNumbers(r).find(([k]) => k.startsWith('reconnect p50'));
    expect(row?.[0]).toContain('(n=12)');
    expect(row?.[1]).toContain('only 12 samples');
    const many = parseRunResult(result({ metrics: { reconnect: { p50: 1, p95: 9, p99: 9, max: 9, count: 500 } } }));
    expect(keyNumbers(many).find(([k]) => k.startsWith('reconnect p50'))?.[1]).not.toContain('samples');
  });

  it('a merged sweep names the runs no shard covered, in the page and in junit.xml', async () => {
    const r = result({ passed: false, sweep: [{ scenario: 'partition-heal', seed: 1, passed: true, violations: 0, traceHash: 'abc' }], plan: { units: [{ scenario: 'partition-heal', seed: 1 }, { scenario: 'partition-heal', seed: 2 }] }, uncovered: [{ scenario: 'partition-heal', seed: 2 }] });
    const out = await renderReport(r);
    expect(out.indexHtml).toMatch(/1 planned run no shard covered[\s\S]*partition-heal seed 2/);
    expect(out.junitXml).toMatch(/name="partition-heal seed 2"[^>]*>\s*<failure message="partition-heal seed 2: planned but run by no shard"/);
  });
});
