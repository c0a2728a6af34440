/**
 * Synthetic histories for blind set 15's "fields nobody reads" class: the
 * numbers a task kind reports in its result (16, promises-task-numbers.ts)
 * the dashboard feed's events, push by push (29,
 * promises-dashboard-events.ts), and the counts the listing and the stats
 * report (29, promises-reads-counts.ts). Each rule passes the history the real
 * system leaves and reports the defect's.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import type { DashboardFeed, PushedEvent } from '../../harness/check/promises-dashboard.js';
import type { PromiseName } from '../../harness/check/promises.js';
import type { ApiStats, ListedExecution } from '../../harness/check/promises-reads.js';
import { H, baseContext } from './builder.js';

const check = (h: H, p: PromiseName): string[] => checkHistory(h.history(), [p], baseContext).map((v) => `${v.promise.name}: ${v.message}`);

/** x (kind, params) claimed at t=10, started at 20, finished at `doneAt`, its result read back at the end as `result`. */
function readBack(kind: string, params: unknown, doneAt: number, result: unknown, checkpointSeq?: number): H {
  const h = new H().connect('w1').at(5);
  const k = h.rec.recordInvoke({ ref: 'x', kind, tasks: [{ kind, params }] });
  h.emit('coordinator', { type: 'submitted', executionId: 'x', kind, dependencies: [], maxAttempts: 1, priority: 'medium' });
  h.status('x', null, 'scheduled', 0);
  h.rec.recordOk(k, { executionIds: ['x'] });
  h.at(10).claim('x', 'w1', 1, 'l1', checkpointSeq).at(20).start('x', 'w1', 1, 'l1');
  h.at(doneAt).finish('x', 'w1', 1, 'l1');
  h.at(doneAt + 10).rec.recordInfo({ taskNumbers: { x: { result } } });
  return h;
}

describe('16 task-contract: the numbers in a completed cpu or sleep result are what the history measured', () => {
  it('passes a cpu whose tookMs is the burn, and a sleep that slept its duration or the rest of its checkpoint', () => {
    expect(check(readBack('cpu', { ms: 500 }, 520, { ms: 500, tookMs: 500 }), 'task-contract')).toEqual([]);
    expect(check(readBack('sleep', { durationMs: 500 }, 520, { sleptMs: 500, elapsedMs: 500, resumedFromMs: 0 }), 'task-contract')).toEqual([]);
    expect(check(readBack('sleep', { durationMs: 500 }, 520, { sleptMs: 300, elapsedMs: 500, resumedFromMs: 200 }, 2), 'task-contract')).toEqual([]);
  });

  it('reports a cpu tookMs from two clocks (epoch-sized), one shorter than the burn, and a wrong ms', () => {
    expect(check(readBack('cpu', { ms: 500 }, 520, { ms: 500, tookMs: 1_893_456_000_500 }), 'task-contract')).toEqual([
      expect.stringMatching(/cpu \{"ms":500\} read back at the end: its result says tookMs 1893456000500, but the burn of 500 ms ran in an attempt of 500 ms \(t=20\.\.520 on w1\): tookMs is at least 500 and at most 500 \(\+100\)/),
    ]);
    expect(check(readBack('cpu', { ms: 500 }, 520, { ms: 500, tookMs: 5 }), 'task-contract')).toEqual([expect.stringMatching(/says tookMs 5, but the burn of 500 ms/)]);
    expect(check(readBack('cpu', { ms: 500 }, 520, { ms: 50, tookMs: 500 }), 'task-contract')).toEqual([expect.stringMatching(/its result says ms 50, but 500 was submitted/)]);
  });

  it('reports a sleep whose numbers do not add up, resume from no checkpoint, or exceed what its attempt ran', () => {
    expect(check(readBack('sleep', { durationMs: 500 }, 520, { sleptMs: 500, elapsedMs: 400, resumedFromMs: 0 }), 'task-contract')).toEqual([expect.stringMatching(/a completed sleep has elapsed its whole 500 ms/)]);
    expect(check(readBack('sleep', { durationMs: 500 }, 520, { sleptMs: 500, elapsedMs: 500, resumedFromMs: 100 }), 'task-contract')).toEqual([expect.stringMatching(/sleptMs \+ resumedFromMs = 500/)]);
    expect(check(readBack('sleep', { durationMs: 500 }, 420, { sleptMs: 400, elapsedMs: 500, resumedFromMs: 100 }), 'task-contract')).toEqual([expect.stringMatching(/resumed from no checkpoint: resumedFromMs 0/)]);
    expect(check(readBack('sleep', { durationMs: 500 }, 220, { sleptMs: 500, elapsedMs: 500, resumedFromMs: 0 }), 'task-contract')).toEqual([
      expect.stringMatching(/completed 200 ms after its first start, but it takes at least 500 ms/),
      expect.stringMatching(/its attempt ran 200 ms \(t=20\.\.220 on w1\): it cannot have slept 500 ms/),
    ]);
    expect(check(readBack('sleep', { durationMs: 500 }, 520, { paused: true }), 'task-contract')).toEqual([expect.stringMatching(/a completed sleep reports sleptMs, elapsedMs and resumedFromMs as numbers/)]);
  });
});

