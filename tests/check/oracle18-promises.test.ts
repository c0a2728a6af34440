/**
 * Synthetic histories for blind set 18's "the checker judges with the
 * system's own constants" class: promise 21 ranks priorities by the
 * checker's own table (harness/check/spec-tables.ts, written from the
 * README), not system/core/model.ts's, and the live feed's pace (29,
 * promises-feed-pace.ts) is judged by the README's four pushes a second,
 * not by the hub's window. Each rule passes the good history and reports
 * the defect's.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { DashboardFeed } from '../../harness/check/promises-dashboard.js';
import type { PromiseName } from '../../harness/check/promises.js';
import { PRIORITY_RANK, priorityRank } from '../../harness/check/spec-tables.js';
import { Priority } from '../../system/core/index.js';
import { baseContext, H } from './builder.js';

const check = (h: H, p: PromiseName): string[] => checkHistory(h.history(), [p], baseContext).map((v) => `${v.promise.name}: ${v.message}`);

function submit(h: H, id: string, priority: string): H {
  const i = h.rec.recordInvoke({ ref: `ref-${id}`, kind: 'echo', intent: [{ priority }] });
  h.emit('coordinator', { type: 'submitted', executionId: id, kind: 'echo', dependencies: [], maxAttempts: 1, priority: priority as 'medium' });
  h.status(id, null, 'scheduled', 0);
  h.rec.recordOk(i, { executionIds: [id] });
  return h;
}

/** One of every priority ready at t=0; w1 is given `order` one after another from t=10. */
function served(order: string[]): H {
  const h = new H().phase('faults').connect('w1');
  for (const p of ['low', 'high', 'medium', 'critical']) submit(h, p, p);
  order.forEach((id, i) => h.at(10 + 10 * i).run(id, 'w1', 1, `t-${id}`));
  return h;
}

