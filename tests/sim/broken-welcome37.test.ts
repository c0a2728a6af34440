/**
 * A welcome announces the coordinator's configuration (task cover37,
 * harness/check/promises-welcome.ts), as broken variants: welcome.ts's
 * welcomeFor replaced by a module mock local to this file, as
 * broken-adversary.test.ts does for auth. The plant that found the class
 * (/work/defects-cover37/04) announced compression only when it was given
 * explicitly: with the default (on) every welcome said it was off, which no
 * run could see. scenarios/adversarial-clients.yaml (a secret, signed
 * messages) passes on the real coordinator and fails under the promise each
 * wrong parameter is about.
 */
import { describe, expect, it, vi } from 'vitest';
import type * as WelcomeModule from '../../system/coordinator/welcome.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { simVerdict, withPlanted } from './broken/verdict.js';

const state = vi.hoisted(() => ({ broken: 'none' as 'none' | 'compression-explicit' | 'timeout-as-interval' | 'unsigned' }));

vi.mock('../../system/coordinator/welcome.js', async (importOriginal) => {
  const real = await importOriginal<typeof WelcomeModule>();
  const welcomeFor: typeof real.welcomeFor = (c, nonce) => {
    const w = real.welcomeFor(c, nonce);
    // Compression announced only when configured explicitly (a `=== true` for `!== false`): the default, on, is announced off.
    if (state.broken === 'compression-explicit') return { ...w, compression: (c.compression as unknown) === true };
    // The silence budget announced as the interval: the worker is told a tighter floor than the coordinator keeps.
    if (state.broken === 'timeout-as-interval') return { ...w, heartbeatTimeoutMs: c.heartbeatMs };
    // Signing announced as the secret's presence alone: a coordinator that does not sign says it does.
    if (state.broken === 'unsigned') return { ...w, signMessages: c.secret !== undefined && !c.signMessages };
    return w;
  };
  return { ...real, welcomeFor };
});

/** The scenario's verdict with `broken` planted for the run. */
const verdict = (broken: typeof state.broken): ReturnType<typeof simVerdict> =>
  withPlanted(() => ((state.broken = broken), () => void (state.broken = 'none')), async () => simVerdict(await loadScenario('scenarios/adversarial-clients.yaml')));

describe('a welcome announces the configuration the coordinator runs with (cover37)', () => {
  it('adversarial-clients passes on the real coordinator', { timeout: 60_000 }, async () => {
    expect((await verdict('none')).text).toBe('');
  });

  it('compression announced off while the socket deflates is caught (wire)', { timeout: 60_000 }, async () => {
    const v = await verdict('compression-explicit');
    expect(v.passed).toBe(false);
    expect(v.promises).toContain('wire');
    expect(v.text).toMatch(/welcome to w\d+ at t=\d+ announced compression false \(configured: true\)/);
  });

  it('a heartbeat timeout announced as the interval is caught (liveness)', { timeout: 60_000 }, async () => {
    const v = await verdict('timeout-as-interval');
    expect(v.passed).toBe(false);
    expect(v.promises).toContain('liveness');
    expect(v.text).toMatch(/announced heartbeatTimeoutMs \d+ \(configured: \d+\)/);
  });

  it('signing announced otherwise than configured is caught (auth)', { timeout: 60_000 }, async () => {
    const v = await verdict('unsigned');
    expect(v.passed).toBe(false);
    expect(v.promises).toContain('auth');
    expect(v.text).toMatch(/announced signMessages (true|false) \(configured: (true|false)\)/);
  });
});
