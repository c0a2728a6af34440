/**
 * The commit/ack pipeline and the worker's connection state (blind set 12,
 * misses 10, 12, 21, 24, 25): each scenario passes on the real system at its
 * seed, and a broken variant of the system (./broken/pipeline-variants.ts)
 * fails it under the promise the defect breaks.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PromiseName } from '../../harness/check/promises.js';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import type { SimWiring } from '../../harness/sim/index.js';
import { PendingClearedByOlderEngine, ackPastOneEarly, flushNotRetried, stalePongKept, stopDropsUnacked } from './broken/pipeline-variants.js';
import { engineFactoryOf } from './broken/variants.js';

async function verdict(file: string, seed: number, wiring?: SimWiring) {
  const scenario = await loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', `${file}.yaml`));
  const r = await runChecked(scenario, { seed, ...(wiring === undefined ? {} : { wiring }) });
  return { passed: r.passed, promises: [...new Set(r.violations.map((v) => v.promise.name))], text: r.violations.map(formatViolation).join('\n'), marks: r.outcome.marks };
}

interface Case {
  name: string;
  file: string;
  seed: number;
  wiring: SimWiring;
  caught: PromiseName;
  says: RegExp;
}

const CASES: Case[] = [
  {
    name: '#10: a pending-commit entry cleared by an older commit (a stale refusal judged inside the cancel\'s commit window)',
    file: 'verdict-in-commit-window',
    seed: 1,
    wiring: { engineFactory: engineFactoryOf(PendingClearedByOlderEngine) },
    caught: 'acked-committed',
    says: /the result of lease \S+ \(attempt \d+\) was refused as stale at t=\d+, before any committed end of that lease/,
  },
  {
    name: '#12: the cumulative ack advances past one early commit only (it stalls)',
    file: 'resume-in-commit',
    seed: 1,
    wiring: { coordinatorPolicies: ackPastOneEarly },
    caught: 'delivery',
    says: /had seen acks only up to seq \d+: the cumulative ack stalled behind messages already committed/,
  },
  {
    name: '#21: a stop while disconnected drops the unacknowledged results',
    file: 'stop-while-cut-off',
    seed: 1,
    wiring: { onWorker: stopDropsUnacked },
    caught: 'drain',
    says: /w1 stopped \(stopped while not connected: nothing to drain\) at t=\d+ with results up to seq \d+(\.\.\d+)? of session \S+ unacknowledged/,
  },
  {
    name: '#24: a pong queued when the link went is kept and sent on the next connection',
    file: 'backed-up-link',
    seed: 1,
    wiring: { onWorker: stalePongKept },
    caught: 'liveness',
    says: /coordinator of w1 on connection \S+ \(registered at t=\d+\) took a \d+ ms round trip at t=\d+ from a pong answering ping \d+ sent at t=\d+, before that connection existed/,
  },
  {
    name: '#25: a flush held back by backpressure is never retried',
    file: 'backed-up-link',
    seed: 1,
    wiring: { onWorker: flushNotRetried },
    caught: 'delivery',
    says: /w2's outbox held \d+ message\(s\) at t=\d+ for 20 ms, ready, its transport not backed up, and sent nothing/,
  },
];

describe('the commit/ack pipeline and the worker connection state (blind set 12)', () => {
  for (const file of [...new Set(CASES.map((c) => `${c.file}@${c.seed}`))]) {
    it(`${file} passes on the real system`, async () => {
      const [name, seed] = file.split('@') as [string, string];
      const v = await verdict(name, Number(seed));
      expect(v.text).toBe('');
      expect(v.passed).toBe(true);
    });
  }
  for (const c of CASES) {
    it(`${c.caught}: ${c.name}`, async () => {
      const v = await verdict(c.file, c.seed, c.wiring);
      expect(v.passed).toBe(false);
      expect(v.promises, v.text).toContain(c.caught);
      expect(v.text).toMatch(c.says);
    });
  }
});
