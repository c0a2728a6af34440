/**
 * A result that carries its attempt's start (`started: true`, the worker sent
 * no `started`): the engine records running as an interim step and commits
 * it together with the outcome, in ONE store write, with the same history
 * and events as a separate `started` would have given. The broken variant
 * (an engine that ignores the flag) loses the running step and is caught.
 */
import { describe, expect, it } from 'vitest';
import { asWorkerId } from '../core/ids.js';
import type { ResultReport } from './contract.js';
import { Engine } from './engine.js';
import { claimFor, reportFor, startEngine } from './testing.js';

const W1 = asWorkerId('w1');

/** Ignores the folded start: the defect the first test catches. */
class FoldIgnoringEngine extends Engine {
  override onResult(report: ResultReport): ReturnType<Engine['onResult']> {
    return super.onResult({ ...report, started: undefined });
  }
}

type Make = NonNullable<Parameters<typeof startEngine>[0]>['make'];

async function foldedRun(outcome: ResultReport['outcome'], make?: Make, config = {}) {
  const t = await startEngine(make === undefined ? { config } : { config, make });
  const sub = await t.engine.scheduleTask({ kind: 'echo', retry: { maxRetries: 1, strategy: 'none' } });
  const a = claimFor(t.engine, W1);
  await t.time.settle();
  const before = t.store.stats().operations;
  const verdict = await t.engine.onResult(reportFor(a, outcome, { started: true }));
  const rec = t.engine.getExecution(sub.executionId);
  const events = t.sink.events.filter((e) => 'executionId' in e && e.executionId === sub.executionId);
  return { verdict, rec, writes: t.store.stats().operations - before, events };
}

describe('Engine: the start folded into the result', () => {
  it('records preparing -> running -> completed with one store write, events in order', async () => {
    const r = await foldedRun('completed');
    expect(r.verdict).toBe('recorded');
    expect(r.rec?.statusHistory.map((h) => h.status)).toEqual(['scheduled', 'preparing', 'running', 'completed']);
    expect(r.rec?.startedAt).toBeDefined();
    expect(r.writes).toBe(1);
    const tail = r.events.slice(-4).map((e) => (e.type === 'status' ? `status:${e.to}` : e.type));
    expect(tail).toEqual(['status:running', 'result_recorded', 'lease_released', 'status:completed']);
  });

  it('a folded failure that is retried: running and failed are interim, the retry commits them', async () => {
    const r = await foldedRun('failed');
    expect(r.rec?.statusHistory.map((h) => h.status).slice(1, 4)).toEqual(['preparing', 'running', 'failed']);
    expect(r.writes).toBe(1);
  });

  it('catches an engine that ignores the folded start (no running step)', async () => {
    const r = await foldedRun('completed', (deps, config) => new FoldIgnoringEngine(deps, config));
    expect(r.rec?.statusHistory.map((h) => h.status)).not.toContain('running');
  });

  it('a start already reported separately is not recorded twice', async () => {
    const t = await startEngine();
    const sub = await t.engine.scheduleTask({ kind: 'echo' });
    const a = claimFor(t.engine, W1);
    await t.engine.onStarted(a.executionId, a.attempt, a.leaseToken);
    await t.engine.onResult(reportFor(a, 'completed', { started: true }));
    expect(t.engine.getExecution(sub.executionId)?.statusHistory.map((h) => h.status)).toEqual(['scheduled', 'preparing', 'running', 'completed']);
  });
});