/** Coordinator events worker_lost w<from>..w<to-1>, emitted at the current time. */
function lose(h: H, from: number, to: number): H {
  for (let i = from; i < to; i++) h.emit('coordinator', { type: 'worker_lost', workerId: `w${i}` });
  return h;
}
const lost = (i: number, at: number): PushedEvent => ['worker_lost', at, `w${i}`];

/** A stream's note: opened when `attached` records were recorded, its pushes and what each carried (the snapshot first). */
function stream(h: H, attached: number, pushes: [at: number, dropped: number, records: number, carried: PushedEvent[]][]): H {
  const feed: DashboardFeed = {
    openedAt: 0,
    status: 200,
    attached,
    pushes: [[0, 0, 0, attached], ...pushes.map(([at, dropped, records, carried]): DashboardFeed['pushes'][number] => [at, carried.length, dropped, records, carried.at(-1)])],
    carried: [[], ...pushes.map((p) => p[3])],
    closedAt: h.now,
  };
  h.rec.recordInfo({ dashboardFeed: feed });
  return h;
}

describe('29 api-contract: each dashboard stream is sent the events published since it attached, minus the announced drops', () => {
  /**
   * A hub keeping 3 events a push: A attached before w0..w9 (one window,
   * 7 dropped), B after w7 (mid-window, past the drops): B is owed w8, w9.
   * Then w10 in the next window. `b` is what B's first push carried.
   */
  function burst(b: { dropped: number; carried: PushedEvent[] }, second: PushedEvent[] = [lost(10, 300)]): string[] {
    const h = new H().at(100);
    const attachedA = h.rec.length;
    lose(h, 0, 8);
    const attachedB = h.rec.length;
    lose(h, 8, 10);
    const first = h.rec.length;
    lose(h.at(300), 10, 11);
    const next = h.rec.length;
    h.at(600);
    stream(h, attachedA, [[350, 7, first, [lost(7, 100), lost(8, 100), lost(9, 100)]], [550, 0, next, [lost(10, 300)]]]);
    stream(h, attachedB, [[350, b.dropped, first, b.carried], [550, 0, next, second]]);
    return checkHistory(h.history(), ['api-contract'], baseContext).map((v) => v.message);
  }

  it('passes streams sent exactly what was published since their attach, the oldest dropped', () => {
    expect(burst({ dropped: 0, carried: [lost(8, 100), lost(9, 100)] })).toEqual([]);
  });

  it('reports a late stream sliced from the window start (sent nothing), sent the wrong events, or sent one twice', () => {
    expect(burst({ dropped: 0, carried: [] })).toEqual([
      'dashboard feed (GET /ui/events, opened t=0): the push at t=350 accounts for 0 dropped + 0 carried events, but the coordinator published 2 since the stream attached: each push accounts for every event since the last, none twice',
    ]);
    expect(burst({ dropped: 0, carried: [lost(7, 100), lost(9, 100)] })).toEqual([
      'dashboard feed (GET /ui/events, opened t=0): the push at t=350 (0 dropped, 2 carried) is not the events published since the stream attached minus the 0 oldest: its event 1 is worker_lost w7 (at 100), but the coordinator\'s event there was worker_lost w8 (at 100)',
    ]);
    expect(burst({ dropped: 0, carried: [lost(8, 100), lost(9, 100)] }, [lost(9, 100), lost(10, 300)])).toEqual([
      expect.stringMatching(/the push at t=550 accounts for 0 dropped \+ 2 carried events, but the coordinator published 1 since the previous push/),
    ]);
  });
});

