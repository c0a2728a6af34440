/**
 * Synthetic histories for promise 26 over a worker's whole life
 * (harness/check/worker-capabilities.ts, blind set 17 #13): a worker
 * restarted with another --concurrency / --allow-kinds (a restart fault
 * whose details carry `capabilities`) is judged by the capabilities of its
 * latest registration: claims beyond the new concurrency, and dangerous kinds
 * it no longer allows, are violations; claims made on the old session's word
 * before the new registration are not. The simulation catches a coordinator
 * that keeps the first registration's (tests/sim/broken-opsconf17.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../harness/check/context.js';
import { checkHistory } from '../../harness/check/invariants.js';
import { H, baseContext } from './builder.js';

const ctx: CheckContext = { ...baseContext, workerConcurrency: 3, workerAllowKinds: { w1: ['command'] } };
const messages = (h: H): string[] => checkHistory(h.history(), ['capacity'], ctx).map((v) => v.message);

/** w1 (concurrency 3, command allowed) restarted at t=100 as `--concurrency 1` (no dangerous kinds). */
function restarted(ids: readonly string[] = ['a', 'b']): H {
  const h = new H().connect('w1');
  for (const id of ids) h.submit(id);
  h.at(100).fault('start', { id: 'f1', action: 'restart', target: 'w1', workers: ['w1'], params: { args: ['--concurrency', '1'], capabilities: { concurrency: 1, allowKinds: [] } } });
  return h;
}

describe('26 capacity: a worker restarted with other flags is judged by its latest registration', () => {
  it('passes claims on the old session before the new registration, within the old concurrency', () => {
    const h = restarted();
    h.at(110).claim('a', 'w1', 1, 'ta').claim('b', 'w1', 1, 'tb');
    expect(messages(h)).toEqual([]);
  });

  it('reports a second lease after the registration that said --concurrency 1', () => {
    const h = restarted();
    h.at(200).connect('w1').claim('a', 'w1', 1, 'ta').at(210).claim('b', 'w1', 1, 'tb');
    expect(messages(h)).toEqual([expect.stringMatching(/lease tb claimed for w1 at t=210 while it already held 1 live lease\(s\), its whole concurrency 1/)]);
  });

  it('reports a command claimed after the registration that no longer allows it, not one before', () => {
    const h = restarted([]);
    h.at(150).emit('coordinator', { type: 'submitted', executionId: 'k1', kind: 'command', dependencies: [], maxAttempts: 1, priority: 'medium' });
    h.status('k1', null, 'scheduled', 0);
    h.claim('k1', 'w1', 1, 't1');
    expect(messages(h)).toEqual([]);
    h.at(200).connect('w1').emit('coordinator', { type: 'submitted', executionId: 'k2', kind: 'command', dependencies: [], maxAttempts: 1, priority: 'medium' });
    h.emit('coordinator', { type: 'lease_released', executionId: 'k1', workerId: 'w1', attempt: 1, leaseToken: 't1', reason: 'revoked' });
    h.status('k2', null, 'scheduled', 0).at(210).claim('k2', 'w1', 1, 't2');
    expect(messages(h)).toEqual([expect.stringMatching(/k2 \(kind command\) was claimed for w1, which was started allowing \[\]/)]);
  });

  it('the worker itself runs no more than its new process\'s concurrency', () => {
    const h = restarted();
    h.at(200).connect('w1').claim('a', 'w1', 1, 'ta').start('a', 'w1', 1, 'ta');
    h.emit('w1', { type: 'task_started', executionId: 'b', workerId: 'w1', attempt: 1, leaseToken: 'tb' });
    expect(messages(h)).toContainEqual(expect.stringMatching(/w1 started lease tb at t=200 while 1 of its attempts were live \(ta\), its whole concurrency 1/));
  });

  it('GET /api/v1/workers must list the latest registration\'s concurrency and dangerous kinds', () => {
    const listed = (h: H, capabilities: [string, unknown, unknown][]): H => {
      h.rec.recordInfo({ gaugeRead: { at: h.now, gauges: {}, workers: { connected: 1 }, byStatus: {}, capabilities } });
      return h;
    };
    const before = listed(restarted([]).at(150), [['w1', 3, ['command']]]);
    expect(messages(before)).toEqual([]);
    const after = listed(restarted([]).at(200).connect('w1').at(250), [['w1', 3, ['command']]]);
    expect(messages(after)).toEqual([expect.stringMatching(/GET \/api\/v1\/workers at t=250 lists w1 with concurrency 3 and dangerous kinds \["command"\], but its latest registration came from a process started with concurrency 1 allowing \[\]/)]);
    expect(messages(listed(restarted([]).at(200).connect('w1').at(250), [['w1', 1, []]]))).toEqual([]);
  });
});
