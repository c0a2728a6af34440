import { describe, expect, it } from 'vitest';
import { IllegalStateError } from '../../system/core/errors.js';
import { HistoryRecorder, eventOf, fromJsonLines, toJsonLines } from './history.js';

function recorder(): { rec: HistoryRecorder; tick: (ms: number) => void } {
  let now = 1000;
  return { rec: new HistoryRecorder({ now: () => now }), tick: (ms) => (now += ms) };
}

describe('HistoryRecorder', () => {
  it('records submissions as invoke/ok pairs and events as info, in order', () => {
    const { rec, tick } = recorder();
    const inv = rec.recordInvoke({ ref: 'item0#1', kind: 'sleep' });
    tick(5);
    rec.emit({ type: 'submitted', at: 1005, source: 'coordinator', executionId: 'ex1', kind: 'sleep', dependencies: [], maxAttempts: 3, priority: 'medium' });
    rec.recordOk(inv, { executionIds: ['ex1'] });
    tick(1);
    rec.emit({ type: 'claimed', at: 999, source: 'coordinator', executionId: 'ex1', workerId: 'w1', attempt: 1, leaseToken: 'ls1' });
    const h = rec.history();
    expect(h.map((r) => [r.index, r.time, r.process, r.type, r.f])).toEqual([
      [0, 1000, 'client', 'invoke', 'submit'],
      [1, 1005, 'coordinator', 'info', 'submitted'],
      [2, 1005, 'client', 'ok', 'submit'],
      [3, 1006, 'coordinator', 'info', 'claimed'],
    ]);
    expect(h[2]?.value).toEqual({ executionIds: ['ex1'], invoke: 0 });
    // The emitter's own (skewed) time is kept only when it differs from the recorder's.
    expect(h[1]?.value).not.toHaveProperty('at');
    expect(h[3]?.value).toMatchObject({ at: 999 });
    expect(eventOf(h[3]!)).toEqual({ type: 'claimed', at: 999, source: 'coordinator', executionId: 'ex1', workerId: 'w1', attempt: 1, leaseToken: 'ls1' });
    expect(eventOf(h[0]!)).toBeUndefined();
  });

  it('refuses to complete an invoke twice or one that does not exist', () => {
    const { rec } = recorder();
    const inv = rec.recordInvoke({ ref: 'r', kind: 'echo' });
    rec.recordFail(inv, { code: 'unavailable', message: 'down' });
    expect(() => rec.recordOk(inv, { executionIds: [] })).toThrow(IllegalStateError);
    expect(() => rec.recordOk(42, { executionIds: [] })).toThrow(/no open submit invoke/);
    expect(rec.history()[1]).toMatchObject({ type: 'fail', value: { error: { code: 'unavailable' } } });
  });

  it('records faults, phases and notes, and round-trips through JSON lines', () => {
    const { rec } = recorder();
    rec.recordPhase('faults');
    rec.recordFault('start', { id: 'f0', action: 'down', target: 'w1', workers: ['w1'] });
    rec.recordFault('stop', { id: 'f0', action: 'down', target: 'w1' });
    rec.recordInfo({ msg: 'hello' });
    const h = rec.history();
    expect(h.map((r) => `${r.process}:${r.f}`)).toEqual(['harness:phase', 'nemesis:fault', 'nemesis:fault', 'harness:note']);
    const text = toJsonLines(h);
    expect(text.split('\n')).toHaveLength(5);
    expect(fromJsonLines(text)).toEqual(h);
    expect(() => fromJsonLines('{"index":0}\n')).toThrow(/line 1/);
  });
});
