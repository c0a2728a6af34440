/**
 * An attempt's abort signal is made only when its task reads ctx.signal
 * (attempt-context.ts): a task that reads it after the runner aborted the
 * attempt still sees it aborted, with the runner's reason.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../core/clock.js';
import { realCpu } from '../core/cpu.js';
import { silentLogger } from '../core/logger.js';
import { seededRandom } from '../core/random.js';
import { type Assign, PROTOCOL_VERSION } from '../protocol/messages.js';
import { abortReasonOf } from '../tasks/abort.js';
import { defineTaskKind, type TaskContext, type TaskKind } from '../tasks/kind.js';
import type { OutMessage } from './outbox.js';
import { TaskRunner } from './task-runner.js';

/** A kind that waits for `gate`, then reports what its signal says. */
function gatedKind(gate: Promise<void>, readFirst: boolean, seen: (s: AbortSignal) => void): TaskKind<unknown> {
  return defineTaskKind<unknown>({
    name: 'gated',
    params: z.unknown(),
    run: async (_p, ctx: TaskContext) => {
      const early = readFirst ? ctx.signal : undefined;
      await gate;
      seen(early ?? ctx.signal);
      return null;
    },
  });
}

async function abortBeforeGate(readFirst: boolean): Promise<{ signal: AbortSignal; sent: OutMessage[] }> {
  let open: () => void = () => {};
  const gate = new Promise<void>((r) => (open = r));
  let signal: AbortSignal | undefined;
  const sent: OutMessage[] = [];
  const runner = new TaskRunner({
    workerId: 'w1', clock: systemClock, random: seededRandom(1), cpu: realCpu, logger: silentLogger, events: { emit: () => {} },
    taskKinds: new Map([['gated', gatedKind(gate, readFirst, (s) => (signal = s))]]), concurrency: 1, maxFrameBytes: 1 << 20,
    allowedKinds: new Set(), outlet: { send: (m) => sent.push(m), settled: () => {} },
  });
  const a: Assign = { v: PROTOCOL_VERSION, type: 'assign', seq: 1, executionId: 'ex1', attempt: 1, leaseToken: 'ls1', kind: 'gated', params: null };
  runner.assign(a);
  await Promise.resolve();
  expect(runner.abort('ex1', 'ls1', 'cancel')).toBe(true);
  open();
  await new Promise((r) => setImmediate(r));
  if (signal === undefined) throw new Error('the task never reported its signal');
  return { signal, sent };
}

describe('the attempt signal, made on first read', () => {
  it('read before the abort: aborted by the runner with its reason', async () => {
    const { signal, sent } = await abortBeforeGate(true);
    expect(abortReasonOf(signal)).toBe('cancel');
    expect(sent.find((m) => m.type === 'result')).toMatchObject({ outcome: 'cancelled' });
  });

  it('first read after the abort: already aborted, with the same reason', async () => {
    const { signal, sent } = await abortBeforeGate(false);
    expect(signal.aborted).toBe(true);
    expect(abortReasonOf(signal)).toBe('cancel');
    expect(sent.find((m) => m.type === 'result')).toMatchObject({ outcome: 'cancelled' });
  });
});
