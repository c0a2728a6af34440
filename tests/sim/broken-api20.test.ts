/**
 * Blind set 20's API and metrics contract misses (#03, #13, #15, #26, #28),
 * each injected through a seam and caught by the simulation at seed 1 of the
 * scenario that exercises it, while the real system passes there. The class:
 * each documented status, unit, no-op and limit held to the letter:
 * - #03: squall_rtt_estimate_seconds in ms (wrapHttp) -> promise 29: the
 *   gauge read recomputes it from the coordinator's heartbeat_adapted
 *   events, srttMs / 1000 (backoff-cap);
 * - #13: POST /api/v1/tokens answered 200 (wrapHttp) -> promise 29: every
 *   creating route of the README's table answers 201 (adversarial-clients'
 *   token administrator);
 * - #15: a second pause writes paused -> paused (engine subclass) -> promise
 *   29: no statusHistory entry repeats its previous status (control-races'
 *   repeated-controls);
 * - #26: a default frame limit of 1,000,000 bytes (the defaults table) ->
 *   promise 8: the welcome announces 1 MiB without maxFrameBytes
 *   (wire-frames' oversized-frame probes);
 * - #28: safeEqualHex without its length check (vi.mock of crypto.ts) ->
 *   promise 8: a 64-character non-ASCII registration MAC is refused 4401,
 *   never 4500 (adversarial-clients' forged-mac shapes).
 */
import { timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type * as Crypto from '../../system/core/crypto.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { frameDefaultDecimal, RepausingEngine, rttEstimateInMs, tokenCreated200 } from './broken/api20-variants.js';
import { engineFactoryOf } from './broken/variants.js';
import { flagOn, onlyItems, simVerdict, withPlanted } from './broken/verdict.js';

const plant = vi.hoisted(() => ({ unguardedEqual: false }));

// Broken (set 20 #28): no byte-length check before timingSafeEqual, which throws on a mismatch.
vi.mock('../../system/core/crypto.js', async (importOriginal) => {
  const real = await importOriginal<typeof Crypto>();
  return { ...real, safeEqualHex: (a: string, b: string) => (plant.unguardedEqual ? timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) : real.safeEqualHex(a, b)) };
});

const scenario = (name: string) => loadScenario(join(import.meta.dirname, '..', '..', 'scenarios', `${name}.yaml`));

describe('blind set 20: the API and metrics contract to the letter', () => {
  it('#03 an RTT estimate histogram in ms is reported (backoff-cap: gauges, 29); the real metrics pass', { timeout: 60_000 }, async () => {
    const s = await scenario('backoff-cap');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { wrapHttp: rttEstimateInMs });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/squall_rtt_estimate_seconds counts \d+ observation\(s\) summing [\d.]+ s, but the coordinator reported \d+ heartbeat adaptation\(s\) in this life/);
  });

  it('#13 a token created with 200 is reported (adversarial-clients: tokens, 29); #28 a non-ASCII MAC closed 4500 is reported (8); the real system passes', { timeout: 90_000 }, async () => {
    const s = await scenario('adversarial-clients');
    expect((await simVerdict(s)).text).toBe('');
    const created = await simVerdict(s, { wrapHttp: tokenCreated200 });
    expect(created.promises).toEqual(['api-contract']);
    expect(created.text).toMatch(/POST \/api\/v1\/tokens made token \w+ \(the answer shows it\) and was answered 200 at t=\d+: a creation is answered 201 Created/);
    const mac = await withPlanted(flagOn(plant, 'unguardedEqual'), () => simVerdict(s));
    expect(mac.promises).toContain('auth');
    expect(mac.text).toMatch(/registration as w1 with a non-ascii-64 MAC \(t=\d+\) was closed with 4500: a malformed MAC is refused with 4401/);
  });

  it('#15 a repeated pause that writes paused -> paused is reported (control-races, 29); the real engine passes', { timeout: 60_000 }, async () => {
    const s = onlyItems(await scenario('control-races'), ['fill-after-restart', 'repeated-controls', 'cancel-twice']);
    expect((await simVerdict(s)).text).toBe('');
    const broken = await simVerdict(s, { engineFactory: engineFactoryOf(RepausingEngine) });
    expect(broken.promises).toEqual(['api-contract']);
    expect(broken.text).toMatch(/statusHistory is not one chain: entry \d+ \(paused\) repeats the status before it/);
  });

  it('#26 a default frame limit of 1,000,000 bytes is reported (wire-frames: oversized-frame, 8); the real default passes', { timeout: 60_000 }, async () => {
    const s = await scenario('wire-frames');
    expect((await simVerdict(s)).text).toBe('');
    const broken = await withPlanted(frameDefaultDecimal, () => simVerdict(s));
    // The welcome's announcement (auth); the wire-bounds probes at the documented limit see it too (wire).
    expect(broken.promises.filter((p) => p !== 'wire')).toEqual(['auth']);
    expect(broken.text).toMatch(/welcome announced maxFrameBytes 1000000 \(t=\d+\), but it was started with 1048576 bytes/);
  });
});
