/**
 * Blind set 12's engine and store misses (01, 04, 05, 06, 08): each scenario
 * passes on the real system at seed 1 and fails, under the promise the
 * defect breaks, with the defect injected through SimWiring
 * (./broken/engine12-variants.ts).
 */
import { describe, expect, it } from 'vitest';
import type { PromiseName } from '../../harness/check/promises.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import type { SimWiring } from '../../harness/sim/index.js';
import type { Engine } from '../../system/engine/engine.js';
import { simVerdict, type Verdict } from './broken/verdict.js';
import { engineFactoryOf } from './broken/variants.js';
import {
  CascadeWithoutCompletedAtEngine,
  RetryCountsClaimsEngine,
  RolledBackListedEngine,
  StackGraphOrderEngine,
  StartUnfencedEngine,
} from './broken/engine12-variants.js';

const verdict = async (file: string, wiring?: SimWiring): Promise<Verdict> => simVerdict(await loadScenario(file), wiring);
const engine = (cls: typeof Engine): SimWiring => ({ engineFactory: engineFactoryOf(cls) });

const CASES: { file: string; name: string; cls: typeof Engine; caught: PromiseName; says: RegExp }[] = [
  {
    file: 'scenarios/attempt-edges.yaml',
    name: 'a started of another lease accepted (#01)',
    cls: StartUnfencedEngine,
    caught: 'exactly-once',
    says: /went running as attempt \d .* before its holder reported that lease's start: the last start delivered was zombie-w1's/,
  },
  {
    file: 'scenarios/attempt-edges.yaml',
    name: 'the retry delay counted from claims, not failures (#04)',
    cls: RetryCountsClaimsEngine,
    caught: 'retries',
    says: /retried \d+ ms after failure 1; strategy exponential \(delay 400, .*the retry came too late/,
  },
  {
    file: 'scenarios/dependency-states.yaml',
    name: 'dependents a cascade ends left without completedAt (#05)',
    cls: CascadeWithoutCompletedAtEngine,
    caught: 'api-contract',
    says: /listed \S+ is failed but carries no completedAt/,
  },
  {
    file: 'scenarios/flaky-disk.yaml',
    name: 'a rolled-back submission left in the listing (#06)',
    cls: RolledBackListedEngine,
    caught: 'api-contract',
    says: /is listed on a page read at t=\d+, with no submission open, but no submission created it/,
  },
  {
    file: 'scenarios/priority-order.yaml',
    name: "a graph's topological order taken as a stack (#08)",
    cls: StackGraphOrderEngine,
    caught: 'priority',
    says: /created by one request at t=\d+, ahead of it in the request's order/,
  },
];

describe('blind set 12: engine and store misses', () => {
  for (const file of [...new Set(CASES.map((c) => c.file))]) {
    it(`${file} passes on the real system at seed 1`, async () => {
      const v = await verdict(file);
      expect(v.text).toBe('');
      expect(v.passed).toBe(true);
    });
  }
  for (const c of CASES) {
    it(`catches: ${c.name} (promise ${c.caught}, ${c.file})`, async () => {
      const v = await verdict(c.file, engine(c.cls));
      expect(v.passed).toBe(false);
      expect(v.promises).toContain(c.caught);
      expect(v.text).toMatch(c.says);
    });
  }
});
