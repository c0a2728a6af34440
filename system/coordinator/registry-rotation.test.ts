/**
 * The round-robin of WorkerRegistry.assignable() is built in place (no
 * intermediate copies). It must give exactly the list and rotation of the
 * plain definition (filter, then rotate by one per call), interleaved with
 * idleTurn() (which counts nothing: the entries keep the count as they
 * change) and with workers connecting, draining and leaving, or the
 * simulation's schedules (and trace hashes) would move. Fixed seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WorkerId } from '../core/ids.js';
import { WorkerRegistry, type WorkerEntry } from './registry.js';
import type { Session } from './session.js';

/** The definition: connected, registered, non-draining entries, rotated by one per call. */
class Reference {
  rotation = 0;
  private eligible(all: WorkerEntry[]): WorkerEntry[] {
    return all.filter((e) => e.state === 'connected' && !e.draining && e.session !== undefined);
  }
  assignable(all: WorkerEntry[]): string[] {
    const list = this.eligible(all);
    if (list.length === 0) return [];
    this.rotation = (this.rotation + 1) % list.length;
    return [...list.slice(this.rotation), ...list.slice(0, this.rotation)].map((e) => e.workerId);
  }
  count(all: WorkerEntry[]): number {
    return this.eligible(all).length;
  }
  idleTurn(all: WorkerEntry[]): void {
    const n = this.eligible(all).length;
    if (n > 0) this.rotation = (this.rotation + 1) % n;
  }
}

const session = {} as Session;
const op = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), worker: fc.nat(4), state: fc.constantFrom('connected' as const, 'disconnected' as const, 'lost' as const), draining: fc.boolean(), session: fc.boolean() }),
  // One field alone: each setter must keep the count by itself.
  fc.record({ kind: fc.constant('state' as const), worker: fc.nat(4), state: fc.constantFrom('connected' as const, 'disconnected' as const, 'lost' as const) }),
  fc.record({ kind: fc.constant('draining' as const), worker: fc.nat(4), draining: fc.boolean() }),
  fc.record({ kind: fc.constant('session' as const), worker: fc.nat(4), session: fc.boolean() }),
  fc.constant({ kind: 'assignable' as const }),
  fc.constant({ kind: 'idle' as const }),
  fc.record({ kind: fc.constant('any' as const), worker: fc.nat(4) }),
);

describe('WorkerRegistry round-robin', () => {
  it('assignable() and idleTurn() rotate exactly as filter-then-rotate does', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const registry = new WorkerRegistry();
        const ref = new Reference();
        for (const o of ops) {
          if (o.kind === 'set') {
            const { entry } = registry.getOrCreate(`w${o.worker}` as WorkerId);
            entry.state = o.state;
            entry.draining = o.draining;
            entry.session = o.session ? session : undefined;
          } else if (o.kind === 'state') {
            registry.getOrCreate(`w${o.worker}` as WorkerId).entry.state = o.state;
          } else if (o.kind === 'draining') {
            registry.getOrCreate(`w${o.worker}` as WorkerId).entry.draining = o.draining;
          } else if (o.kind === 'session') {
            registry.getOrCreate(`w${o.worker}` as WorkerId).entry.session = o.session ? session : undefined;
          } else if (o.kind === 'any') {
            const test = (e: WorkerEntry): boolean => e.workerId === `w${o.worker}`;
            expect(registry.anyAssignable(test)).toBe(registry.all().some((e) => e.state === 'connected' && !e.draining && e.session !== undefined && test(e)));
          } else if (o.kind === 'idle') {
            registry.idleTurn();
            ref.idleTurn(registry.all());
          } else {
            const expected = ref.assignable(registry.all());
            expect(registry.assignable().map((e) => e.workerId)).toEqual(expected);
          }
          expect(registry.assignableCount).toBe(ref.count(registry.all()));
        }
      }),
      { numRuns: 2000, seed: 14 },
    );
  });
});
