/**
 * Promise 36 (process-exit), promises-process-exit.ts, on synthetic
 * histories: a stop that failed but exited 0, a clean stop that exited 1, a
 * clean coordinator stop that never closed its store, and a coordinator
 * sent SIGTERM that never exited are each reported; their good neighbours
 * pass. The simulation shows each caught against a broken stop
 * (tests/sim/broken-ops15.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { FaultDetails } from '../../harness/check/history-types.js';
import { checkHistory } from '../../harness/check/invariants.js';
import type { ProcessExit } from '../../harness/check/promises-process-exit.js';
import { H, baseContext } from './builder.js';

const messages = (h: H): string[] => checkHistory(h.history(), ['process-exit'], baseContext).map((v) => v.message);

const CLEAN: [string, string][] = [['coordinator.close', 'ok'], ['store.close', 'ok']];
const FULL: [string, string][] = [['coordinator.close', 'ok'], ['store.close', 'store commit failed: ENOSPC']];
const exit = (over: Partial<ProcessExit>): ProcessExit => ({ process: 'coordinator', signal: 'SIGTERM', signalledAt: 1000, at: 1002, code: 0, steps: CLEAN, ...over });
const withExits = (...exits: ProcessExit[]): H => {
  const h = new H();
  for (const e of exits) h.at(e.at).rec.recordInfo({ processExit: e });
  return h;
};
const kill: FaultDetails = { id: 'f1', action: 'kill', target: 'coordinator', workers: [], coordinator: true, params: { graceful: true } };

describe('36 process-exit: exit codes after SIGTERM', () => {
  it('passes 0 after a clean stop and 1 after a failed one, for the coordinator and a worker', () => {
    expect(messages(withExits(exit({}), exit({ code: 1, steps: FULL }), exit({ process: 'w1', steps: [['worker.stop', 'ok']] })))).toEqual([]);
  });

  it('reports a failed stop that exited 0, and a clean one that exited 1', () => {
    expect(messages(withExits(exit({ code: 0, steps: FULL }), exit({ process: 'w1', code: 1, steps: [['worker.stop', 'ok']] })))).toEqual([
      expect.stringMatching(/squall coordinator, sent SIGTERM at t=1000, exited 0 at t=1002 after its stop failed \(store.close: store commit failed: ENOSPC\): the README documents exit 1/),
      expect.stringMatching(/squall worker --id w1, sent SIGTERM at t=1000, exited 1 at t=1002 after its stop ended cleanly \(worker.stop\): the README documents exit 0/),
    ]);
  });

  it('reports a clean coordinator stop that never closed its store', () => {
    expect(messages(withExits(exit({ steps: [['coordinator.close', 'ok']] })))).toEqual([expect.stringMatching(/exited 0 at t=1002 having run coordinator.close of its stop: a clean stop runs coordinator.close, then store.close/)]);
  });

  it('reports a coordinator sent SIGTERM that had not exited when started again; passes one that exited', () => {
    const run = (exited: boolean): H => {
      const h = new H();
      h.at(1000).rec.recordFault('start', kill);
      if (exited) h.at(1002).rec.recordInfo({ processExit: exit({}) });
      h.at(1500).rec.recordFault('stop', kill);
      return h;
    };
    expect(messages(run(true))).toEqual([]);
    expect(messages(run(false))).toEqual([expect.stringMatching(/squall coordinator, sent SIGTERM at t=1000 \(graceful kill\), had not exited when it was started again at t=1500/)]);
  });
});
