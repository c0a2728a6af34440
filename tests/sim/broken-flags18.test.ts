/**
 * Blind set 18's operator-flag misses (#19, #28, #29): every documented flag
 * of `squall coordinator` and `squall worker`, at its documented extremes,
 * does what the README says. Each defect injected through a seam is caught
 * in scenarios/operator-flags-max.yaml (flags given through coordinator.args
 * and fleet.args, a slow link), while the real system passes at the same seed:
 * - #19: the timeout in force ignores the adaptive flag (RttEstimator
 *   subclassed: the policy always adapts) -> promise 10: with
 *   --no-adaptive-heartbeat a side reports a timeout other than
 *   --heartbeat-timeout-ms (promises-heartbeat.ts, promises-rtt.ts);
 * - #28: clampInterval no longer caps a period at 2^31-1 ms (long-timer.ts
 *   mocked), which Node (and the simulated clock) turns into 1 ms -> promise
 *   35: `--retain-sweep 30d` fires a thousand times a second
 *   (promises-interval-pace.ts);
 * - #29: the register schema caps concurrency at 1000 while `squall worker
 *   --concurrency` accepts 10000 (messages.ts mocked; the hand-written
 *   register check of fast-decode-handshake.ts, which mirrors the schema,
 *   leaves register frames to it while planted) -> promises 1, 8, 9: every
 *   register of an honest worker refused as malformed, the worker never
 *   registers.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as LongTimer from '../../system/core/long-timer.js';
import type * as Messages from '../../system/protocol/messages.js';
import type * as FastHandshake from '../../system/protocol/fast-decode-handshake.js';
import type * as Rtt from '../../system/core/rtt.js';
import { simVerdict } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ alwaysAdapt: false, uncappedInterval: false, registerCap1000: false }));

vi.mock('../../system/core/rtt.js', async (importOriginal) => {
  const real = await importOriginal<typeof Rtt>();
  // Broken (set 18 #19): the adaptive flag is not consulted.
  class AlwaysAdapting extends real.RttEstimator {
    override timeoutMs(p: Rtt.HeartbeatTimeoutPolicy): number {
      return super.timeoutMs(plant.alwaysAdapt ? { ...p, adaptive: true } : p);
    }
  }
  return { ...real, RttEstimator: AlwaysAdapting };
});

vi.mock('../../system/core/long-timer.js', async (importOriginal) => {
  const real = await importOriginal<typeof LongTimer>();
  // Broken (set 18 #28): no cap at MAX_TIMER_MS.
  return { ...real, clampInterval: (ms: number) => (plant.uncappedInterval ? Math.max(1, Number.isFinite(ms) ? ms : real.MAX_TIMER_MS) : real.clampInterval(ms)) };
});

vi.mock('../../system/protocol/messages.js', async (importOriginal) => {
  const real = await importOriginal<typeof Messages>();
  const { z } = await import('zod');
  // Broken (set 18 #29): the register schema caps concurrency at 1000 (the CLI accepts 10000).
  const capped = real.Register.superRefine((m, ctx) => {
    if (plant.registerCap1000 && m.capabilities.concurrency > 1000) ctx.addIssue({ code: 'custom', path: ['capabilities', 'concurrency'], message: 'Too big: expected number to be <=1000' });
  });
  const members = real.ToCoordinator.options.filter((o) => o !== real.Register);
  return { ...real, ToCoordinator: z.union([capped, ...members]) };
});

// The fast path mirrors the real schema: with the cap planted in zod's Register, register frames are left to zod.
vi.mock('../../system/protocol/fast-decode-handshake.js', async (importOriginal) => {
  const real = await importOriginal<typeof FastHandshake>();
  const handshakeFastPath: typeof real.handshakeFastPath = (obj) => (plant.registerCap1000 && obj.type === 'register' ? undefined : real.handshakeFastPath(obj));
  return { ...real, handshakeFastPath };
});

afterEach(() => Object.assign(plant, { alwaysAdapt: false, uncappedInterval: false, registerCap1000: false }));

async function verdict(broken?: keyof typeof plant): Promise<Awaited<ReturnType<typeof simVerdict>>> {
  const scenario = await loadScenario('scenarios/operator-flags-max.yaml');
  if (broken !== undefined) plant[broken] = true;
  return simVerdict(scenario);
}

describe('blind set 18: operator flags at their extremes', () => {
  it('the real system passes operator-flags-max at seed 1', async () => {
    expect((await verdict()).text).toBe('');
  });

  it('#19 the timeout in force adapts though --no-adaptive-heartbeat', async () => {
    const v = await verdict('alwaysAdapt');
    expect(v.promises).toContain('liveness');
    expect(v.text).toMatch(/heartbeat timeout for w\d adapted to \d+ ms .* runs with --no-adaptive-heartbeat: the timeout stays fixed at --heartbeat-timeout-ms 2000 ms/);
    expect(v.text).toMatch(/left the heartbeat timeout in force at \d+ ms; its own estimate gives its floor \(not adaptive/);
  });

  it('#28 --retain-sweep 30d uncapped: the sweep runs every millisecond', async () => {
    const v = await verdict('uncappedInterval');
    expect(v.promises).toEqual(['hygiene']);
    expect(v.text).toMatch(/interval of period 2592000000 ms armed at t=0 fired \d{4} times by t=\d+ \(1000 per second\)/);
  });

  it('#29 --concurrency 10000 refused by the register schema: the workers never register', async () => {
    const v = await verdict('registerCap1000');
    expect(v.promises).toEqual(expect.arrayContaining(['no-lost-work', 'auth', 'backoff']));
    expect(v.text).toMatch(/refused a frame on c\d+ as malformed .*capabilities\.concurrency.* an honest frame refused as damaged/);
    expect(v.text).toMatch(/w1 never registered during the run/);
  });
});
