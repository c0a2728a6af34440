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

  describe('a worker drains what it runs (blind set 19 #02)', () => {
    const lease = { executionId: 'e1', workerId: 'w1', attempt: 1, leaseToken: 't1' };
    const drained = (outcome: string | undefined, finishAt: number, exitAt: number, drainTimeoutMs = 2000, fault?: FaultDetails): H => {
      const h = new H();
      if (fault !== undefined) h.at(100).rec.recordFault('start', fault);
      h.at(500).emit('w1', { type: 'task_started', ...lease });
      if (outcome !== undefined) h.at(finishAt).emit('w1', { type: 'task_finished', ...lease, outcome });
      h.at(exitAt).rec.recordInfo({ processExit: exit({ process: 'w1', at: exitAt, steps: [['worker.stop', 'ok']], drainTimeoutMs }) });
      return h;
    };

    it('passes a drain whose running attempt completes, and one handed back once the drain timed out', () => {
      expect(messages(drained('completed', 1400, 1410))).toEqual([]);
      expect(messages(drained('revoked', 3000, 3010))).toEqual([]);
    });

    it('reports an attempt handed back at the signal, and an exit while it still ran', () => {
      expect(messages(drained('revoked', 1000, 1002))).toEqual([expect.stringMatching(/squall worker --id w1, sent SIGTERM at t=1000 \(--drain-timeout-ms 2000\), handed back its attempt of lease t1 \(revoked at t=1000\) before its drain timeout \(t=3000\)/)]);
      expect(messages(drained(undefined, 0, 1002))).toEqual([expect.stringMatching(/exited 0 at t=1002 while its attempt of lease t1 still ran, before its drain timeout/)]);
    });

    it('does not judge a hand-back while another fault touched the worker', () => {
      const partition: FaultDetails = { id: 'f2', action: 'partition', target: 'w1', workers: ['w1'], coordinator: false, params: {} };
      expect(messages(drained('revoked', 1000, 1002, 2000, partition))).toEqual([]);
    });
  });

  describe('SIGINT and a second signal', () => {
    it('passes an exit 130 at a second signal, reports a later exit or another code', () => {
      const second = (over: Partial<ProcessExit>): ProcessExit => exit({ process: 'w1', steps: [], secondSignalAt: 1100, at: 1100, code: 130, ...over });
      expect(messages(withExits(second({})))).toEqual([]);
      expect(messages(withExits(second({ code: 0, at: 1400, steps: [['worker.stop', 'ok']] })))).toEqual([
        expect.stringMatching(/squall worker --id w1, sent SIGTERM at t=1000, was sent a second SIGTERM at t=1100 while its stop ran, and exited 0 at t=1400: the README documents exit 130 at once/),
      ]);
    });

    it('reports a worker that neither began its stop nor exited after SIGINT; passes one that began it', () => {
      const drain: FaultDetails = { id: 'f3', action: 'drain', target: 'w2', workers: ['w2'], coordinator: false, params: { timeoutMs: 2000, signal: 'SIGINT' } };
      const run = (heard: boolean): H => {
        const h = new H();
        h.at(1000).rec.recordFault('start', drain);
        h.at(1000).rec.recordInfo({ processSignal: { process: 'w2', signal: 'SIGINT', at: 1000 } });
        if (heard) h.at(1001).emit('w2', { type: 'msg_sent', workerId: 'w2', sessionId: 's1', dir: 'to_coordinator', seq: 4, msgType: 'drain', resend: false });
        h.at(1400).rec.recordFault('stop', drain);
        return h;
      };
      expect(messages(run(true))).toEqual([]);
      expect(messages(run(false))).toEqual([expect.stringMatching(/squall worker --id w2, sent SIGINT at t=1000, neither began its stop \(its stop not run, no drain sent, not stopped\) nor exited by t=1400/)]);
    });
  });
});
