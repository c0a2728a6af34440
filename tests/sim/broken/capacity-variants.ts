/**
 * A coordinator that forgets a worker said it is full (the system before the
 * fix): every worker entry's `heldBack` reads 0 whatever the refusal set, so
 * the assignment loop re-claims for a worker that refused at its concurrency
 * limit every few ms until its aborted attempts end. Planted on the
 * registry's prototype for one run.
 */
import { WorkerRegistry } from '../../../system/coordinator/registry.js';
import { withPlanted } from './verdict.js';

export function withHeldBackForgotten<T>(body: () => Promise<T>): Promise<T> {
  const proto = WorkerRegistry.prototype;
  const real = proto.getOrCreate;
  const plant = (): (() => void) => {
    proto.getOrCreate = function (this: WorkerRegistry, ...args: Parameters<typeof real>) {
      const got = real.apply(this, args);
      Object.defineProperty(got.entry, 'heldBack', { get: () => 0, set: () => {}, configurable: true });
      return got;
    };
    return () => void (proto.getOrCreate = real);
  };
  return withPlanted(plant, body);
}
