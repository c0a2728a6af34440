/**
 * Synthetic histories for promise 29's dashboard-number rules
 * (harness/check/promises-ui-numbers.ts, units in ui-formats.ts; blind set
 * 20 #16 #17 #18 #27): a good look passes, and each one-change neighbour is
 * reported: a success rate not multiplied by 100, a table and detail stale
 * a second after an execution's push or after the page's stream came back
 * live (a reconnect), ages of "0 s ago", a sub-millisecond
 * round trip in ms. And the units judge every branch of each formatter.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { UiPageLook } from '../../harness/check/promises-ui-numbers.js';
import { AGE, DURATION, misread, misreadRate } from '../../harness/check/ui-formats.js';
import { H, baseContext } from './builder.js';

const NOW = 10_000_000;

function good(): UiPageLook {
  return {
    at: NOW + 5_000, execPushAt: NOW - 2_000, nowAtFetch: NOW - 1_000,
    pushed: {
      now: NOW, workers: [['w1', 'connected', 0.3, NOW - 400, 1, 4], ['w2', 'connected', 80, NOW - 125_000, 0, 4], ['w3', 'lost', null, NOW - 4_000_000, 0, 2]],
      total: 3, queueLength: 0, byStatus: { running: 0, completed: 2, failed: 1 }, retried: 1, timedOut: 0, p50: 0.3, p95: 12_000,
      byKind: [['echo', 19, 1, 0], ['fail', 0, 0, 2]], breakers: ['closed', 'open'],
    },
    workers: [['w1', '300 µs', '0 s ago', '1 / 4'], ['w2', '80.0 ms', '2 min ago', '0 / 4'], ['w3', '–', '1 h ago', '0 / 2']],
    kinds: [['echo', '19', '1', '0', '95 %'], ['fail', '0', '0', '2', '–']],
    executions: [['a', 'completed', '1 h ago'], ['b', 'running', '12 s ago']],
    tiles: [['workers connected', '2 / 3'], ['executions', '3'], ['queued', '0'], ['running', '0'], ['completed', '2'], ['failed', '1'], ['retried', '1'], ['timed out', '0'], ['duration p50 / p95', '300 µs / 12.0 s'], ['open breakers', '1']],
    detail: ['b', 'running'],
    listed: [['a', 'completed', NOW - 3_700_000], ['b', 'running', NOW - 13_000]],
  };
}

function check(l: UiPageLook): string[] {
  const h = new H().at(5_000);
  h.rec.recordInfo({ uiPage: { openedAt: 100, signIn: { at: 150, asked: true, session: true, local: false }, injected: [], texts: [], graphs: [], looks: [l] } });
  return checkHistory(h.phase('end').history(), ['api-contract'], baseContext).map((v) => v.message);
}

describe("29 api-contract: the dashboard's numbers and freshness", () => {
  it('passes a look whose numbers read as the push and whose table is the listing', () => {
    expect(check(good())).toEqual([]);
  });

  it('reports a success rate rounded as a fraction (set 20 #16)', () => {
    const l = good();
    l.kinds[0]![4] = '1 %';
    expect(check(l)).toEqual([expect.stringMatching(/shows "1 %" as the success rate of 19 completed and 1 failed: 95 % \(kind echo\)/)]);
  });

  it('reports counts of a kind that are not the push', () => {
    const l = good();
    l.kinds[0]![2] = '0';
    expect(check(l)).toEqual([expect.stringMatching(/shows 19 0 0 as kind echo's completed, failed and cancelled, where the push counts 19 1 0/)]);
  });

  it('reports a table and an open detail stale a second after a push carrying an execution event (set 20 #17)', () => {
    const l = good();
    l.executions[1]![1] = 'scheduled';
    l.detail = ['b', 'scheduled'];
    const m = check(l);
    expect(m).toHaveLength(2);
    expect(m[0]).toMatch(/shows b scheduled as row 2 of the executions table 7000 ms after the last push saying executions changed, where the API lists b running there/);
    expect(m[1]).toMatch(/shows b as scheduled in its open detail 7000 ms after the last push saying executions changed, where the API lists it running/);
    // Within the second the page is given, the same table passes.
    l.execPushAt = l.at - 900;
    expect(check(l)).toEqual([]);
  });

  it('reports a table and an open detail stale a second after the stream came back live, with no push saying executions changed since', () => {
    const l = good();
    // The page last heard of executions 7 s before the look; its stream dropped and came back live 2 s before it.
    l.live = [l.at - 2_000, 2];
    expect(check(l)).toEqual([]);
    l.executions[1]![1] = 'scheduled';
    l.detail = ['b', 'scheduled'];
    const m = check(l);
    expect(m).toHaveLength(2);
    expect(m[0]).toMatch(/shows b scheduled as row 2 of the executions table 2000 ms after its event stream came back live after a drop .* where the API lists b running there/);
    expect(m[1]).toMatch(/shows b as scheduled in its open detail 2000 ms after its event stream came back live after a drop/);
    // Within the second the page is given after the reconnect, the same stale table passes (the refetch may still be under way).
    l.live = [l.at - 900, 2];
    expect(check(l)).toEqual([]);
    // The stream's first coming live (the page's load) is judged the same way.
    l.live = [l.at - 1_500, 1];
    expect(check(l)).toEqual([expect.stringMatching(/1500 ms after its event stream came live, where/), expect.stringMatching(/in its open detail 1500 ms after its event stream came live,/)]);
  });

  it("reports an open detail whose attempts or status history are not the API's", () => {
    const l = good();
    const hist: [number, string][] = [[NOW - 13_000, 'scheduled'], [NOW - 12_000, 'running']];
    const rows = hist.map(([at, st]) => [new Date(at).toISOString().slice(11, 23), st]);
    l.history = { attempts: '1', rows, api: { attempts: 1, history: hist } };
    expect(check(l)).toEqual([]);
    l.history = { attempts: '2', rows: rows.map(([at, st]) => [at!.slice(0, 8), st!]), api: { attempts: 1, history: hist } };
    const m = check(l).join('\n');
    expect(m).toMatch(/shows "2" as the attempts of b in its open detail 7000 ms after the last push saying executions changed, where the API gives 1/);
    expect(m).toMatch(/shows 02:46:27 scheduled as change 1 of b's status history 7000 ms after .* where the API gives 02:46:27.000 scheduled/);
  });

  it('reports ages subtracted the other way round: "0 s ago" (set 20 #18)', () => {
    const l = good();
    l.workers[2]![2] = '0 s ago';
    l.executions[0]![2] = '0 s ago';
    const m = check(l).join('\n');
    expect(m).toMatch(/shows "0 s ago" for 4000000 ms: in h ago at that value as when w3 was last seen/);
    expect(m).toMatch(/shows "0 s ago" for 3699000 to 3700000 ms: in h ago at that value as when a was created/);
  });

  it('reports a sub-millisecond round trip and p50 in ms (set 20 #27)', () => {
    const l = good();
    l.workers[0]![1] = '300 ms';
    l.tiles[8] = ['duration p50 / p95', '300 ms / 12.0 s'];
    const m = check(l).join('\n');
    expect(m).toMatch(/shows "300 ms" for 0.3 ms: in µs at that value as the round trip of w1/);
    expect(m).toMatch(/shows "300 ms" for 0.3 ms: in µs at that value as the duration p50 in the overview/);
  });

  it("reports held tasks that are not the push's running / concurrency", () => {
    const l = good();
    l.workers[0]![3] = '4 / 1';
    expect(check(l)).toEqual([expect.stringMatching(/shows "4 \/ 1" as the held tasks of w1, where the push says 1 running of 4/)]);
  });

  it('reports overview tiles that are not the push', () => {
    const l = good();
    l.tiles[0] = ['workers connected', '3 / 3'];
    l.tiles[9] = ['open breakers', '0'];
    const m = check(l).join('\n');
    expect(m).toMatch(/shows "3 \/ 3" as "workers connected" in the overview, where the push says 2 \/ 3/);
    expect(m).toMatch(/shows "0" as "open breakers" in the overview, where the push says 1/);
  });

  it('judges every branch of the duration units', () => {
    expect(misread('300 µs', 0.3, 0.3, DURATION)).toBeUndefined();
    expect(misread('0 µs', 0, 0, DURATION)).toBeUndefined();
    expect(misread('12.3 ms', 12.34, 12.34, DURATION)).toBeUndefined();
    expect(misread('798 ms', 798, 798, DURATION)).toBeUndefined();
    expect(misread('12.0 s', 11_998, 11_998, DURATION)).toBeUndefined();
    expect(misread('–', null, null, DURATION)).toBeUndefined();
    expect(misread('0.3 ms', 0.3, 0.3, DURATION)).toMatch(/in µs at that value/);
    expect(misread('12.4 ms', 12.34, 12.34, DURATION)).toMatch(/shows "12.4 ms" for 12.34 ms$/);
    expect(misread('11998 ms', 11_998, 11_998, DURATION)).toMatch(/in s at that value/);
    expect(misread('12.0 s', 1.2, 1.2, DURATION)).toMatch(/in ms at that value/);
    expect(misread('0 µs', null, null, DURATION)).toMatch(/for no value/);
    expect(misread('NaN ms', 3, 3, DURATION)).toMatch(/not a number and a unit/);
  });

  it('judges every branch of the age units', () => {
    expect(misread('12 s ago', 12_400, 12_400, AGE)).toBeUndefined();
    expect(misread('2 min ago', 125_000, 125_000, AGE)).toBeUndefined();
    expect(misread('1 h ago', 4_000_000, 4_000_000, AGE)).toBeUndefined();
    expect(misread('2 h ago', 4_000_000, 9_000_000, AGE)).toBeUndefined();
    expect(misread('12 s ago', 14_000, 14_000, AGE)).toMatch(/shows "12 s ago" for 14000 ms$/);
    expect(misread('125 s ago', 125_000, 125_000, AGE)).toMatch(/in min ago at that value/);
    expect(misread('67 min ago', 4_000_000, 4_000_000, AGE)).toMatch(/in h ago at that value/);
  });

  it('judges success rates as percentages of completed among completed + failed', () => {
    expect(misreadRate('95 %', 19, 1)).toBeUndefined();
    expect(misreadRate('67 %', 2, 1)).toBeUndefined();
    expect(misreadRate('–', 0, 0)).toBeUndefined();
    expect(misreadRate('0.95 %', 19, 1)).toMatch(/: 95 %$/);
    expect(misreadRate('0 %', 0, 0)).toMatch(/no completion or failure/);
  });
});
