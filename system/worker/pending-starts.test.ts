/**
 * The worker's held `started` messages (pending-starts.ts) and their fold
 * into the result, through the real TaskRunner on a virtual clock: a task
 * that finishes within the turn sends one `result` with `started: true`; a
 * longer one sends `started` when the turn ends and a plain result later; a
 * progress report releases the start first. The broken variant (a runner
 * that sends `started` at once, as before the fold) is caught by the first.
 */
import { describe, expect, it } from 'vitest';
import { realCpu } from '../core/cpu.js';
import { silentLogger } from '../core/logger.js';
import { seededRandom } from '../core/random.js';
import { fakeClock } from '../engine/testing.js';
import { builtinTaskKinds } from '../tasks/registry.js';
import type { Assign } from '../protocol/messages.js';
import type { OutMessage } from './outbox.js';
import { PendingStarts } from './pending-starts.js';
import { TaskRunner } from './task-runner.js';

function runner() {
  const time = fakeClock();
  const sent: OutMessage[] = [];
  const r = new TaskRunner({
    workerId: 'w1', clock: time.clock, random: seededRandom(1), cpu: realCpu, logger: silentLogger,
    events: { emit: () => {} }, taskKinds: builtinTaskKinds(), concurrency: 4, maxFrameBytes: 65536,
    allowedKinds: new Set(), outlet: { send: (m) => sent.push(m), settled: () => {} },
  });
  const assign = (executionId: string, kind: string, params: Assign['params']): void =>
    r.assign({ v: 2, seq: 1, type: 'assign', executionId, attempt: 1, leaseToken: `ls_${executionId}`, kind, params });
  return { time, sent, assign, types: () => sent.map((m) => (m.type === 'result' && m.started === true ? 'result+started' : m.type)) };
}

describe('TaskRunner: started folded into the result', () => {
  it('a task that finishes within the turn sends only its result, marked started', async () => {
    const t = runner();
    t.assign('ex_1', 'echo', { value: 1 });
    await t.time.settle();
    expect(t.types()).toEqual(['result+started']);
  });

  it('a task still running when the turn ends sends started then, and a plain result later', async () => {
    const t = runner();
    t.assign('ex_1', 'sleep', { durationMs: 50 });
    await t.time.tickAsync(1);
    expect(t.types()).toEqual(['started']);
    await t.time.tickAsync(100);
    expect(t.types().filter((x) => x !== 'progress')).toEqual(['started', 'result']);
  });

  it('catches a runner that sends started at once (no fold)', async () => {
    const t = runner();
    t.sent.push({ type: 'started', executionId: 'ex_1', attempt: 1, leaseToken: 'ls_ex_1' });
    t.assign('ex_1', 'echo', { value: 1 });
    await t.time.settle();
    expect(t.types()).not.toEqual(['result+started']);
  });
});

describe('PendingStarts', () => {
  const started = (id: string): OutMessage => ({ type: 'started', executionId: id, attempt: 1, leaseToken: `ls_${id}` });

  it('sends what is still held at the end of the turn, in start order; folded and released ones are not sent again', async () => {
    const time = fakeClock();
    const sent: OutMessage[] = [];
    const p = new PendingStarts(time.clock, { send: (m) => sent.push(m) });
    for (const id of ['a', 'b', 'c', 'd']) p.add(id, started(id));
    expect(p.fold('b')).toBe(true);
    p.release('c');
    expect(sent.map((m) => m.type === 'started' && m.executionId)).toEqual(['c']);
    await time.tickAsync(1);
    expect(sent.map((m) => m.type === 'started' && m.executionId)).toEqual(['c', 'a', 'd']);
    expect(p.fold('a')).toBe(false);
    p.release('a');
    expect(sent).toHaveLength(3);
  });
});
