import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../check/history.js';
import { runGuardProblems } from './run-guards.js';

function rec(index: number, f: string, type: HistoryRecord['type'], value: Record<string, unknown>): HistoryRecord {
  return { index, time: index, process: f === 'fault' ? 'nemesis' : 'client', type, f: f as HistoryRecord['f'], value };
}

const refused = rec(1, 'submit', 'fail', { error: { code: 'invalid_argument', message: 'params.durationMs: Required' }, invoke: 0 });
const faultStart = rec(2, 'fault', 'info', { phase: 'start', id: 'f1' });

describe('runGuardProblems (no false green)', () => {
  it('is silent for a run that accepted work and applied its faults', () => {
    expect(runGuardProblems({ planned: 3, accepted: 3, faults: [{}], history: [faultStart] })).toEqual([]);
  });

  it('fails a run whose every planned submission was refused, quoting the first refusal', () => {
    const [p] = runGuardProblems({ planned: 3, accepted: 0, faults: [], history: [refused] });
    expect(p).toMatch(/planned 3 executions and none was accepted; first refusal: invalid_argument: params\.durationMs: Required/);
  });

  it('says so when no submission was answered at all', () => {
    expect(runGuardProblems({ planned: 2, accepted: 0, faults: [], history: [] })[0]).toMatch(/no submission was answered/);
  });

  it('does not fail a scenario that planned no executions (a flood-only or network-only run)', () => {
    expect(runGuardProblems({ planned: 0, accepted: 0, faults: [], history: [] })).toEqual([]);
  });

  it('fails a run that scheduled faults and applied none of them', () => {
    const problems = runGuardProblems({ planned: 1, accepted: 1, faults: [{}, {}], history: [] });
    expect(problems).toEqual(['the scenario scheduled 2 faults and none was applied: the run tested a fault-free system']);
  });
});
