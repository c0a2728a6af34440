/**
 * Defects that leave capacity idle while work waits (promise 26's third
 * rule, harness/check/promises-idle.ts), planted on a prototype for one run
 * and taken out again (tests/sim/broken-idle.test.ts). The outcome heals
 * (other workers, a later wake), so only that rule sees them.
 */
import { WorkerRegistry } from '../../../system/coordinator/registry.js';

/** The draining flag outlives its session: a drained worker that registers again (a new process) never gets work. */
export async function withStickyDrain<T>(body: () => Promise<T>): Promise<T> {
  const original = WorkerRegistry.prototype.getOrCreate;
  WorkerRegistry.prototype.getOrCreate = function (this: WorkerRegistry, workerId) {
    const r = original.call(this, workerId);
    if (!r.known) {
      // Through the entry's own accessor, so the registry's count of assignable entries follows the sticky flag.
      const own = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(r.entry), 'draining');
      let drained = false;
      Object.defineProperty(r.entry, 'draining', {
        get: () => own?.get?.call(r.entry) as boolean,
        set: (v: boolean) => {
          drained ||= v;
          own?.set?.call(r.entry, drained);
        },
        enumerable: true,
        configurable: true,
      });
    }
    return r;
  };
  try {
    return await body();
  } finally {
    WorkerRegistry.prototype.getOrCreate = original;
  }
}

/** The opposite (blind set 7, #17): every registration clears the flag, a resumed session too, so a draining worker that reconnects gets work again. */
export async function withDrainForgottenOnResume<T>(body: () => Promise<T>): Promise<T> {
  const original = WorkerRegistry.prototype.getOrCreate;
  WorkerRegistry.prototype.getOrCreate = function (this: WorkerRegistry, workerId) {
    const r = original.call(this, workerId);
    r.entry.draining = false;
    return r;
  };
  try {
    return await body();
  } finally {
    WorkerRegistry.prototype.getOrCreate = original;
  }
}
