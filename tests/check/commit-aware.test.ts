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

/** A pre-commit emitter (the engine before issue 9): these types are announced before their write. */
const preCommit = new Set(['submitted', 'status', 'claimed', 'lease_expired', 'lease_released', 'result_recorded']);
const restart = { id: 'r1', action: 'restart', target: 'coordinator', workers: [], coordinator: true };

describe('commit-aware history', () => {
  it('marks pre-commit events whose write a crash discarded, and keeps committed ones', () => {
    const h = new H({ preCommit }).connect('w1').connect('w2').submit('x');
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
    const h = new H({ preCommit }).connect('w1').submit('x').at(10).claim('x', 'w1', 1, 't1');
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

  it('by default (the engine emits after commit) an event is a fact even when a later write of its instant is lost', () => {
    const h = new H().connect('w1').submit('x').at(10).claim('x', 'w1', 1, 't1');
    h.at(50);
    h.rec.committed(h.rec.staged()); // the completion commits...
    h.emit('coordinator', { type: 'lease_released', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'completed' });
    h.status('x', 'running', 'completed', 1);
    h.emit('coordinator', { type: 'result_recorded', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', outcome: 'completed' });
    h.rec.staged(); // ...then another write of the same instant that a crash loses
    h.at(60).fault('start', restart);
    h.rec.crashed();
    expect(h.history().some((r) => r.f === 'discard')).toBe(false);
    // A pre-commit recorder would have tied those committed events to the lost write and discarded them.
    const pre = new H({ preCommit }).connect('w1').submit('x').at(10).claim('x', 'w1', 1, 't1');
    pre.at(50);
    pre.rec.committed(pre.rec.staged());
    pre.emit('coordinator', { type: 'lease_released', executionId: 'x', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'completed' });
    pre.rec.staged();
    pre.at(60).fault('start', restart);
    pre.rec.crashed();
    expect(pre.history().some((r) => r.f === 'discard')).toBe(true);
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
