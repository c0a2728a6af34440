/**
 * The history holds only what the coordinator committed: events the engine
 * emitted before a store write that a crash then discarded are marked by a
 * `discard` record and ignored by every checker. And the durability promise
 * blames the store only for what the store lost.
 */
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../harness/check/invariants.js';
import { HistoryView } from '../../harness/check/view.js';
import { H, baseContext } from './builder.js';

const restart = { id: 'r1', action: 'restart', target: 'coordinator', workers: [], coordinator: true };

describe('commit-aware history', () => {
  it('marks pre-commit events whose write a crash discarded, and keeps committed ones', () => {
    const h = new H().connect('w1').connect('w2').submit('x');
    const rec = h.rec;
    h.at(10).claim('x', 'w1', 1, 't1');
    const first = rec.staged();
    h.at(12);
    rec.committed(first);
    h.at(20).emit('coordinator', { type: 'lease_expired', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1' });
    h.status('x', 'preparing', 'scheduled', 1, 'lease_expired');
    rec.staged(); // never commits
    h.at(30).fault('start', restart);
    rec.crashed();
    const view = new HistoryView(h.history());
    const discard = h.history().find((r) => r.f === 'discard');
    expect(discard?.value.indexes).toHaveLength(2);
    const kept = (view.byExecution.get('x') ?? []).map((e) => e.ev.type);
    expect(kept).toEqual(['submitted', 'status', 'claimed', 'status']);
  });

  it('an event emitted right after its write in the same instant (result_recorded) shares its fate', () => {
    const h = new H().connect('w1').submit('x').at(10).claim('x', 'w1', 1, 't1');
    h.rec.committed(h.rec.staged());
    h.at(50).emit('coordinator', { type: 'lease_released', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'completed' });
    h.status('x', 'running', 'completed', 1);
    h.rec.staged();
    h.emit('coordinator', { type: 'result_recorded', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', outcome: 'completed' });
    h.at(60).fault('start', restart);
    h.rec.crashed();
    // After the restart the worker re-sends its result and it is recorded: once, as far as the store knows.
    h.at(100).emit('coordinator', { type: 'lease_released', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'completed' });
    h.status('x', 'running', 'completed', 1);
    h.emit('coordinator', { type: 'result_recorded', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', outcome: 'completed' });
    expect(checkHistory(h.history(), ['exactly-once'], baseContext)).toEqual([]);
    // The same history without the discard marks is what the old checker saw: a double completion.
    const old = h.history().filter((r) => r.f !== 'discard');
    expect(checkHistory(old, ['exactly-once'], baseContext).map((v) => v.message)).toContainEqual(expect.stringMatching(/completed twice/));
  });
});

describe('durability blames the store only for what it lost', () => {
  it('an execution the restarted coordinator still knows but never runs is lost work, not a durability loss', () => {
    const kill = { id: 'k1', action: 'kill', target: 'coordinator', workers: [], coordinator: true };
    const h = new H().connect('w1').submit('x').at(100).fault('start', kill).at(2000).fault('stop', kill);
    h.at(3000).rec.recordRead({ x: 'scheduled' });
    h.phase('end');
    const v = checkHistory(h.history(), ['durability', 'no-lost-work'], baseContext);
    expect(v.map((x) => x.promise.name)).toEqual(['no-lost-work']);
  });
});
