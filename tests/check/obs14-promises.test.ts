/**
 * The rules blind set 14's "reported numbers" class added, on synthetic
 * histories: the stats' percentiles by the checker's own nearest rank
 * (nearest-rank.ts, promises-reads-derived.ts), the bytes counter against
 * the frames the network carried (promises-metrics-bytes.ts), documented
 * defaults read back (promises-api-defaults.ts) and a secret shown in any
 * count (promises-secrets.ts). The simulation shows each caught against a
 * broken system (tests/sim/broken-obs14.test.ts); these pin the rules' edges.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { nearestRank } from '../../harness/check/nearest-rank.js';
import type { FrameBand } from '../../harness/check/promises-metrics-bytes.js';
import type { ApiReads, ListedExecution, ListedSpec } from '../../harness/check/promises-reads.js';
import { H, baseContext } from './builder.js';

const messages = (h: H, promise: 'api-contract' | 'auth' = 'api-contract', ctx = baseContext) => checkHistory(h.history(), [promise], ctx).map((v) => v.message);

describe('the checker\'s nearest rank (nearest-rank.ts)', () => {
  it('is the sample of rank ceil(p% of n): p95 of 10 is the 10th, p50 of 5 the 3rd, p0 the minimum, p100 the maximum', () => {
    const ten = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(nearestRank(ten, 95)).toBe(10);
    expect(nearestRank(ten, 90)).toBe(9);
    expect(nearestRank([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(nearestRank([4, 1, 2, 3], 50)).toBe(2);
    expect(nearestRank(ten, 0)).toBe(1);
    expect(nearestRank(ten, 100)).toBe(10);
    expect(nearestRank([], 50)).toBeNull();
  });
});

describe('29 api-contract: the stats\' duration percentiles (promises-reads-derived.ts)', () => {
  function run(p50: number, p95: number): string[] {
    const h = new H().at(1);
    const items: ListedExecution[] = [];
    for (let i = 1; i <= 5; i++) {
      const id = `e${i}`;
      h.submit(id).claim(id, 'w1', 1, `L${i}`).start(id, 'w1', 1, `L${i}`).at(1 + 100 * i).finish(id, 'w1', 1, `L${i}`);
      items.push([id, 'completed', 0, 'sleep', [['completed', null]], 10 * i, null, 1 + 100 * i]);
    }
    const reads: ApiReads = { limit: 7, all: { items, unended: false }, filtered: { error: 503 }, stats: { total: 5, retried: 0, byStatus: { completed: 5 }, byKind: {}, durationsMs: { p50, p95, samples: 5 } } };
    h.at(900).rec.recordInfo({ apiReads: reads });
    return messages(h).filter((m) => m.includes('durationsMs'));
  }

  it('passes the nearest-rank p50 and p95 of the listed completions (30 and 50 of 10..50)', () => {
    expect(run(30, 50)).toEqual([]);
  });

  it('reports a rank floored (p50 20, p95 40)', () => {
    expect(run(20, 40)).toEqual([
      expect.stringMatching(/durationsMs\.p50 20, but the 5 listed completions \(completedAt - startedAt\) give 30 by nearest rank/),
      expect.stringMatching(/durationsMs\.p95 40, but the 5 listed completions .* give 50/),
    ]);
  });
});

describe('29 api-contract: squall_message_bytes_total against the frames carried (promises-metrics-bytes.ts)', () => {
  const frames: Record<string, FrameBand> = { 'ping|in': { n: 4, min: 60, max: 64 }, 'result|in': { n: 2, min: 200, max: 900 }, 'assign|out': { n: 3, min: 170, max: 180 } };
  function run(bytes: Record<string, number>, withFrames = true): string[] {
    const h = new H().at(2000);
    const messagesTotal = { 'type=ping,direction=in': 4, 'type=result,direction=in': 2, 'type=assign,direction=out': 3, 'type=invalid,direction=in': 1 };
    h.rec.recordInfo({ gaugeRead: { at: 2000, gauges: { squall_messages_total: messagesTotal, squall_message_bytes_total: bytes }, workers: {}, byStatus: {}, ...(withFrames ? { frames } : {}) } });
    return messages(h);
  }
  const good = { 'type=ping,direction=in': 250, 'type=result,direction=in': 1100, 'type=assign,direction=out': 520, 'type=invalid,direction=in': 17 };

  it('passes bytes within n times the smallest and largest frame, an `invalid` type the network has no band for, and a read without frames', () => {
    expect(run(good)).toEqual([]);
    expect(run({ 'type=ping,direction=in': 4 }, false)).toEqual([]);
  });

  it('reports bytes equal to the message count, bytes above n times the largest frame, and bytes with no message', () => {
    expect(run({ ...good, 'type=ping,direction=in': 4 })).toEqual([expect.stringMatching(/squall_message_bytes_total\{type=ping,direction=in\} is 4 over 4 message\(s\) \(1\.0 bytes each\), but each ping frame the network carried to the coordinator was 60\.\.64 bytes/)]);
    expect(run({ ...good, 'type=assign,direction=out': 1200 })).toEqual([expect.stringMatching(/type=assign,direction=out\} is 1200 over 3 message\(s\).*from the coordinator was 170\.\.180 bytes/)]);
    expect(run({ ...good, 'type=pong,direction=out': 64 })).toEqual([expect.stringMatching(/squall_message_bytes_total\{type=pong,direction=out\} is 64 with no message counted/)]);
  });
});

describe('29 api-contract: a field left out reads back as its documented default (promises-api-defaults.ts)', () => {
  const DEFAULT_RETRY = { strategy: 'exponential', maxRetries: 3, delayMs: 1000, maxDelayMs: 60_000 };
  const ALL = ['priority', 'timeoutMs', 'taskId', 'metadata', 'idempotencyKey', 'retry.strategy', 'retry.maxRetries', 'retry.delayMs', 'retry.maxDelayMs'];
  function run(spec: ListedSpec, intent: { omitted: string[]; retry?: Record<string, unknown>; node?: string; priority?: string } = { omitted: ALL }): string[] {
    const h = new H().at(1);
    const inv = h.rec.recordInvoke({ ref: 'i1#1', kind: 'echo', intent: [{ priority: 'medium', ...intent }] });
    h.rec.recordOk(inv, { executionIds: ['e1'] });
    const item: ListedExecution = ['e1', 'scheduled', 0, 'echo', [['scheduled', null]], null, null, null, spec];
    h.at(500).rec.recordInfo({ apiReads: { limit: 7, all: { items: [item], unended: false }, filtered: { error: 503 }, stats: { error: 503 } } satisfies ApiReads });
    return messages(h).filter((m) => m.includes('documented default'));
  }
  const defaults: ListedSpec = { priority: 'medium', taskId: 'e1', retry: DEFAULT_RETRY, timeoutMs: null, metadata: {}, idempotencyKey: null };

  it('passes every default, a graph task named by its node, a strategy none with 0 retries, and a cap raised to a larger given delay', () => {
    expect(run(defaults)).toEqual([]);
    expect(run({ ...defaults, taskId: 'n0' }, { omitted: ALL, node: 'n0' })).toEqual([]);
    expect(run({ ...defaults, retry: { strategy: 'none', maxRetries: 0, delayMs: 1000, maxDelayMs: 60_000 } }, { omitted: ALL.filter((f) => f !== 'retry.strategy'), retry: { strategy: 'none' } })).toEqual([]);
    expect(run({ ...defaults, retry: { ...DEFAULT_RETRY, delayMs: 90_000, maxDelayMs: 90_000 } }, { omitted: ALL.filter((f) => f !== 'retry.delayMs'), retry: { delayMs: 90_000 } })).toEqual([]);
    // A priority the client gave as low reads low (a given field reads as given: fidelity22.test.ts).
    expect(run({ ...defaults, priority: 'low' }, { omitted: ALL.filter((f) => f !== 'priority'), priority: 'low' })).toEqual([]);
  });

  it('reports a priority stored low, a retry strategy other than the documented one, and a taskId other than the execution id', () => {
    expect(run({ ...defaults, priority: 'low' })).toEqual([expect.stringMatching(/lists e1, submitted without priority, with priority "low" \(documented default "medium"\)/)]);
    expect(run({ ...defaults, retry: { ...DEFAULT_RETRY, strategy: 'fixed' } })).toEqual([expect.stringMatching(/retry\.strategy "fixed" \(documented default "exponential"\)/)]);
    expect(run({ ...defaults, taskId: 'x' })).toEqual([expect.stringMatching(/taskId "x" \(documented default "e1"\)/)]);
  });
});

describe('8 auth: a secret shown in any count (promises-secrets.ts)', () => {
  const ctx = { ...baseContext, secrets: ['hunter-two'] };
  const read = (text: string): string[] => {
    const h = new H().at(100);
    h.rec.recordInfo({ op: 'get', result: { stdout: text } });
    return messages(h, 'auth', ctx);
  };

  it('passes every occurrence redacted', () => {
    expect(read('[redacted] then [redacted]')).toEqual([]);
  });

  it('reports the second occurrence left, one at the end, and one inside an escaped JSON text', () => {
    expect(read('[redacted] then hunter-two')).toEqual([expect.stringMatching(/the workers' secret was shown at t=100/)]);
    expect(read('x hunter-two')).toHaveLength(1);
    expect(read('{"note":"hunter-two"}')).toHaveLength(1);
  });
});
