/**
 * Blind set 16's task-kind misses (#11, #16, #17, #18), each injected through
 * a seam and caught by the simulation, while the real system passes at the
 * same seed:
 * - #11: a chatty command's result keeps the FIRST 64 KiB of its output
 *   (a spawn wrapper that passes on only the first 64 KiB of each stream)
 *   -> promise 32 (the last 64 KiB of what was printed), task-resources;
 * - #16: ctx.progress() sends its fraction unclamped (attemptContext wrapped)
 *   -> promise 10 (the coordinator refuses the frame and drops the link),
 *   task-edges' probes;
 * - #17: results and checkpoints sized without the envelope allowance
 *   (frameBytes wrapped) -> promise 16 (the frame-edge echo sweep) and
 *   promise 10 (checkpoints), task-edges;
 * - #18: the sliced burn never yields to the event loop (slicedCpu given a
 *   host whose yield returns at once) -> promise 10 (the worker's pings stop
 *   for a whole burn), task-edges.
 */
import { describe, expect, it, vi } from 'vitest';
import type * as CpuModule from '../../system/core/cpu.js';
import type * as AttemptContext from '../../system/worker/attempt-context.js';
import type * as FrameBytes from '../../system/worker/frame-bytes.js';
import type { CommandChild, SpawnCommand } from '../../system/tasks/index.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { flagOn, onlyItems, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ unclampedProgress: false, noEnvelope: false, noYield: false }));

vi.mock('../../system/worker/attempt-context.js', async (importOriginal) => {
  const real = await importOriginal<typeof AttemptContext>();
  return {
    ...real,
    attemptContext: (...args: Parameters<typeof real.attemptContext>) => {
      const ctx = real.attemptContext(...args);
      if (!plant.unclampedProgress) return ctx;
      const [env, run] = args;
      // Broken (set 16 #16): the fraction is sent as the task gave it, only a non-finite one made 0.
      ctx.progress = (fraction, message) => {
        if (run.done) return;
        env.releaseStart();
        env.deps.outlet.send({ type: 'progress', executionId: run.executionId, leaseToken: run.leaseToken, fraction: Number.isFinite(fraction) ? fraction : 0, ...(message === undefined ? {} : { message: message.slice(0, 1000) }) });
      };
      return ctx;
    },
  };
});

vi.mock('../../system/worker/frame-bytes.js', async (importOriginal) => {
  const real = await importOriginal<typeof FrameBytes>();
  // Broken (set 16 #17): the message's own size, without room for v, seq, ack and sig.
  return { ...real, frameBytes: (msg: Parameters<typeof real.frameBytes>[0]) => (plant.noEnvelope ? Buffer.byteLength(JSON.stringify(msg), 'utf8') : real.frameBytes(msg)) };
});

vi.mock('../../system/core/cpu.js', async (importOriginal) => {
  const real = await importOriginal<typeof CpuModule>();
  // Broken (set 16 #18): no yield between slices; the burn holds the event loop to its end.
  return { ...real, slicedCpu: (host: CpuModule.BurnHost) => real.slicedCpu(plant.noYield ? { ...host, yieldToLoop: () => Promise.resolve() } : host) };
});

/** Set 16 #11 through the spawn seam: the kind sees only the first 64 KiB of each stream, as a tail keeping the first 64 KiB returns. */
function firstTailOnly(_id: string, spawn: SpawnCommand): SpawnCommand {
  return (program, args, opts) => {
    const child = spawn(program, args, opts);
    const capped = (stream: CommandChild['stdout']): CommandChild['stdout'] => {
      let seen = 0;
      return {
        on: (event, fn) =>
          stream.on(event, (b: Buffer) => {
            const room = 64 * 1024 - seen;
            seen += b.length;
            if (room > 0) fn(b.subarray(0, room));
          }),
      };
    };
    return { stdout: capped(child.stdout), stderr: capped(child.stderr), on: child.on.bind(child) as CommandChild['on'], kill: (s) => child.kill(s) };
  };
}

describe('blind set 16: the task API and the kinds at their edges', () => {
  it('the real system passes task-edges', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await loadScenario('scenarios/task-edges.yaml'))).text).toBe('');
  });

  it('#11 a command result keeping the first 64 KiB of its output is reported (32); the real kind passes', { timeout: 60_000 }, async () => {
    const s = onlyItems(await loadScenario('scenarios/task-resources.yaml'), ['x-chatty', 'x-chatty-fail', 'x-ok']);
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { resources: { spawn: firstTailOnly } });
    expect(broken.promises).toEqual(['resources']);
    expect(broken.text).toMatch(/completed with result exitCode 0, stdout 65536 bytes ending .* exited 0 printing stdout \d+ bytes ending ".*last line\\n"/);
    expect(broken.text).toMatch(/failed with error .* exited with code 5 printing stderr \d+ bytes ending ".*fatal: the actual error\\n": a failure names the exit code and carries the stderr tail/);
  });

  it('#16 progress sent unclamped (1.2, -0.1) is reported: the coordinator refuses it and drops the link (10)', { timeout: 60_000 }, async () => {
    const s = onlyItems(await loadScenario('scenarios/task-edges.yaml'), ['odd-progress']);
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withPlanted(flagOn(plant, 'unclampedProgress'), () => simVerdict(s));
    expect(broken.promises).toContain('liveness');
    expect(broken.text).toMatch(/the coordinator side dropped w\d's connection at t=\d+ \(code 4400: invalid "progress" message: Too (big|small)/);
  });

  it('#17 results and checkpoints sized without the envelope are reported: echoes (16) and checkpoints (10)', { timeout: 60_000 }, async () => {
    const echoes = onlyItems(await loadScenario('scenarios/task-edges.yaml'), ['frame-edge']);
    const checkpoints = onlyItems(await loadScenario('scenarios/task-edges.yaml'), ['edge-checkpoints']);
    expect((await simVerdict(echoes)).text).toBe('');
    expect((await simVerdict(checkpoints)).text).toBe('');
    const brokenEchoes = await withPlanted(flagOn(plant, 'noEnvelope'), () => simVerdict(echoes));
    expect(brokenEchoes.promises).toContain('task-contract');
    expect(brokenEchoes.text).toMatch(/echo of \d+ bytes \(maxFrameBytes 16384\): attempt 1 \(w\d\) never had its result recorded: a value near the frame limit is sent if it fits with its envelope/);
    const brokenCheckpoints = await withPlanted(flagOn(plant, 'noEnvelope'), () => simVerdict(checkpoints));
    expect(brokenCheckpoints.promises).toContain('liveness');
    expect(brokenCheckpoints.text).toMatch(/dropped w\d's connection at t=\d+ \(code 4413: frame of \d+ bytes exceeds the limit of 16384 bytes\)/);
  });

  it('#18 a cpu burn that never yields is reported: the worker sends no ping for a whole burn (10)', { timeout: 60_000 }, async () => {
    const s = onlyItems(await loadScenario('scenarios/task-edges.yaml'), ['long-burn', 'burn-cancelled']);
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withPlanted(flagOn(plant, 'noYield'), () => simVerdict(s));
    expect(broken.promises).toContain('liveness');
    expect(broken.text).toMatch(/the coordinator side declared w\d's connection dead at t=\d+ though no fault touched it/);
  });
});
