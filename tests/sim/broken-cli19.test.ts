/**
 * Blind set 19's CLI classes as broken variants: each scenario passes on
 * the real commands at seed 1 and fails naming the promise with the defect
 * planted through a `vi.mock` of the module it lives in.
 * Promise 36 (process-exit), scenario process-stop: a worker stop that does
 * not drain (set 19 #02), a second signal ignored, a SIGINT not handled.
 * Promise 30 (retention), scenario retention-age-flag: a duration flag's
 * plain number read as seconds (set 19 #01), caught by the spellings probe;
 * promise 31 (cli), scenario operator-flags-link: `squall worker
 * --backoff-max-ms` taken as seconds by the command's config.
 * Promise 31 (cli), scenario cli-human: `squall kinds` with its required
 * and optional params swapped (set 19 #03).
 */
import { describe, expect, it, vi } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as CoordinatorStore from '../../system/cli/coordinator-store.js';
import type * as KindsDoc from '../../system/cli/kinds-doc.js';
import type * as WorkerCli from '../../system/cli/worker.js';
import type * as Shutdown from '../../system/cli/shutdown.js';
import type * as Signals from '../../system/cli/signals.js';
import { simVerdict } from './broken/verdict.js';

/** The stop's planted defects, one at a time. */
const stop = vi.hoisted(() => ({ defect: undefined as 'no-drain' | 'second-ignored' | 'sigterm-only' | undefined }));
vi.mock('../../system/cli/shutdown.js', async (importOriginal) => {
  const real = await importOriginal<typeof Shutdown>();
  const workerShutdown: typeof real.workerShutdown = (parts) => {
    // #02: stopped at once, its running tasks aborted and handed back.
    if (stop.defect === 'no-drain') return real.workerShutdown({ ...parts, worker: { stop: (opts) => parts.worker.stop({ ...opts, drain: false }) } });
    return real.workerShutdown(parts);
  };
  return { ...real, workerShutdown };
});
vi.mock('../../system/cli/signals.js', async (importOriginal) => {
  const real = await importOriginal<typeof Signals>();
  const onShutdownSignal: typeof real.onShutdownSignal = (logger, close, proc) => {
    if (proc === undefined || stop.defect === undefined || stop.defect === 'no-drain') return real.onShutdownSignal(logger, close, proc);
    if (stop.defect === 'sigterm-only') return real.onShutdownSignal(logger, close, { on: (s, h) => (s === 'SIGTERM' ? proc.on(s, h) : undefined), exit: (code) => proc.exit(code) });
    // A second signal is not heard: the drain goes on and the process exits 0 after it.
    let heard = false;
    const once = (h: (s: NodeJS.Signals) => void) => (s: NodeJS.Signals) => {
      if (heard) return;
      heard = true;
      h(s);
    };
    return real.onShutdownSignal(logger, close, { on: (s, h) => proc.on(s, once(h)), exit: (code) => proc.exit(code) });
  };
  return { ...real, onShutdownSignal };
});

/** #01: a duration without a unit read as seconds, switched on per test. */
const seconds = vi.hoisted(() => ({ on: false }));
vi.mock('../../system/cli/coordinator-store.js', async (importOriginal) => {
  const real = await importOriginal<typeof CoordinatorStore>();
  const durationOption: typeof real.durationOption = (name) => {
    const parse = real.durationOption(name);
    return (value) => (seconds.on && /^\d+$/.test(value.trim()) ? parse(`${value.trim()}s`) : parse(value));
  };
  return { ...real, durationOption };
});

/** #03: each kind's schema as the command reads it, its required list the complement of the real one. */
const swapped = vi.hoisted(() => ({ on: false }));
vi.mock('../../system/cli/kinds-doc.js', async (importOriginal) => {
  const real = await importOriginal<typeof KindsDoc>();
  const jsonSchemaOf: typeof real.jsonSchemaOf = (schema) => {
    const s = real.jsonSchemaOf(schema);
    if (!swapped.on) return s;
    const required = new Set((s.required ?? []) as string[]);
    return { ...s, required: Object.keys((s.properties ?? {}) as object).filter((p) => !required.has(p)) };
  };
  return { ...real, jsonSchemaOf };
});

