/**
 * Blind set 18's byte-length misses (#07, #13, #21), each injected through a
 * seam and caught by the simulation, while the real system passes at the
 * same seed. The class: every length the system promises is in UTF-8 bytes,
 * and multi-byte text (harness/sim/utf8-text.ts, fixed seeds) reaches each
 * boundary:
 * - #07: HTTP answers declaring the body's UTF-16 length as content-length
 *   (writeAnswer wrapped) -> promise 29: the simulated clients read answers
 *   off the wire by content-length (harness/sim/http-answer.ts), cut, and
 *   the next answer on a kept-alive connection preceded by the rest;
 * - #13: output tails with their start unclamped (the tail seam wrapped) ->
 *   promise 32: outputs between 32 and 64 KiB come back as their last
 *   2 x size - 64 KiB bytes (task-resources' utf8text outputs);
 * - #21: results and checkpoints sized in UTF-16 units (frameBytes wrapped)
 *   -> promise 16 (echo values over the limit in bytes sent, refused 4413)
 *   and 10 (checkpoints: the coordinator drops the link), task-edges' utf8
 *   sweeps.
 */
import { describe, expect, it, vi } from 'vitest';
import type * as FrameBytes from '../../system/worker/frame-bytes.js';
import type * as Tail from '../../system/tasks/tail.js';
import type * as WsServer from '../../system/transport/ws-server.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { flagOn, onlyItems, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ utf16Length: false, unclampedTail: false, unitsFrame: false }));

// Broken (set 18 #07): content-length is the body's UTF-16 length.
vi.mock('../../system/transport/ws-server.js', async (importOriginal) => {
  const { utf16LengthServer } = await import('./broken/utf16-length.js');
  return utf16LengthServer(await importOriginal<typeof WsServer>(), () => plant.utf16Length);
});

vi.mock('../../system/tasks/tail.js', async (importOriginal) => {
  const real = await importOriginal<typeof Tail>();
  // Broken (set 18 #13): the start is not clamped at 0; a negative one counts from the end.
  const unclamped = (buf: Buffer, limit = real.TAIL_BYTES): string => {
    let start = buf.length - limit;
    while (start < buf.length && start > 0 && ((buf[start] as number) & 0xc0) === 0x80) start++;
    return buf.subarray(start).toString('utf8');
  };
  class PlantedTail extends real.OutputTail {
    private readonly all: Buffer[] = [];
    override push(b: Buffer): void {
      super.push(b);
      this.all.push(b);
    }
    override text(): string {
      const all = Buffer.concat(this.all);
      return plant.unclampedTail && all.length <= real.TAIL_BYTES ? unclamped(all) : super.text();
    }
  }
  return { ...real, OutputTail: PlantedTail, utf8Tail: (buf: Buffer, limit?: number) => (plant.unclampedTail ? unclamped(buf, limit) : real.utf8Tail(buf, limit)) };
});

vi.mock('../../system/worker/frame-bytes.js', async (importOriginal) => {
  const real = await importOriginal<typeof FrameBytes>();
  // Broken (set 18 #21): the frame sized in UTF-16 units, not UTF-8 bytes (256: the envelope room).
  return { ...real, frameBytes: (msg: Parameters<typeof real.frameBytes>[0]) => (plant.unitsFrame ? JSON.stringify(msg).length + 256 : real.frameBytes(msg)) };
});

describe('blind set 18: byte lengths of multi-byte data at every boundary', () => {
  it('#07 answers whose content-length counts UTF-16 units are reported: clients read them cut (29)', { timeout: 60_000 }, async () => {
    const s = onlyItems(await loadScenario('scenarios/task-edges.yaml'), ['frame-edge-utf8']);
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withPlanted(flagOn(plant, 'utf16Length'), () => simVerdict(s));
    expect(broken.promises).toContain('api-contract');
    expect(broken.text).toMatch(/a 20\d answer declared content-length \d+ but its body is \d+ UTF-8 byte\(s\) \(\d+ UTF-16 units\): the client read it cut/);
  });

  it('#13 output tails whose start is not clamped at 0 are reported: 32-64 KiB outputs come back cut (32)', { timeout: 60_000 }, async () => {
    const s = onlyItems(await loadScenario('scenarios/task-resources.yaml'), ['x-utf8-half', 'x-utf8-under', 'x-utf8-fail', 'c-utf8']);
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withPlanted(flagOn(plant, 'unclampedTail'), () => simVerdict(s));
    expect(broken.promises).toEqual(['resources']);
    expect(broken.text).toMatch(/completed with result exitCode 0, stdout \d+ bytes ending .* exited 0 printing stdout 32769 bytes/);
  });

  it('#21 results and checkpoints sized in UTF-16 units are reported: echoes (16) and checkpoints (10)', { timeout: 60_000 }, async () => {
    const echoes = onlyItems(await loadScenario('scenarios/task-edges.yaml'), ['frame-edge-utf8', 'wide-utf8']);
    const checkpoints = onlyItems(await loadScenario('scenarios/task-edges.yaml'), ['edge-checkpoints-utf8']);
    expect((await simVerdict(echoes)).text).toBe('');
    expect((await simVerdict(checkpoints)).text).toBe('');
    const brokenEchoes = await withPlanted(flagOn(plant, 'unitsFrame'), () => simVerdict(echoes));
    expect(brokenEchoes.promises).toContain('task-contract');
    expect(brokenEchoes.text).toMatch(/echo of \d+ bytes \(maxFrameBytes 16384\): attempt 1 \(w\d\) never had its result recorded/);
    const brokenCheckpoints = await withPlanted(flagOn(plant, 'unitsFrame'), () => simVerdict(checkpoints));
    expect(brokenCheckpoints.promises).toContain('liveness');
    expect(brokenCheckpoints.text).toMatch(/dropped w\d's connection at t=\d+ \(code 4413: frame of \d+ bytes exceeds the limit of 16384 bytes\)/);
  });
});
