/**
 * Session 34: a process that refuses its own documented config at start
 * fails the run (promise 8, "a config the docs accept starts") with the
 * reason, instead of crashing it (harness/scenario/config-refused.ts).
 * month-long-drain.yaml (a 180 s heartbeat timeout without a ceiling) passes
 * with the real coordinator at seed 1; a coordinator that again refuses a
 * timeout above its default ceiling when no ceiling was given (blind set 17
 * #12, planted in its resolver) fails promise 8 at the same seed, no crash.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '../../system/core/errors.js';
import { formatViolation } from '../../harness/check/violation.js';
import { ConfigRefused, configRefusedViolation, startOrRefused } from '../../harness/scenario/config-refused.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';

const plant = vi.hoisted(() => ({ on: false }));
vi.mock('../../system/coordinator/config.js', async (importOriginal) => {
  const { refusingConfig } = await import('./broken/refusing-config.js');
  return refusingConfig(await importOriginal(), plant, (c) =>
    // Broken (blind set 17 #12): a timeout above the default ceiling, with no ceiling given, refused.
    c.heartbeatTimeoutMaxMs === undefined && (c.heartbeatTimeoutMs ?? 0) > 60_000 ? [`heartbeatTimeoutMaxMs (60000) must be >= heartbeatTimeoutMs (${c.heartbeatTimeoutMs})`, 'heartbeatTimeoutMaxMs'] : undefined);
});
afterEach(() => {
  plant.on = false;
});

const run = () => runChecked(parseScenario(readFileSync('scenarios/month-long-drain.yaml', 'utf8'), 'month-long-drain.yaml'), { seed: 1 });

describe('a config the system refuses at start is a failed promise, not a crash', () => {
  it('startOrRefused turns a config refusal into ConfigRefused, other errors pass; the verdict names process, field and reason', () => {
    expect(() => startOrRefused('worker w1', () => { throw new InvalidArgumentError('heartbeatMs must be an integer between 1 and 9; got 0', 'heartbeatMs'); })).toThrow(ConfigRefused);
    expect(() => startOrRefused('worker w1', () => { throw new Error('socket'); })).toThrow(/^socket$/);
    const v = configRefusedViolation(new ConfigRefused('worker w1', new InvalidArgumentError('heartbeatMs must be > 0', 'heartbeatMs')), 's');
    expect(v).toMatchObject({ promise: { number: 8 }, workerId: 'w1' });
    expect(v.message).toMatch(/^the worker w1 refused the config scenario s gave it at start \(field heartbeatMs\): heartbeatMs must be > 0\. A config the docs accept must start/);
  });

  it('month-long-drain passes with the real coordinator (seed 1)', { timeout: 60_000 }, async () => {
    const r = await run();
    expect(r.violations.map(formatViolation)).toEqual([]);
    expect(r.passed).toBe(true);
  });

  it('a coordinator refusing its documented 180 s timeout fails promise 8, not a crash', { timeout: 60_000 }, async () => {
    plant.on = true;
    const r = await run();
    expect(r.crash).toBeUndefined();
    expect(r.passed).toBe(false);
    expect(r.violations.map(formatViolation)).toEqual([
      expect.stringMatching(/^promise 8 \(Auth\) violated: the coordinator refused the config scenario month-long-drain gave it at start \(field heartbeatTimeoutMaxMs\): heartbeatTimeoutMaxMs \(60000\) must be >= heartbeatTimeoutMs \(180000\)\. A config the docs accept must start/),
    ]);
  });
});
