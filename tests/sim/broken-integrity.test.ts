/**
 * Corrupted frames must be rejected (promise 8, harness/check/promises-integrity.ts):
 * the simulated link reports each corrupted frame a live receiver reads, and
 * the receiver must refuse it at once. scenarios/corrupting-link.yaml passes
 * on the real codec. With the ping/pong/ack fast path moved ahead of the
 * integrity check (a module mock local to this file: a defect a developer
 * chasing heartbeat cost could commit), a corrupted heartbeat or ack is
 * acted on as if intact, which no outcome promise notices, and the rule
 * says so under `auth`; the on-path adversary's unsigned `ack` of a huge seq
 * (adversarial-clients, injected-ack) is then taken as well.
 */
import { describe, expect, it, vi } from 'vitest';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type * as Codec from '../../system/protocol/codec.js';

const state = vi.hoisted(() => ({ fastPathFirst: false }));

vi.mock('../../system/protocol/codec.js', async (importOriginal) => {
  const real = await importOriginal<typeof Codec>();
  /** The defect: a frame that parses as ping, pong or ack takes the fast path before its crc or signature is checked. */
  function early(frame: string): ReturnType<typeof real.heartbeatFastPath> {
    if (!state.fastPathFirst) return undefined;
    try {
      const obj: unknown = JSON.parse(frame);
      return typeof obj === 'object' && obj !== null && !Array.isArray(obj) ? real.heartbeatFastPath(obj as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  const decodeToCoordinator: typeof real.decodeToCoordinator = (frame, max, key) => {
    const msg = early(frame);
    return msg !== undefined ? { ok: true, msg: msg as never } : real.decodeToCoordinator(frame, max, key);
  };
  const decodeToWorker: typeof real.decodeToWorker = (frame, max, key) => {
    const msg = early(frame);
    return msg !== undefined ? { ok: true, msg: msg as never } : real.decodeToWorker(frame, max, key);
  };
  return { ...real, decodeToCoordinator, decodeToWorker };
});

async function story(fastPathFirst: boolean, file = 'scenarios/corrupting-link.yaml'): Promise<{ passed: boolean; text: string; promises: string[]; corrupted: number; notRejected: number }> {
  state.fastPathFirst = fastPathFirst;
  try {
    const r = await runChecked(await loadScenario(file), { seed: 1 });
    const text = r.violations.map(formatViolation).join('\n');
    return {
      passed: r.passed,
      text,
      promises: [...new Set(r.violations.map((v) => v.promise.name))],
      corrupted: r.outcome.history.filter((x) => x.f === 'note' && x.process === 'net' && typeof x.value.corrupted === 'string').length,
      notRejected: r.violations.filter((v) => /corrupted frame .* was read and not rejected/.test(v.message)).length,
    };
  } finally {
    state.fastPathFirst = false;
  }
}

describe('corrupted frames', () => {
  it('are each rejected by the real codec the moment they are read', async () => {
    const v = await story(false);
    expect(v.text).toBe('');
    expect(v.passed).toBe(true);
    // Not vacuous: the link corrupted frames that live receivers read, and every one was judged.
    expect(v.corrupted).toBeGreaterThan(10);
  });

  it('catches a heartbeat/ack fast path ahead of the integrity check (promise 8, auth)', async () => {
    const v = await story(true);
    expect(v.passed).toBe(false);
    expect(v.promises).toContain('auth');
    expect(v.notRejected).toBeGreaterThan(0);
  });

  it('the same defect lets an on-path unsigned ack of a huge seq through (adversarial-clients, injected-ack)', async () => {
    const v = await story(true, 'scenarios/adversarial-clients.yaml');
    expect(v.promises).toContain('auth');
    expect(v.text).toMatch(/an unsigned frame \(injected-ack\) injected into w1's signing session .* was not refused/);
  });
});
