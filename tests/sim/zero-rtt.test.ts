/**
 * The 0-RTT register in simulation (docs/PROTOCOL.md "0-RTT register"): the
 * simulated network carries the hello in the upgrade request as the
 * production transport does, so a default run registers every worker without
 * a register frame; both halves of an old/new pairing (scenario
 * `coordinator.zeroRtt` / `fleet.zeroRtt` false) fall back to the 2-RTT
 * handshake and keep every promise. The hello's register is told to the
 * history as sent (record-nonces.ts), so promise 34 still judges the worker's
 * client nonces: a worker whose 0-RTT register reuses one client nonce on
 * every connection is caught (broken variant), the real one passes.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import { formatViolation } from '../../harness/check/violation.js';
import type { Scenario } from '../../harness/scenario/schema.js';
import { WorkerSession } from '../../system/worker/worker-session.js';
import { withPlanted } from './broken/verdict.js';

async function run(s: Scenario): Promise<Awaited<ReturnType<typeof runChecked>>> {
  return runChecked(s, { seed: 1 });
}

/** Plants a worker whose 0-RTT register draws its client nonce from a constant source (every hello: the same nonce). */
function constantHelloNonce(): () => void {
  const proto = WorkerSession.prototype as unknown as { helloFor(this: { nonceRandom: unknown }, hs: unknown): string | undefined };
  const original = proto.helloFor;
  proto.helloFor = function (hs) {
    const own = this.nonceRandom;
    this.nonceRandom = { bytes: (n: number) => new Uint8Array(n).fill(7) };
    try {
      return original.call(this, hs);
    } finally {
      this.nonceRandom = own;
    }
  };
  return () => void (proto.helloFor = original);
}

describe('0-RTT register in simulation (flapping-link)', () => {
  it('registers every reconnect through the hello, notes its nonces, and keeps every promise', async () => {
    const r = await run(await loadScenario('scenarios/flapping-link.yaml'));
    expect(r.violations.map(formatViolation)).toEqual([]);
    expect(r.outcome.marks['coordinator.hello-register']).toBeGreaterThan(10);
    expect(r.outcome.marks['worker.hello-accepted']).toBeGreaterThan(10);
    const helloNonces = r.outcome.history.filter((h) => h.f === 'note' && h.process === 'net' && h.value.field === 'clientNonce' && h.value.inUpgrade === true);
    expect(helloNonces.length).toBeGreaterThanOrEqual(r.outcome.marks['worker.hello-accepted'] ?? 0);
  });

  it.each([
    ['an older coordinator (ignores the header)', (s: Scenario) => ({ ...s, coordinator: { ...s.coordinator, zeroRtt: false } })],
    ['older workers (send none)', (s: Scenario) => ({ ...s, fleet: { ...s.fleet, zeroRtt: false } })],
    // The operator's flags, built by the commands' own builders (harness/scenario/operator-args.ts).
    ['`squall coordinator --no-zero-rtt` (coordinator.args)', (s: Scenario) => ({ ...s, coordinator: { ...s.coordinator, args: ['--no-zero-rtt'] } })],
    // fleet.args is a whole command line (its --concurrency defaults to 1): the scenario's concurrency is given too.
    ['`squall worker --no-zero-rtt` (fleet.args)', (s: Scenario) => ({ ...s, fleet: { ...s.fleet, args: ['--no-zero-rtt', '--concurrency', String(s.fleet.concurrency)] } })],
  ])('%s: the 2-RTT handshake, every promise kept', async (_what, edit) => {
    const r = await run(edit(await loadScenario('scenarios/flapping-link.yaml')));
    expect(r.violations.map(formatViolation)).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.outcome.marks['coordinator.hello-register'] ?? 0).toBe(0);
    expect(r.outcome.marks['worker.early-sync']).toBeGreaterThan(0);
  });

  it('catches a 0-RTT register that reuses one client nonce on every connection (promise 34)', async () => {
    const scenario = await loadScenario('scenarios/flapping-link.yaml');
    const broken = await withPlanted(constantHelloNonce, () => run(scenario));
    expect(broken.passed).toBe(false);
    expect(broken.violations.map((v) => v.promise.name)).toContain('identifiers');
    expect(broken.violations.map(formatViolation).join('\n')).toMatch(/has nonce 0707070707070707070707070707070\d, already minted for .*: an identifier is never minted twice/);
  });
});
