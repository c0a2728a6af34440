/**
 * The 0-RTT register goes through every check a register frame meets
 * (docs/PROTOCOL.md "0-RTT register": the hello's frames are fed through the
 * connection's ordinary frame path). Broken variant: a coordinator whose
 * hello path skips the kinds check, taking a 0-RTT register as advertising
 * every kind (as a looser hello decoder defaulting `capabilities.kinds`
 * would), is caught by promise 26's allowed-kinds rule on allowed-kinds.yaml
 * (command work claimed for w2/w3, which never allowed it, while w1 is cut
 * off); the real coordinator passes at the same seed, its workers
 * registered through hellos.
 */
import { describe, expect, it, vi } from 'vitest';
import { formatViolation } from '../../harness/check/violation.js';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import { DANGEROUS_KINDS } from '../../harness/check/spec-tables.js';
import { decodeToCoordinator, encode } from '../../system/protocol/codec.js';
import type * as Hello from '../../system/coordinator/hello.js';

const planted = vi.hoisted(() => ({ everyKind: false }));

vi.mock('../../system/coordinator/hello.js', async (importOriginal) => {
  const real = await importOriginal<typeof Hello>();
  const takenHello: typeof real.takenHello = (ctx, hello) => {
    const frames = real.takenHello(ctx, hello);
    if (!planted.everyKind || frames === undefined) return frames;
    const [register, ...rest] = frames;
    const d = register === undefined ? undefined : decodeToCoordinator(register, ctx.config.maxFrameBytes);
    if (d === undefined || !d.ok || d.msg.type !== 'register') return frames;
    const kinds = [...new Set([...d.msg.capabilities.kinds, ...DANGEROUS_KINDS])];
    return [encode({ ...d.msg, capabilities: { ...d.msg.capabilities, kinds } }), ...rest];
  };
  return { ...real, takenHello };
});

async function run(): Promise<{ passed: boolean; hellos: number; promises: string[]; text: string }> {
  const r = await runChecked(await loadScenario('scenarios/allowed-kinds.yaml'), { seed: 1 });
  return { passed: r.passed, hellos: r.outcome.marks['coordinator.hello-register'] ?? 0, promises: [...new Set(r.violations.map((v) => v.promise.name))], text: r.violations.map(formatViolation).join('\n') };
}

describe('the 0-RTT register meets the checks a register frame meets', () => {
  it('a coordinator whose hello path skips the kinds check is caught (promise 26, allowed kinds); the real one passes', { timeout: 60_000 }, async () => {
    const real = await run();
    expect(real.text).toBe('');
    expect(real.hellos).toBeGreaterThan(0);
    planted.everyKind = true;
    try {
      const broken = await run();
      expect(broken.passed).toBe(false);
      expect(broken.promises, broken.text).toContain('capacity');
      expect(broken.text).toMatch(/\(kind command\) was claimed for w[23], which was started allowing \[\]: a worker is given only the dangerous kinds it allowed/);
    } finally {
      planted.everyKind = false;
    }
  });
});
