/**
 * Admission control on the 0-RTT register (docs/PROTOCOL.md "0-RTT register",
 * coordinator/admission.ts helloRoom): a 0-RTT hello counts against the
 * handshake limit like a frame register. It is taken only while half the
 * slots are free (beyond: a plain welcome, the worker registers with a frame
 * and waits in admission as on the 2-RTT path) and holds its slot until the
 * worker's first answer, so a herd is throttled on both paths. Judged by the
 * test (the registrations landing per 10 ms, the 4503 refusals) and by every
 * promise; the old coordinator, whose 0-RTT registrations never pended, let
 * the whole herd register at once (60 workers, 4 slots, 5 ms links: 16
 * registrations in 10 ms, no refusal) and is planted back here.
 */
import { describe, expect, it } from 'vitest';
import { formatViolation } from '../../harness/check/violation.js';
import { parseScenario } from '../../harness/scenario/loader.js';
import { runChecked } from '../../harness/scenario/run.js';
import { Admission } from '../../system/coordinator/admission.js';

const LIMIT = 4;
const herd = (zeroRtt: boolean): string => `name: admission-herd-0rtt
description: 60 workers lose the network at once; the coordinator admits ${LIMIT} handshakes at a time
fleet: { workers: 60, concurrency: 1, zeroRtt: ${zeroRtt}, backoff: { strategy: full-jitter, initialMs: 20, maxMs: 100, multiplier: 2 } }
coordinator: { heartbeatMs: 1000, heartbeatTimeoutMs: 3000, leaseMs: 5000, maxPendingHandshakes: ${LIMIT} }
network: { latencyMs: 5 }
faults:
  - { at: 2000, for: 2000, target: all-workers, action: down }
phases: { faultsMs: 4000, healMs: 15000 }
`;

/** The herd after the heal: the most registrations within any 10 ms (one round trip), the 4503 refusals, the violations. */
async function run(zeroRtt: boolean): Promise<{ peak: number; refused: number; registered: number; hellos: number; deferred: number; text: string }> {
  const r = await runChecked(parseScenario(herd(zeroRtt), 'herd.yaml'), { seed: 1 });
  const h = r.outcome.history;
  const regs = h.filter((x) => x.f === 'worker_registered' && x.time > 4000).map((x) => x.time);
  let peak = 0;
  for (let i = 0, j = 0; i < regs.length; i++) {
    while (j < regs.length && (regs[j] as number) < (regs[i] as number) + 10) j++;
    peak = Math.max(peak, j - i);
  }
  const refused = h.filter((x) => x.f === 'admission_refused' && x.time > 4000).length;
  const hellos = r.outcome.marks['coordinator.hello-register'] ?? 0;
  const deferred = r.outcome.marks['coordinator.hello-deferred'] ?? 0;
  return { peak, refused, registered: regs.length, hellos, deferred, text: r.violations.map(formatViolation).join('\n') };
}

/** Plants the old coordinator: every hello taken, and its registration gives the slot back at once (never pends). */
async function withHellosNeverPending<T>(body: () => Promise<T>): Promise<T> {
  const room = Admission.prototype.helloRoom;
  const registered = Admission.prototype.registered;
  Admission.prototype.helloRoom = () => true;
  Admission.prototype.registered = function registeredAndReleased(this: Admission, held: number): void {
    registered.call(this, held);
    this.pending = Math.max(0, this.pending - held);
  };
  try {
    return await body();
  } finally {
    Admission.prototype.helloRoom = room;
    Admission.prototype.registered = registered;
  }
}

describe('a herd beyond the admission limit on the 0-RTT register', () => {
  it('is throttled as on the 2-RTT path; a coordinator whose hellos never pend lets it register at once', { timeout: 60_000 }, async () => {
    const twoRtt = await run(false);
    const real = await run(true);
    expect(real.text).toBe('');
    expect(real.registered).toBeGreaterThanOrEqual(60);
    expect(real.hellos).toBeGreaterThan(0);
    expect(real.deferred).toBeGreaterThan(0);
    expect(real.refused).toBeGreaterThan(0);
    expect(real.peak).toBeLessThanOrEqual(twoRtt.peak + 2);
    const broken = await withHellosNeverPending(() => run(true));
    expect(broken.refused).toBe(0);
    expect(broken.peak).toBeGreaterThan(2 * LIMIT);
  });
});
