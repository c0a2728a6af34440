/**
 * Blind set 15's operator paths as broken variants: the scenarios pass on
 * the real system at seed 1 and fail naming the promise with the defect
 * planted. Promise 31 (cli): a `squall submit` that leaves --priority out
 * of its request (set 15 #20) is caught by promises-cli-options.ts.
 * Promise 36 (process-exit), scenario process-stop: a failed stop that
 * exits 0 (set 15 #22), a coordinator stop that never closes its store, and
 * one that never ends.
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as ApiClient from '../../system/cli/api-client.js';
import type * as Shutdown from '../../system/cli/shutdown.js';
import type * as Signals from '../../system/cli/signals.js';
import { simVerdict } from './broken/verdict.js';

/** #20: the submit body built without the priority, switched on per test. */
const dropPriority = vi.hoisted(() => ({ on: false }));
vi.mock('../../system/cli/api-client.js', async (importOriginal) => {
  const real = await importOriginal<typeof ApiClient>();
  const apiJson: typeof real.apiJson = (t, method, path, what, body) => {
    if (!dropPriority.on || method !== 'POST' || path !== '/api/v1/executions' || body === null || typeof body !== 'object') return real.apiJson(t, method, path, what, body);
    const { priority: _dropped, ...rest } = body as Record<string, unknown>;
    return real.apiJson(t, method, path, what, rest);
  };
  return { ...real, apiJson };
});

/** The stop's planted defects, one at a time. */
const stop = vi.hoisted(() => ({ defect: undefined as 'exit-0-on-failure' | 'no-store-close' | 'hangs' | undefined }));
vi.mock('../../system/cli/signals.js', async (importOriginal) => {
  const real = await importOriginal<typeof Signals>();
  const onShutdownSignal: typeof real.onShutdownSignal = (logger, close, proc) => {
    if (stop.defect !== 'exit-0-on-failure' || proc === undefined) return real.onShutdownSignal(logger, close, proc);
    // #22: the failed stop's exit(1) comes out as 0.
    return real.onShutdownSignal(logger, close, { on: (s, h) => proc.on(s, h), exit: (code) => proc.exit(code === 1 ? 0 : code) });
  };
  return { ...real, onShutdownSignal };
});
vi.mock('../../system/cli/shutdown.js', async (importOriginal) => {
  const real = await importOriginal<typeof Shutdown>();
  const coordinatorShutdown: typeof real.coordinatorShutdown = (parts) => {
    if (stop.defect === 'no-store-close') return () => parts.coordinator.close();
    if (stop.defect === 'hangs') return () => parts.coordinator.close().then(() => new Promise<void>(() => {}));
    return real.coordinatorShutdown(parts);
  };
  return { ...real, coordinatorShutdown };
});

describe('36 process-exit: SIGTERM to the coordinator and a worker (set 15 #22)', () => {
  const scenario = () => loadScenario('scenarios/process-stop.yaml');
  const planted = async (defect: NonNullable<typeof stop.defect>) => {
    stop.defect = defect;
    try {
      return await simVerdict(await scenario());
    } finally {
      stop.defect = undefined;
    }
  };

  it('process-stop passes on the real commands at seed 1', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await scenario())).text).toBe('');
  });

  it('a stop that failed (the store could not close on a full disk) exiting 0 is reported (#22)', { timeout: 60_000 }, async () => {
    const v = await planted('exit-0-on-failure');
    expect(v.promises).toEqual(['process-exit']);
    expect(v.text).toMatch(/squall coordinator, sent SIGTERM at t=2500, exited 0 at t=2500 after its stop failed \(store.close: store commit failed: ENOSPC: no space left on device \(injected storage fault\)\): the README documents exit 1/);
  });

  it('a coordinator stop that never closes its store is reported', { timeout: 60_000 }, async () => {
    const v = await planted('no-store-close');
    expect(v.promises).toContain('process-exit');
    expect(v.text).toMatch(/squall coordinator, sent SIGTERM at t=1200, exited 0 at t=1200 having run coordinator.close of its stop: a clean stop runs coordinator.close, then store.close/);
  });

  it('a coordinator stop that never ends is reported', { timeout: 60_000 }, async () => {
    const v = await planted('hangs');
    expect(v.promises).toContain('process-exit');
    expect(v.text).toMatch(/squall coordinator, sent SIGTERM at t=1200 \(graceful kill\), had not exited when it was started again at t=1700/);
  });
});

describe('31 cli: every submit option reaches the wire (set 15 #20)', () => {
  it('cli-edges passes on the real CLI at seed 1; a submit dropping --priority is reported under cli only', { timeout: 60_000 }, async () => {
    const scenario = await loadScenario('scenarios/cli-edges.yaml');
    expect((await simVerdict(scenario)).text).toBe('');
    dropPriority.on = true;
    try {
      const v = await simVerdict(scenario);
      expect(v.promises).toEqual(['cli']);
      expect(v.text).toMatch(/squall submit --kind sleep --params \{"durationMs":400\} --priority high \(t=750\): sent POST \/api\/v1\/executions at t=750 with \{"kind":"sleep","params":\{"durationMs":400\}\}, but its command line asks for \{.*"priority":"high"\}: every submit option given reaches the request/);
      expect(v.text).toMatch(/--priority critical --timeout-ms 5000 .* \(t=900\): sent POST/);
    } finally {
      dropPriority.on = false;
    }
  });
});
