/**
 * Blind set 18's deployment misses (#04, #06, #16, #23), each as a broken
 * variant planted in the function the command runs, caught by the
 * simulation: the CLI's io over a simulated process whose stdout is a pipe
 * or a file (harness/scenario/client-cli.ts, promise 31 cli), the listen
 * check over every combination (deploy-probe-listen.ts, promise 8 auth),
 * and the files a process keeps and obeys (deploy-probe-files.ts, promise
 * 39 process-env), the last two in the `deployment` attack of
 * adversarial-clients.yaml. Every variant is off until its test turns it
 * on, so the same file runs the real system first.
 */
import { existsSync, truncateSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PromiseName } from '../../harness/check/promises.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import type * as CliIo from '../../system/cli/cli-io.js';
import type * as EventFile from '../../system/cli/event-file.js';
import type * as CliLogger from '../../system/cli/logger.js';
import type * as Security from '../../system/coordinator/security.js';
import { isLoopbackHost } from '../../system/core/loopback.js';
import type * as FaultControl from '../../system/store/fault-control.js';
import { simVerdict } from './broken/verdict.js';

const broken = vi.hoisted(() => ({ absentIsTerminal: false, oneGapListens: false, cachedInSeconds: false, truncatingEventsFile: false, absentStderrIsTerminal: false }));

// #04: an absent isTTY (a pipe, a file) taken for a terminal.
vi.mock('../../system/cli/cli-io.js', async (importOriginal) => {
  const real = await importOriginal<typeof CliIo>();
  return {
    ...real,
    processIoOf: (proc: CliIo.ProcessLike): CliIo.CliIo => {
      const io = real.processIoOf(proc);
      return broken.absentIsTerminal ? { ...io, isTTY: proc.stdout.isTTY !== false } : io;
    },
  };
});

// #06: a reachable address served when only one safeguard is missing.
vi.mock('../../system/coordinator/security.js', async (importOriginal) => {
  const real = await importOriginal<typeof Security>();
  return {
    ...real,
    checkListenSecurity: (...args: Parameters<typeof real.checkListenSecurity>) => {
      if (broken.oneGapListens && !isLoopbackHost(args[0].host) && real.securityGaps(args[0], args[1]).length < 2) return;
      real.checkListenSecurity(...args);
    },
  };
});

// #16: the control file cached 50 s instead of 50 ms (its clock read in thousandths).
vi.mock('../../system/store/fault-control.js', async (importOriginal) => {
  const real = await importOriginal<typeof FaultControl>();
  return {
    ...real,
    fileFaultSource: (path: string, clock: Parameters<typeof real.fileFaultSource>[1]) =>
      real.fileFaultSource(path, broken.cachedInSeconds ? { ...clock, now: () => clock.now(), monotonic: () => clock.monotonic() / 1000 } : clock),
  };
});

// #23: --events-file truncated at every open.
vi.mock('../../system/cli/event-file.js', async (importOriginal) => {
  const real = await importOriginal<typeof EventFile>();
  return {
    ...real,
    fileEventSink: (path: string) => {
      if (broken.truncatingEventsFile && existsSync(path)) truncateSync(path, 0);
      return real.fileEventSink(path);
    },
  };
});

// #04's class on stderr: an absent isTTY taken for a terminal, so logs piped to a shipper are pretty text.
vi.mock('../../system/cli/logger.js', async (importOriginal) => {
  const real = await importOriginal<typeof CliLogger>();
  return {
    ...real,
    logsPretty: (opts: { pretty?: boolean }, stderr: { readonly isTTY?: boolean } = process.stderr) => (broken.absentStderrIsTerminal ? (opts.pretty ?? stderr.isTTY !== false) : real.logsPretty(opts, stderr)),
  };
});

afterEach(() => Object.assign(broken, { absentIsTerminal: false, oneGapListens: false, cachedInSeconds: false, truncatingEventsFile: false, absentStderrIsTerminal: false }));

async function caught(variant: keyof typeof broken, file: string, promise: PromiseName): Promise<string> {
  const scenario = await loadScenario(file);
  broken[variant] = true;
  const v = await simVerdict(scenario);
  expect(v.passed).toBe(false);
  expect(v.promises).toContain(promise);
  return v.text;
}

describe('blind set 18: the process environment of a real deployment', () => {
  it('the real system passes cli-client and the deployment probes at seed 1', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await loadScenario('scenarios/cli-client.yaml'))).text).toBe('');
    expect((await simVerdict(await loadScenario('scenarios/adversarial-clients.yaml'))).text).toBe('');
  });

  it('#04 a pipe or a file taken for a terminal: tables instead of JSON (cli)', { timeout: 60_000 }, async () => {
    expect(await caught('absentIsTerminal', 'scenarios/cli-client.yaml', 'cli')).toMatch(/\(t=\d+, stdout a (pipe|file)\) printed .*: not JSON; the README prints a table on a terminal and JSON when piped/);
  });

  it('#06 one safeguard missing on 0.0.0.0 starts silently (auth)', { timeout: 60_000 }, async () => {
    expect(await caught('oneGapListens', 'scenarios/adversarial-clients.yaml', 'auth')).toMatch(/coordinator-listen configuration "listen on 0.0.0.0, a secret, --api-auth none, no TLS" started: the README forbids it/);
  });

  it('#16 SQUALL_STORE_FAULTS cached 50 s (process-env)', { timeout: 60_000 }, async () => {
    expect(await caught('cachedInSeconds', 'scenarios/adversarial-clients.yaml', 'process-env')).toMatch(/store-faults-file ""disk_full" written to the file of a healthy store: its writes fail": not applied within 2000 ms, but the README documents applies within 50 ms/);
  });

  it('#23 --events-file truncated at a restart (process-env)', { timeout: 60_000 }, async () => {
    expect(await caught('truncatingEventsFile', 'scenarios/adversarial-clients.yaml', 'process-env')).toMatch(/events-file "a process started twice on one --events-file \(3 events, then 2\): the lines, in order": \["life2.1","life2.2"\], but the README documents/);
  });

  it('#04 on stderr: logs piped to a shipper come out pretty (process-env)', { timeout: 60_000 }, async () => {
    expect(await caught('absentStderrIsTerminal', 'scenarios/adversarial-clients.yaml', 'process-env')).toMatch(/logs "squall coordinator, stderr a pipe or a file \(\| tee, 2> log: isTTY absent\)": pretty, but the README documents JSON/);
  });
});
