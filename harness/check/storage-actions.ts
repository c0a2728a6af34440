/**
 * The storage fault actions (they act on the coordinator's store, its disk),
 * kept here, below harness/scenario, so the checks that excuse what a
 * refused or stalled write explains (promises-fifo.ts) and the scenario
 * vocabulary (harness/scenario/faults.ts) name the same list.
 */

/** Storage actions: they act on the coordinator's store (its disk, or its SQLite thread); target `coordinator`. */
export const STORAGE_ACTIONS = ['disk_full', 'disk_error', 'slow_disk', 'store_thread_death'] as const;

/** Is this fault action a storage fault? */
export const isStorageAction = (a: string): boolean => (STORAGE_ACTIONS as readonly string[]).includes(a);
