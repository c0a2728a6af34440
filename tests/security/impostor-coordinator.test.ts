/**
 * Attack: a server that does not know the secret takes the coordinator's
 * address (e.g. binds the port while the real one is down) and sends
 * welcome, registered and a `command` assignment. The worker must act on
 * nothing: no task started, no result, nothing of its secret sent, close
 * 4403 every time and keep retrying (the real coordinator may come back).
 *
 * Failing before the fix: with protocol v1 the worker accepted any
 * `registered` and ran the assignment (issue 8 §3). The same attack with
 * the proof check removed from system/worker/handshake.ts makes every case
 * here fail (see the report); and the honest coordinator case below shows
 * the fake does deliver work when it is entitled to.
 */
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../system/core/cpu.js';
import { sleep } from '../../system/core/clock.js';
import type { SystemEvent } from '../../system/core/events.js';
import { silentLogger } from '../../system/core/logger.js';
import { seededRandom } from '../../system/core/random.js';
import { CloseCode } from '../../system/protocol/index.js';
import { builtinTaskKinds } from '../../system/tasks/registry.js';
import { Worker } from '../../system/worker/worker.js';
import { fakeClock } from '../worker/helpers/fake-clock.js';
import { FakeCoordinator, type FakeCoordinatorOptions } from '../worker/helpers/fake-coordinator.js';
import { MemoryTransport } from '../worker/helpers/memory-transport.js';

const SECRET = 'the-real-secret-0123456789';

function setup(coord: FakeCoordinatorOptions) {
  const fc = fakeClock();
  const transport = new MemoryTransport();
  const fake = new FakeCoordinator(transport, coord);
  const events: SystemEvent[] = [];
  const cpu: Cpu = { burn: (ms, signal) => sleep(fc.clock, ms, signal) };
  const worker = new Worker(
    { transport, clock: fc.clock, random: seededRandom(7), logger: silentLogger, events: { emit: (e) => events.push(e) }, cpu, taskKinds: builtinTaskKinds() },
    { id: 'w1', coordinatorUrl: 'ws://127.0.0.1:1', secret: SECRET, allowKinds: ['command'], backoff: { initialMs: 100, maxMs: 400 } },
  );
  /** After every registration the fake tries to run a command that would print the secret. */
  const attack = (): void => {
    for (const conn of fake.conns) {
      if (!conn.open) continue;
      fake.send({ type: 'assign', executionId: `ex_${conn.id}`, attempt: 1, leaseToken: 'ls', kind: 'command', params: { argv: ['sh', '-c', 'echo $SQUALL_SECRET'] } }, conn);
    }
  };
  return { ...fc, fake, events, worker, attack };
}

describe('a coordinator that cannot prove the secret gets nothing from a worker', () => {
  const impostors: [string, FakeCoordinatorOptions, number][] = [
    ['registered without a proof', { impostor: { proof: 'omit' } }, CloseCode.CoordinatorAuthFailed],
    ['a proof made with another secret', { impostor: { proof: 'wrong-secret', secret: 'guessed-secret' } }, CloseCode.CoordinatorAuthFailed],
    ['no authentication at all (authRequired: false)', {}, CloseCode.CoordinatorAuthFailed],
    // It cannot sign `registered` with the session key either: refused on the signature first.
    ['signing offered without the secret', { signMessages: true, impostor: { proof: 'omit' } }, CloseCode.BadSignature],
  ];
  it.each(impostors)('%s: nothing runs, nothing leaks, closed (%#), retries with backoff', async (_name, opts, code) => {
    const t = setup(opts);
    t.worker.start();
    for (let i = 0; i < 10; i++) {
      await t.tick(100);
      t.attack();
    }
    await t.tick(2000);
    expect(t.worker.state).not.toBe('ready');
    expect(t.worker.state).not.toBe('stopped');
    expect(t.events.filter((e) => e.type === 'task_started' || e.type === 'task_finished')).toEqual([]);
    expect(t.fake.of('started')).toEqual([]);
    expect(t.fake.of('result')).toEqual([]);
    expect(t.fake.of('sync')).toEqual([]);
    const closes = t.events.filter((e) => e.type === 'disconnected');
    expect(closes.length).toBeGreaterThan(1);
    expect(closes.every((e) => e.type === 'disconnected' && e.code === code)).toBe(true);
    // The worker told the impostor why, and never sent the secret in any frame.
    const sent = t.fake.conns.flatMap((c) => c.peer.sent);
    expect(sent.some((f) => f.includes(code === CloseCode.BadSignature ? 'bad_signature' : 'coordinator_auth_failed'))).toBe(true);
    expect(sent.some((f) => f.includes(SECRET))).toBe(false);
  });

  it('the same fake WITH the secret does get its assignment run (the attack above is real)', async () => {
    const t = setup({ secret: SECRET });
    t.worker.start();
    await t.tick(100);
    expect(t.worker.state).toBe('ready');
    t.fake.assign({ executionId: 'ex_ok', kind: 'echo', params: { value: 1 } });
    await t.tick(100);
    expect(t.fake.of('result').map((r) => r.outcome)).toEqual(['completed']);
  });
});
