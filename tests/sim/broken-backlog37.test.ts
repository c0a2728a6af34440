/**
 * A worker whose socket holds more than 4 MiB queued gets no new work (task cover37,
 * harness/check/promises-send-backlog.ts), as broken variants: system/coordinator/send-backlog.ts's
 * SendBacklog replaced by a module mock local to this file. The plant that found the class
 * (/work/defects-cover37/03) moved the watch line above the mark: w1 was given work 4-8 MiB
 * behind and every run passed. scenarios/send-backlog.yaml passes on the real coordinator and
 * fails under capacity with each variant.
 */
import { describe, expect, it, vi } from 'vitest';
import type * as Backlog from '../../system/coordinator/send-backlog.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { simVerdict, withPlanted } from './broken/verdict.js';

const state = vi.hoisted(() => ({ broken: 'none' as 'none' | 'never-possible' | 'watch-above-mark' }));

vi.mock('../../system/coordinator/send-backlog.js', async (importOriginal) => {
  const real = await importOriginal<typeof Backlog>();
  class BrokenBacklog extends real.SendBacklog {
    // The loop's proof that no socket is past the mark, given whatever the watch holds.
    override possible(): boolean {
      return state.broken === 'never-possible' ? false : super.possible();
    }

    // A connection watched only from twice the mark (the plant: WATCH_FROM_BYTES = mark * 2).
    override sent(conn: Parameters<Backlog.SendBacklog['sent']>[0]): void {
      if (state.broken === 'watch-above-mark' && conn.bufferedAmount <= real.ASSIGN_HIGH_WATER_BYTES * 2) return;
      super.sent(conn);
    }
  }
  return { ...real, SendBacklog: BrokenBacklog };
});

/** The scenario's verdict with `broken` planted for the run. */
const verdict = (broken: typeof state.broken): ReturnType<typeof simVerdict> =>
  withPlanted(() => ((state.broken = broken), () => void (state.broken = 'none')), async () => simVerdict(await loadScenario('scenarios/send-backlog.yaml')));

describe('no new work for a worker past the send high-water mark (cover37)', () => {
  it('send-backlog passes on the real coordinator', { timeout: 60_000 }, async () => {
    expect((await verdict('none')).text).toBe('');
  });

  for (const broken of ['never-possible', 'watch-above-mark'] as const) {
    it(`${broken}: a claim for w1 with more than 4 MiB queued to it is caught (capacity)`, { timeout: 60_000 }, async () => {
      const v = await verdict(broken);
      expect(v.passed).toBe(false);
      expect(v.promises).toContain('capacity');
      expect(v.text).toMatch(/was claimed for w1 at t=\d+ while the coordinator's send queue to it held \d+ bytes: a worker whose socket has more than 4194304 bytes/);
    });
  }
});
