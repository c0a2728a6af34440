/**
 * Promise 31 (cli): what the CLI shows on a terminal, the event lines of
 * `executions watch` and `squall tokens`, against blind set 16's misses
 * #07 (a revoke of an unknown token id exits 0), #08 (ages over an hour
 * lose their second unit: 1h30m shows as 1h0m) and #20 (the feed's detail
 * is the event's reason, not the status reached). The scenario cli-human
 * runs the commands as on a terminal and `squall tokens` on the
 * coordinator's token file; at seed 1 the real system passes and each
 * planted defect (./broken/cliout16-variants.ts) is reported under `cli`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as Format from '../../system/cli/format.js';
import type * as Hub from '../../system/coordinator/ui/event-hub.js';
import type { SystemEvent } from '../../system/core/index.js';
import { brokenAgo, reasonFirst, revokeUnknownExitsZero } from './broken/cliout16-variants.js';
import { simVerdict } from './broken/verdict.js';

/** Which mocked defect is planted (none: the real modules). */
const planted = vi.hoisted(() => ({ ago: false, feed: false }));

vi.mock('../../system/cli/format.js', async (original) => {
  const real = await original<typeof Format>();
  // `when` calls `ago` inside the module: both are swapped.
  const ago = (at: number | null | undefined, now: number): string => (planted.ago ? brokenAgo(at, now) : real.ago(at, now));
  return { ...real, ago, when: (at: number | null | undefined, now: number) => (planted.ago && at !== null && at !== undefined ? `${real.iso(at)} (${ago(at, now)})` : real.when(at, now)) };
});

vi.mock('../../system/coordinator/ui/event-hub.js', async (original) => {
  const real = await original<typeof Hub>();
  class EventHub extends real.EventHub {
    override notify(e: SystemEvent): void {
      super.notify(planted.feed ? reasonFirst(e) : e);
    }
  }
  return { ...real, EventHub };
});

const scenario = () => loadScenario('scenarios/cli-human.yaml');

afterEach(() => {
  planted.ago = false;
  planted.feed = false;
});

describe('31 cli: terminal output, event lines and tokens (cli-human), and broken ones caught', () => {
  it('the real CLI and feed keep their contract at seed 1', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario());
    expect(v.text).toBe('');
    expect(v.passed).toBe(true);
  });

  it('#07: a tokens revoke of an unknown id that exits 0 is reported', { timeout: 60_000 }, async () => {
    const v = await simVerdict(await scenario(), { cli: revokeUnknownExitsZero });
    expect(v.promises).toEqual(['cli']);
    expect(v.text).toMatch(/squall tokens revoke 0000000000000000 \(t=2600\): exited 0 when no token has the id 0000000000000000 \(not found\); the README documents exit 4 for that/);
  });

  it('#08: ages that lose their second unit (1h29m shown as 1h0m) are reported', { timeout: 60_000 }, async () => {
    planted.ago = true;
    const v = await simVerdict(await scenario());
    expect(v.promises).toEqual(['cli']);
    expect(v.text).toMatch(/squall executions get ex_\w+ \(t=700, on a terminal: true\): printed \S+Z \(in 1h0m\) at \S+Z, when that time was in 1h29m/);
    expect(v.text).toMatch(/squall executions get ex_\w+ \(t=1500, on a terminal: true\): printed \S+Z \(in 2d0h\) at \S+Z, when that time was in 2d5h/);
  });

  it('#20: a feed whose detail is the reason, not the status reached, is reported', { timeout: 60_000 }, async () => {
    planted.feed = true;
    const v = await simVerdict(await scenario());
    expect(v.promises).toEqual(['cli']);
    expect(v.text).toMatch(/squall executions watch \(t=50, on a terminal: true\): printed the status event of ex_\w+ at \S+ with detail "submitted", but the coordinator's event reached "scheduled"/);
    expect(v.text).toMatch(/squall executions watch \(t=60, on a terminal: false\): printed the status event/);
  });
});