describe('21 priority: ranked by the README, critical > high > medium > low', () => {
  it('the checker keeps its own table, equal to what the README lists today', () => {
    expect(PRIORITY_RANK).toEqual({ low: 0, medium: 1, high: 2, critical: 3 });
    expect(priorityRank(undefined)).toBe(1);
    expect(priorityRank('urgent')).toBe(1);
    expect(priorityRank('toString')).toBe(1);
    // The system's table is not the yardstick: swapping it (blind set 18 #17) leaves the checker's as it is.
    const sys = Priority as Record<string, number>;
    const [high, critical] = [sys.high, sys.critical];
    try {
      sys.high = 3;
      sys.critical = 2;
      expect(priorityRank('critical')).toBeGreaterThan(priorityRank('high'));
    } finally {
      sys.high = high as number;
      sys.critical = critical as number;
    }
  });

  it('passes the four levels served highest first', () => {
    expect(check(served(['critical', 'high', 'medium', 'low']), 'priority')).toEqual([]);
  });

  it('reports high served while critical was ready (blind set 18 #17), and medium before high', () => {
    expect(check(served(['high', 'critical', 'medium', 'low']), 'priority')).toEqual([expect.stringMatching(/given high \(priority high.*while critical \(priority critical.*higher priority must go first/)]);
    expect(check(served(['critical', 'medium', 'high', 'low']), 'priority')).toEqual([expect.stringMatching(/given medium \(priority medium.*while high \(priority high/)]);
  });
});

/** A dashboard stream opened at t=0 whose pushes (after the snapshot) came at `times`. */
function feed(times: number[]): H {
  const h = new H().connect('w1').at(5000);
  const f: DashboardFeed = { openedAt: 0, status: 200, attached: 0, pushes: [[0, 0, 0, 0], ...times.map((t): DashboardFeed['pushes'][number] => [t, 0, 0])], closedAt: 5000 };
  h.rec.recordInfo({ dashboardFeed: f });
  return h;
}

describe('29 api-contract: the live feed is coalesced, at most four pushes a second per stream', () => {
  it('passes pushes 250 ms apart (exactly four a second), and a push right after the snapshot', () => {
    expect(check(feed([10, 260, 510, 760, 1010, 1260, 1510]), 'api-contract')).toEqual([]);
    expect(check(feed([1, 2000, 2250]), 'api-contract')).toEqual([]);
  });

  it("judges each event stream a CLI command followed, its snapshot left out (a reconnect's new stream starts again)", () => {
    const watch = (pushes: number[]): H => {
      const h = new H().connect('w1').at(5000);
      const requests = [0, 2000].map((at) => ({ method: 'GET', path: '/ui/events', at, stream: true as const }));
      h.rec.recordInfo({ cliRun: { args: ['executions', 'watch'], token: 't', startedAt: 0, endedAt: 5000, exitCode: 0, out: '', requests, pushes: pushes.map((t) => [t, []]) } });
      return h;
    };
    // Snapshots at 5 and 2005 next to coalesced pushes: four a second on each stream.
    expect(check(watch([5, 10, 260, 510, 760, 1010, 2005, 2010, 2260, 2510, 2760]), 'api-contract')).toEqual([]);
    expect(check(watch([5, 10, 35, 60, 85, 110]), 'api-contract')).toEqual([expect.stringMatching(/squall executions watch \(its event stream\): 5 pushes from t=10 to t=110 \(100 ms\)/)]);
  });

  it('reports five pushes within a second (a 25 ms window: blind set 18 #27), and a window one ms short', () => {
    expect(check(feed([10, 35, 60, 85, 110]), 'api-contract')).toEqual([expect.stringMatching(/dashboard feed \(GET \/ui\/events, opened t=0\): 5 pushes from t=10 to t=110 \(100 ms\), after its snapshot: .* at most 4 pushes a second per stream/)]);
    expect(check(feed([10, 260, 510, 760, 1009]), 'api-contract')).toEqual([expect.stringMatching(/5 pushes from t=10 to t=1009 \(999 ms\)/)]);
  });
});

const spreadCtx = { ...baseContext, workerConcurrency: 2, workerIds: ['w1', 'w2', 'w3', 'w4'] };
const spread = (h: H): string[] => checkHistory(h.history(), ['priority'], spreadCtx).map((v) => `${v.promise.name}: ${v.message}`);

/** Three idle workers of two slots; long sleeps a, b, c... submitted one at a time, each claimed by the worker `to` names. */
function trickle(to: string[], between?: (h: H, i: number) => void): H {
  const h = new H().phase('faults').connect('w1').connect('w2').connect('w3');
  to.forEach((w, i) => {
    const id = `x${i}`;
    h.at(100 * (i + 1)).submit(id);
    between?.(h, i);
    h.at(100 * (i + 1) + 2).claim(id, w, 1, `t-${id}`).start(id, w, 1, `t-${id}`);
  });
  return h;
}

describe('21 priority: work is spread round-robin over idle workers', () => {
  it('passes lone claims going round the fleet', () => {
    expect(spread(trickle(['w2', 'w3', 'w1', 'w2', 'w3', 'w1']))).toEqual([]);
  });

  it('reports the same worker given two lone claims in a row while others sat free (blind set 18 #11)', () => {
    expect(spread(trickle(['w1', 'w1', 'w2']))).toEqual([
      expect.stringMatching(/^priority: w1 was given x1 \(kind sleep\) at t=202 right after x0 at t=102, with nothing in between to move the round-robin turn, while w2, w3 \(connected, with a free slot of 2, running sleep\) could take it/),
    ]);
  });

  it('does not judge a pair with a wake between (a result, a registration), nor one where a worker was full at the first claim', () => {
    // A result in between runs an idle pass of its own: the turn moved twice.
    const withResult = (h: H, i: number): void => {
      if (i === 0) h.at(101).submit('r').claim('r', 'w3', 1, 't-r').start('r', 'w3', 1, 't-r');
      if (i === 1) h.at(201).finish('r', 'w3', 1, 't-r');
    };
    expect(spread(trickle(['w1', 'w1'], withResult))).toEqual([]);
    expect(spread(trickle(['w1', 'w1'], (h, i) => i === 1 && h.at(201).connect('w4')))).toEqual([]);
    // w3 full (two leases) when x0 was claimed: x0's pass may have begun at w3, and the next one at w1.
    const fill = new H().phase('faults').connect('w1').connect('w2').connect('w3');
    fill.at(10).submit('f1').submit('f2').claim('f1', 'w3', 1, 't-f1').claim('f2', 'w3', 1, 't-f2');
    fill.at(100).submit('x0').at(102).claim('x0', 'w1', 1, 't-x0').at(200).submit('x1').at(202).claim('x1', 'w1', 1, 't-x1');
    expect(spread(fill)).toEqual([]);
    // Without the fleet's concurrency the rule is not judged.
    expect(checkHistory(trickle(['w1', 'w1']).history(), ['priority'], baseContext)).toEqual([]);
  });
});
