/**
 * Blind set 21's wire and transport misses as broken variants, each caught in
 * scenario wire-frames, which the real system passes at the same seed:
 * - #28: register's fast decoder without `concurrency <= 10000` (vi.mock of
 *   fast-decode-handshake.ts) -> promise 38: the `wire-bounds` adversary's
 *   register of concurrency 10,001 is not closed 4400, though the schema
 *   refuses it;
 * - #02: a settled connect leaves its abort listener on the caller's signal
 *   (./broken/wire21-variants.ts) -> promise 35: the adversary's stop signal,
 *   shared by all its connects, keeps one listener per connect (and Node
 *   warns MaxListenersExceededWarning past ten).
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type * as Handshake from '../../system/protocol/fast-decode-handshake.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { withAbortListenersKept } from './broken/wire21-variants.js';
import { flagOn, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ unboundedConcurrency: false }));

// Broken (set 21 #28): the fast path accepts a register of any positive concurrency.
vi.mock('../../system/protocol/fast-decode-handshake.js', async (importOriginal) => {
  const real = await importOriginal<typeof Handshake>();
  const handshakeFastPath: typeof real.handshakeFastPath = (obj) => {
    const c = obj.capabilities as { concurrency?: unknown } | undefined;
    if (!plant.unboundedConcurrency || obj.type !== 'register' || typeof c !== 'object' || c === null || typeof c.concurrency !== 'number' || c.concurrency <= 10_000) return real.handshakeFastPath(obj);
    const msg = real.handshakeFastPath({ ...obj, capabilities: { ...c, concurrency: 1 } }) as { capabilities: { concurrency: number } } | undefined;
    if (msg !== undefined) msg.capabilities.concurrency = c.concurrency;
    return msg as ReturnType<typeof real.handshakeFastPath>;
  };
  return { ...real, handshakeFastPath };
});

const scenario = () => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', 'wire-frames.yaml'));

describe('blind set 21: the wire at its bounds, the connect path\'s listeners', () => {
  it('the real system passes wire-frames (every wire-bounds probe judged as the schema judges it)', { timeout: 60_000 }, async () => {
    expect((await simVerdict(await scenario())).text).toBe('');
  });

  it('#28 register\'s fast decoder without its concurrency limit is reported (wire-frames: wire-bounds, 38)', { timeout: 60_000 }, async () => {
    const s = await scenario();
    const broken = await withPlanted(flagOn(plant, 'unboundedConcurrency'), () => simVerdict(s));
    expect(broken.promises).toEqual(['wire']);
    expect(broken.text).toMatch(/a "register" frame with capabilities\.concurrency one step past its bound \(<= 10000\).*which the protocol's schema refuses, was closed 4426 instead of 4400/);
  });

  it('#02 a settled connect that keeps its abort listener on the caller\'s signal is reported (wire-frames: adversary connects, 35)', { timeout: 60_000 }, async () => {
    const broken = await withAbortListenersKept(async () => simVerdict(await scenario()));
    expect(broken.promises).toEqual(['hygiene']);
    expect(broken.text).toMatch(/after \d+ settled connect\(s\) with one stop signal \(t=\d+\), \d+ abort listener\(s\) remain on it/);
    expect(broken.text).toMatch(/MaxListenersExceededWarning/);
  });
});
