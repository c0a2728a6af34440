/**
 * Blind set 20's dashboard-number misses (#16, #17, #18, #27), each served
 * to the simulated page as a modified asset (the seam `pageAssets.rewrite`,
 * harness/scenario/ui-page-runtime.ts) on dashboard-numbers.yaml, and caught
 * under promise 29 by what the user reads at a look
 * (harness/scenario/ui-page-look.ts, harness/check/promises-ui-numbers.ts),
 * while the real scripts pass at the same seed:
 * - #16: app.js rounds successRate (a fraction) as a percentage: "1 %";
 * - #17: app.js refetches its executions only when every event of a push is
 *   an execution's: pushes also carrying worker events leave the table and
 *   the open detail stale;
 * - #18: client.js's ago() subtracts the other way round: "0 s ago";
 * - #27: client.js's fmtMs writes sub-millisecond values as ms times 1000;
 * - and, of the same class, held tasks written concurrency / running, and
 *   feed lines and an open detail's status history stamped to the second
 *   where the README promises the millisecond.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { servedAsset } from './broken/served-asset.js';
import { simVerdict, withPlanted } from './broken/verdict.js';

const SCENARIO = 'scenarios/dashboard-numbers.yaml';

async function caught(asset: string, from: string, to: string): Promise<string> {
  const seen = { applied: false };
  const broken = await withPlanted(servedAsset(asset, from, to, seen), async () => simVerdict(await loadScenario(SCENARIO)));
  expect(seen.applied).toBe(true);
  expect(broken.promises).toContain('api-contract');
  return broken.text;
}

describe("blind set 20: the dashboard's numbers and freshness as its user reads them (29)", () => {
  it('the real scripts pass dashboard-numbers', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await loadScenario(SCENARIO))).text).toBe('');
  });

  it('#16 a success rate rounded as a fraction is reported', { timeout: 60_000 }, async () => {
    const text = await caught('app.js', '`${Math.round(v.successRate * 100)} %`', '`${Math.round(v.successRate)} %`');
    expect(text).toMatch(/shows "1 %" as the success rate of \d+ completed and 0 failed: 100 % \(kind echo\)/);
    expect(text).toMatch(/shows "0 %" as the success rate of 1 completed and 3 failed: 25 % \(kind fail\)/);
  });

  it('#17 a refetch only on pushes of execution events alone is reported: the table and the open detail stay stale', { timeout: 60_000 }, async () => {
    const text = await caught('app.js', '(data.events ?? []).some((e) => e.executionId)', '(data.events ?? []).every((e) => e.executionId)');
    expect(text).toMatch(/as row \d+ of the executions table \d+ ms after the last push saying executions changed, where the API lists ex_\w+ completed there/);
    expect(text).toMatch(/shows ex_\w+ as running in its open detail \d+ ms after the last push saying executions changed, where the API lists it completed/);
  });

  it('#18 ages subtracted the other way round are reported: everything "0 s ago"', { timeout: 60_000 }, async () => {
    const text = await caught('client.js', 'Math.round((now - at) / 1000)', 'Math.round((at - now) / 1000)');
    expect(text).toMatch(/shows "0 s ago" for \d+ ms: in min ago at that value as when w4 was last seen/);
  });

  it('#27 sub-millisecond values written in ms are reported', { timeout: 60_000 }, async () => {
    const text = await caught('client.js', 'if (v < 1) return `${Math.round(v * 1000)} µs`;', 'if (v < 1) return `${Math.round(v * 1000)} ms`;');
    expect(text).toMatch(/shows "0 ms" for 0 ms: in µs at that value as the duration p50 in the overview/);
  });

  it('held tasks written the other way round are reported', { timeout: 60_000 }, async () => {
    const text = await caught('app.js', 'td(`${w.running} / ${w.concurrency}`, true)', 'td(`${w.concurrency} / ${w.running}`, true)');
    expect(text).toMatch(/shows "4 \/ 0" as the held tasks of w\d, where the push says 0 running of 4/);
  });

  it('status history times stamped to the second are reported in the open detail', { timeout: 60_000 }, async () => {
    const text = await caught('app.js', 'td(new Date(h.at).toISOString().slice(11, 23))', 'td(new Date(h.at).toISOString().slice(11, 19))');
    expect(text).toMatch(/shows \d\d:\d\d:\d\d scheduled as change 1 of ex_\w+'s status history \d+ ms after the last push saying executions changed, where the API gives \d\d:\d\d:\d\d\.\d{3} scheduled/);
  });

  it('feed lines stamped to the second are reported', { timeout: 60_000 }, async () => {
    const text = await caught('app.js', "el('span', { class: 't' }, new Date(e.at).toISOString().slice(11, 23))", "el('span', { class: 't' }, new Date(e.at).toISOString().slice(11, 19))");
    expect(text).toMatch(/as line 1 of the live feed, whose event \(\w+ \w+\) is of \d\d:\d\d:\d\d\.\d{3} UTC: each line starts with its event's time/);
  });
});
