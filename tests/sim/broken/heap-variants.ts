/**
 * Binary-heap mistakes in the ready queue (issue 10, the heap class), built
 * only here and wired in through SimWiring (tests/sim/broken-priority-order.test.ts).
 * Each is a slip a developer could really make in a sift; the ready queue and
 * the engine around them are the real ones.
 */
import { Engine } from '../../../system/engine/engine.js';
import { Heap } from '../../../system/engine/heap.js';
import { ReadyQueue, runsBefore, type ReadyEntry } from '../../../system/engine/ready-queue.js';

type Sift = 'right-vs-left' | 'left-only' | 'one-level';

/** A heap whose sift-down makes one mistake; push is the real one. */
class MisSiftingHeap<T> extends Heap<T> {
  constructor(
    less: (a: T, b: T) => boolean,
    private readonly mistake: Sift,
  ) {
    super(less);
  }

  override pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    a[0] = last;
    for (let i = 0; ; ) {
      const m = this.child(i);
      if (m === i) break;
      [a[i], a[m]] = [a[m] as T, a[i] as T];
      if (this.mistake === 'one-level') break;
      i = m;
    }
    return top;
  }

  /** Where the entry at i should move: itself or one of its children, per the mistake. */
  private child(i: number): number {
    const a = this.items;
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < a.length && this.less(a[l] as T, a[m] as T)) m = l;
    if (this.mistake === 'left-only' || r >= a.length) return m;
    // right-vs-left compares the right child with the left one, not with the best so far.
    const against = this.mistake === 'right-vs-left' ? l : m;
    return this.less(a[r] as T, a[against] as T) ? r : m;
  }
}

function misSifting(mistake: Sift): typeof Engine {
  class Queue extends ReadyQueue {
    protected override newHeap(): Heap<ReadyEntry> {
      return new MisSiftingHeap(runsBefore, mistake);
    }
  }
  return class extends Engine {
    protected override createReadyQueue(): ReadyQueue {
      return new Queue();
    }
  };
}

/** Sift-down compares the right child with the left instead of with the current best. */
export const RightVsLeftHeapEngine = misSifting('right-vs-left');
/** Sift-down never looks at the right child. */
export const LeftOnlyHeapEngine = misSifting('left-only');
/** Sift-down stops after one level. */
export const OneLevelHeapEngine = misSifting('one-level');
