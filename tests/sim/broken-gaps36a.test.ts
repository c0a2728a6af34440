/**
 * Session 36's gaps on the 0-RTT path (gaps36a), injected through a seam and
 * caught by a promise while the real system passes at the same seed:
 * - a coordinator whose hello path gives its admission slot back at the
 *   registration instead of at the worker's first answer
 *   (Admission.registered releasing the slot it is told is held) -> promise
 *   10 on thundering-herd-open.yaml, the herd without a secret: the first
 *   herd's hellos are all taken at once, more than half the limit of 4
 *   (promises-admission.ts checkHelloRoom). thundering-herd.yaml has a
 *   secret, so its workers send no hello and the same defect passes there.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/loader.js';
import { Admission } from '../../system/coordinator/admission.js';
import { simVerdict, withPlanted } from './broken/verdict.js';

/** Broken: a 0-RTT registration's slot is given back when it registers (the old "hellos never pend"). */
function helloSlotReleasedAtRegister(): () => void {
  const registered = Admission.prototype.registered;
  Admission.prototype.registered = function releasedAtRegister(this: Admission, held: number): void {
    registered.call(this, held);
    this.pending = Math.max(0, this.pending - held);
  };
  return () => void (Admission.prototype.registered = registered);
}

describe('broken variants for the 0-RTT herd (gaps36a)', () => {
  it('a hello path that does not hold its admission slot until the first answer: caught on the open herd, not the secret one', { timeout: 180_000 }, async () => {
    const open = await loadScenario('scenarios/thundering-herd-open.yaml');
    const real = await simVerdict(open);
    expect(real.text).toBe('');
    const broken = await withPlanted(helloSlotReleasedAtRegister, () => simVerdict(open));
    expect(broken.promises).toContain('liveness');
    expect(broken.text).toMatch(/0-RTT hello at t=\d+ while 2 other 0-RTT registrations still held their admission slots.*above half its limit of 4/);
    const secretHerd = await loadScenario('scenarios/thundering-herd.yaml');
    const secret = await withPlanted(helloSlotReleasedAtRegister, () => simVerdict(secretHerd));
    expect(secret.text).not.toMatch(/0-RTT hello/);
  });
});
