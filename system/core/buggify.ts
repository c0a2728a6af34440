/**
 * Buggify seam (FoundationDB's BUGGIFY): at named points the coordinator,
 * engine, store and worker may, under simulation only, widen a window that is
 * normally narrow (a slower commit, a held ack, a smaller outbox, a slightly
 * late timer) so rare interleavings become common. Every widening stays
 * inside what the real world can do (a slow disk, a slow peer); nothing is
 * reordered that TCP would not reorder.
 *
 * Off in production by construction: system/ only knows this interface and
 * `noBuggify`, a frozen constant that never fires. The only implementation
 * that fires lives in the harness (harness/sim/buggify.ts), seeded from the
 * run's seed so a buggified run replays exactly.
 */

/** Every point, with the window it widens. */
export const BUGGIFY_CATALOG = {
  'store.slow-commit': 'a group commit of the in-memory store takes up to 250 ms longer (a slow disk): acks wait, crashes land inside the window',
  'coordinator.hold-ack': "the coordinator's delayed ack waits up to 200 ms longer, so more is re-sent after a reconnect",
  'worker.hold-ack': "the worker's delayed ack waits up to 200 ms longer, so more is re-sent after a reconnect",
  'worker.small-outbox': "the worker's outbox holds at most 4 unreliable/data messages, so a flood fills it",
  'worker.late-heartbeat': "the worker's heartbeat ping goes out up to 20% of an interval late",
} as const;

/** A buggify point (a key of BUGGIFY_CATALOG). */
export type BuggifyPoint = keyof typeof BUGGIFY_CATALOG;

/** All buggify points, in catalog order. */
export const BUGGIFY_POINTS = Object.keys(BUGGIFY_CATALOG) as BuggifyPoint[];

/** The seam. */
export interface Buggify {
  /** Whether the point widens its window this time. */
  fires(point: BuggifyPoint): boolean;
  /** Extra ms in [0, maxMs] when the point fires this time, else 0. */
  extraMs(point: BuggifyPoint, maxMs: number): number;
}

/** The production binding: never fires, never delays. */
export const noBuggify: Buggify = Object.freeze({ fires: (): boolean => false, extraMs: (): number => 0 });
