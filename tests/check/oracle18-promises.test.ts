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

  it('reports five pushes within a second (a 25 ms window: blind set 18 #27), and a window one ms short', () => {
    expect(check(feed([10, 35, 60, 85, 110]), 'api-contract')).toEqual([expect.stringMatching(/dashboard feed \(GET \/ui\/events, opened t=0\): 5 pushes from t=10 to t=110 \(100 ms\), after its snapshot: .* at most 4 pushes a second per stream/)]);
    expect(check(feed([10, 260, 510, 760, 1009]), 'api-contract')).toEqual([expect.stringMatching(/5 pushes from t=10 to t=1009 \(999 ms\)/)]);
  });
});
