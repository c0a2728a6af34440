/**
 * `idempotency.concurrent` (issue 10, class 32): every repeat of a key is
 * submitted in the same tick as the key's first submission, so it reaches the
 * engine while the original is still committing; a typo in the block is a
 * clear load-time error, not a silently serial workload.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../system/core/index.js';
import { ScenarioError, parseScenario } from './loader.js';
import { expandWorkload } from './workload.js';

const scenario = (idempotency: string): string => `name: idem
description: keyed submissions
fleet:
  workers: 1
workload:
  items:
    - { name: k, kind: echo, count: 6, at: 100, ratePerSec: 10, idempotency: ${idempotency}, params: { value: x } }
`;

const schedule = (idempotency: string): [number, string | undefined][] =>
  expandWorkload(parseScenario(scenario(idempotency), 'idem.yaml'), seededRandom(1)).map((s) => [s.at, s.type === 'task' ? s.spec.idempotencyKey : undefined]);

describe('workload idempotency.concurrent', () => {
  it('submits the repeats of a key at the time of its first submission', () => {
    expect(schedule('{ keys: 2, concurrent: true }')).toEqual([
      [100, 'k-k1'],
      [100, 'k-k1'],
      [100, 'k-k1'],
      [200, 'k-k2'],
      [200, 'k-k2'],
      [200, 'k-k2'],
    ]);
  });

  it('spreads them by the rate without it', () => {
    expect(schedule('{ keys: 2 }').map(([at]) => at)).toEqual([100, 200, 300, 400, 500, 600]);
  });

  it('refuses a misspelt or mistyped option, naming the field', () => {
    expect(() => parseScenario(scenario('{ keys: 2, concurent: true }'), 'idem.yaml')).toThrow(ScenarioError);
    expect(() => parseScenario(scenario('{ keys: 2, concurent: true }'), 'idem.yaml')).toThrow(/workload\.items\[0\]\.idempotency.*concurent/);
    expect(() => parseScenario(scenario('{ keys: 2, concurrent: yes please }'), 'idem.yaml')).toThrow(/workload\.items\[0\]\.idempotency\.concurrent/);
  });
});
