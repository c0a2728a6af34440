/**
 * Synthetic histories for promise 35's per-execution memory rule
 * (harness/check/promises-held.ts, set 18 #15): at the final read no work
 * map holds an ended execution, and no map holds a pruned one.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

interface Entry {
  map: string;
  role: 'work' | 'index';
  id: string;
  status: string | null;
}

function held(entries: Entry[], counts: Record<string, number> = {}): H {
  const h = new H();
  h.at(5000).rec.recordInfo({ heldMemory: { counts: { 'store.historyCounts': 0, 'engine.seqOf': 3, ...counts }, entries } });
  return h;
}

const messages = (h: H): string[] => checkHistory(h.history(), ['hygiene'], baseContext).map((v) => v.message);

describe('35 hygiene: per-execution memory at the final read', () => {
  it('passes maps that hold only work under way and indexes of known executions', () => {
    expect(messages(held([]))).toEqual([]);
    // An index (sequence numbers) keeps an ended execution retention kept: allowed.
    expect(messages(held([{ map: 'engine.seqOf', role: 'index', id: 'ex_a', status: 'failed' }]))).toEqual([]);
  });

  it('reports the store still counting an execution that ended failed, cancelled or timed out (set 18 #15)', () => {
    for (const status of ['failed', 'cancelled', 'timeout', 'completed']) {
      expect(messages(held([{ map: 'store.historyCounts', role: 'work', id: 'ex_f', status }], { 'store.historyCounts': 1 }))).toEqual([
        `at the final read (t=5000) store.historyCounts (1 entries) still holds ex_f, an execution that ended ${status}: memory for work under way is released when the work ends, whatever its terminal status, else it grows with the work done`,
      ]);
    }
  });

  it('reports any map holding a pruned execution, once per map', () => {
    const pruned = (map: string, id: string): Entry => ({ map, role: 'index', id, status: null });
    expect(messages(held([pruned('engine.dependents', 'ex_p'), pruned('engine.dependents', 'ex_q'), pruned('engine.seqOf', 'ex_p')], { 'engine.dependents': 2 }))).toEqual([
      expect.stringMatching(/^at the final read \(t=5000\) engine\.dependents \(2 entries\) still holds ex_p, an execution the engine no longer knows \(pruned by retention/),
      expect.stringMatching(/^at the final read \(t=5000\) engine\.seqOf \(3 entries\) still holds ex_p/),
    ]);
  });
});

describe('35 hygiene: nothing of a refused submission stays in an index (set 19 #12)', () => {
  function afterRefusal(entries: Entry[], counts: Record<string, number> = {}): H {
    const h = new H();
    h.at(1200).rec.recordInfo({ heldAfterRefusal: { counts: { 'engine.dependents': 2, 'engine.seqOf': 4, ...counts }, entries, refusedAt: 1199 } });
    return h;
  }

  it('passes a sample with no unknown execution in any map', () => {
    expect(messages(afterRefusal([]))).toEqual([]);
  });

  it('reports the rolled-back execution left in its dependency\'s dependents list, once per map', () => {
    const left = (map: string, id: string): Entry => ({ map, role: 'index', id, status: null });
    expect(messages(afterRefusal([left('engine.dependents', 'ex_r'), left('engine.dependents', 'ex_s')]))).toEqual([
      'right after a submission was refused at t=1199 (its store commit failed), engine.dependents (2 entries) still holds ex_r, an execution the engine does not know (t=1200): a rolled-back submission leaves no trace in any index, else each failed commit leaks an entry',
    ]);
  });
});