describe('31 cli: squall kinds shows required and optional params as documented (set 19 #03)', () => {
  const scenario = () => loadScenario('scenarios/cli-human.yaml');

  it('cli-human passes on the real commands at seed 1', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await scenario())).text).toBe('');
  });

  it('required params shown as optional and the other way round are reported', { timeout: 60_000 }, async () => {
    swapped.on = true;
    try {
      const v = await simVerdict(await scenario());
      expect(v.promises).toEqual(['cli']);
      expect(v.text).toMatch(/squall kinds \(t=2900\): showed sleep's params as "durationMs\?, checkpointEveryMs"; documented: durationMs, checkpointEveryMs\?/);
    } finally {
      swapped.on = false;
    }
  });
});

describe('30 retention: a duration flag in every spelling (set 19 #01)', () => {
  const scenario = () => loadScenario('scenarios/retention-age-flag.yaml');

  it('retention-age-flag passes on the real command at seed 1', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await scenario())).text).toBe('');
  });

  it('a plain number read as seconds is reported', { timeout: 60_000 }, async () => {
    seconds.on = true;
    try {
      const v = await simVerdict(await scenario());
      expect(v.promises).toEqual(['retention']);
      expect(v.text).toMatch(/squall coordinator --retain-age 1000 configured 1000000, but the README reads 1000 as 1000 ms/);
    } finally {
      seconds.on = false;
    }
  });
});

/** The worker command's config taking --backoff-max-ms as seconds, switched on per test. */
const backoffSeconds = vi.hoisted(() => ({ on: false }));
vi.mock('../../system/cli/worker.js', async (importOriginal) => {
  const real = await importOriginal<typeof WorkerCli>();
  const workerConfig: typeof real.workerConfig = (...a) => {
    const c = real.workerConfig(...a);
    return backoffSeconds.on && c.backoff !== undefined ? { ...c, backoff: { ...c.backoff, maxMs: (c.backoff.maxMs ?? 0) * 1000 } } : c;
  };
  return { ...real, workerConfig };
});

describe('31 cli: squall worker flags configure what --help says', () => {
  const scenario = () => loadScenario('scenarios/operator-flags-link.yaml');

  it('operator-flags-link passes on the real command at seed 1', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await scenario())).text).toBe('');
  });

  it('--backoff-max-ms taken as seconds is reported', { timeout: 60_000 }, async () => {
    backoffSeconds.on = true;
    try {
      const v = await simVerdict(await scenario());
      expect(v.promises).toContain('cli');
      expect(v.text).toMatch(/squall worker --backoff-max-ms 800 configured 800000, but the README reads 800 as 800: the flag sets what its --help says/);
    } finally {
      backoffSeconds.on = false;
    }
  });
});

describe('36 process-exit: SIGINT, SIGTERM and a second signal to squall worker (set 19 #02)', () => {
  const planted = async (defect: NonNullable<typeof stop.defect>) => {
    stop.defect = defect;
    try {
      return await simVerdict(await loadScenario('scenarios/process-stop.yaml'));
    } finally {
      stop.defect = undefined;
    }
  };

  it('process-stop passes on the real commands at seed 1', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await loadScenario('scenarios/process-stop.yaml'))).text).toBe('');
  });

  it('a worker stop that hands its running work back at once instead of draining is reported (#02)', { timeout: 60_000 }, async () => {
    const v = await planted('no-drain');
    expect(v.promises).toContain('process-exit');
    expect(v.text).toMatch(/squall worker --id w1, sent SIGTERM at t=500 \(--drain-timeout-ms 2000\), handed back its attempt of lease \S+ \(revoked at t=500\) before its drain timeout/);
  });

  it('a second signal that does not exit 130 at once is reported', { timeout: 60_000 }, async () => {
    const v = await planted('second-ignored');
    expect(v.promises).toContain('process-exit');
    expect(v.text).toMatch(/squall worker --id w1, sent SIGTERM at t=3100, was sent a second SIGTERM at t=3160 while its stop ran, and exited 0 at t=\d+: the README documents exit 130/);
  });

  it('a worker that does not stop on SIGINT (Ctrl-C) is reported', { timeout: 60_000 }, async () => {
    const v = await planted('sigterm-only');
    expect(v.promises).toContain('process-exit');
    expect(v.text).toMatch(/squall worker --id w2, sent SIGINT at t=1900, neither began its stop \(its stop not run, no drain sent, not stopped\) nor exited by t=2300/);
  });
});
