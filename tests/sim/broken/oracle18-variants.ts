/**
 * Deliberately broken variants for blind set 18's "the checker judged with
 * the system's own constants" class (tests/sim/broken-oracle18.test.ts).
 * Test doubles only: each is planted for one run and taken out again.
 */
import { withPlanted } from './verdict.js';
import { Priority } from '../../../system/core/model.js';
import { WorkerRegistry } from '../../../system/coordinator/registry.js';
import { EventHub } from '../../../system/coordinator/ui/event-hub.js';

/** Plants `patch` for the run of `body`, then takes it out (`undo`). */
/** Set 18 #17: the ranks of high and critical swapped in the system's own table (the ready queue serves high first). */
export function withSwappedPriorityRanks<T>(body: () => Promise<T>): Promise<T> {
  const table = Priority as Record<string, number>;
  return withPlanted(() => {
    const [high, critical] = [table.high as number, table.critical as number];
    table.high = critical;
    table.critical = high;
    return () => {
      table.high = high;
      table.critical = critical;
    };
  }, body);
}

/** Set 18 #11: assignable() whose round-robin no longer advances on a pass that hands out work (same start every time). */
export function withStuckRotation<T>(body: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(WorkerRegistry.prototype, 'assignable')?.value as WorkerRegistry['assignable'];
  return withPlanted(() => {
    WorkerRegistry.prototype.assignable = function (this: WorkerRegistry) {
      const self = this as unknown as { rotation: number };
      const before = self.rotation;
      const n = original.call(this).length;
      // Step back so that the real call's advance lands where the turn was: it starts where the last pass did.
      if (n > 0) self.rotation = (before + n - 1) % n;
      return original.call(this);
    };
    return () => {
      WorkerRegistry.prototype.assignable = original;
    };
  }, body);
}

/** Set 18 #27: the live feed coalesced over 25 ms instead of the default 250 (a hub given no window of its own). */
export function withFastFeed<T>(body: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(EventHub.prototype, 'notify')?.value as EventHub['notify'];
  return withPlanted(() => {
    EventHub.prototype.notify = function (this: EventHub, e) {
      const opts = (this as unknown as { opts: { flushMs?: number } }).opts;
      opts.flushMs ??= 25;
      original.call(this, e);
    };
    return () => {
      EventHub.prototype.notify = original;
    };
  }, body);
}