describe('29 api-contract: the attempts, timedOut, running and inFlight the API reports', () => {
  /** a runs once; b times out once, is retried and completes; then the end-of-run reads say `attempts` and `stats`. */
  function reads(attempts: [unknown, unknown], stats: Partial<ApiStats>): string[] {
    const h = new H().connect('w1').submit('a').submit('b', { maxAttempts: 2 });
    h.at(10).run('a', 'w1', 1, 'la').claim('b', 'w1', 1, 'lb1').start('b', 'w1', 1, 'lb1');
    h.at(500).status('b', 'running', 'timeout', 1).status('b', 'timeout', 'retrying', 1);
    h.at(900).claim('b', 'w1', 2, 'lb2', undefined, 'retrying').start('b', 'w1', 2, 'lb2').at(1000).finish('b', 'w1', 2, 'lb2');
    h.at(1100).rec.recordRead({ a: 'completed', b: 'completed' });
    const item = (id: string, n: unknown): ListedExecution => [id, 'completed', id === 'b' ? 1 : 0, 'sleep', [], null, null, null, {}, n];
    const all: ApiStats = { total: 2, retried: 1, byStatus: { completed: 2 }, byKind: { sleep: { completed: 2, failed: 0, cancelled: 0 } }, timedOut: 1, running: 0, inFlight: 0, ...stats };
    h.rec.recordInfo({ apiReads: { limit: 7, all: { items: [item('a', attempts[0]), item('b', attempts[1])], unended: false }, filtered: { error: 503 }, stats: all } });
    return checkHistory(h.history(), ['api-contract'], baseContext)
      .map((v) => v.message)
      .filter((m) => /attempts|timedOut|running|inFlight/.test(m));
  }

  /** x refused at capacity by w1 (a `revoked` result, never started), then run by w2 under a new lease with the same attempt number; read as `attempts`. */
  function refusedThenRun(attempts: number, opts: { startedBeforeHandBack?: boolean } = {}): string[] {
    const h = new H().connect('w1').connect('w2').submit('x');
    h.at(10).claim('x', 'w1', 1, 'l1');
    if (opts.startedBeforeHandBack === true) h.start('x', 'w1', 1, 'l1');
    h.at(12).emit('coordinator', { type: 'result_recorded', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 'l1', outcome: 'revoked' });
    h.status('x', opts.startedBeforeHandBack === true ? 'running' : 'preparing', 'scheduled', opts.startedBeforeHandBack === true ? 1 : 0, 'revoked');
    const next = opts.startedBeforeHandBack === true ? 2 : 1;
    h.at(20).run('x', 'w2', next, 'l2');
    h.at(100).rec.recordRead({ x: 'completed' });
    const item: ListedExecution = ['x', 'completed', 0, 'sleep', [], null, null, null, {}, attempts];
    const all: ApiStats = { total: 1, retried: 0, byStatus: { completed: 1 }, byKind: { sleep: { completed: 1, failed: 0, cancelled: 0 } }, timedOut: 0, running: 0, inFlight: 0 };
    h.rec.recordInfo({ apiReads: { limit: 7, all: { items: [item], unended: false }, filtered: { error: 503 }, stats: all } });
    return checkHistory(h.history(), ['api-contract'], baseContext)
      .map((v) => v.message)
      .filter((m) => /attempts/.test(m));
  }

  it('a refusal at capacity (a hand-back of a lease never started) is no attempt: one run reads attempts 1', () => {
    expect(refusedThenRun(1)).toEqual([]);
    expect(refusedThenRun(2)).toEqual([
      'listed x says attempts 2, but 1 attempt(s) ran or may have run before the read (2 claimed, 1 of them handed back by their holder without a start (a refusal at capacity, a pause or cancel before the start: no attempt ran)): attempts counts the attempts that ran',
    ]);
  });

  it('a hand-back of an attempt that started counts it', () => {
    expect(refusedThenRun(2, { startedBeforeHandBack: true })).toEqual([]);
    expect(refusedThenRun(1, { startedBeforeHandBack: true })).toEqual([expect.stringMatching(/listed x says attempts 1, but 2 attempt\(s\) ran or may have run before the read \(2 claimed\)/)]);
  });

  it('passes the attempts claimed and the counts that match', () => {
    expect(reads([1, 2], {})).toEqual([]);
  });

  it('reports attempts other than those claimed, and timedOut, running or inFlight that do not match', () => {
    expect(reads([1, 1], { timedOut: 0, running: 1, inFlight: 2 })).toEqual([
      'listed b says attempts 1, but 2 attempt(s) ran or may have run before the read (2 claimed): attempts counts the attempts that ran',
      'GET /api/v1/stats says running 1, but its byStatus counts 0 running',
      'GET /api/v1/stats says inFlight 2, but its byStatus counts 0 preparing and 0 running: the leases held',
      'GET /api/v1/stats says timedOut 0, but 1 attempt(s) timed out (status changes to timeout) and none was pruned',
    ]);
  });
});
