/**
 * The storage seam: the Store interface and its implementations. Logic gets a
 * Store injected; only wiring (CLI, harness) picks one, through openStore().
 */
export type { Store, StoreStats } from './store.js';
export { MemoryDurableState, MemoryStore, type MemoryStoreOptions } from './memory-store.js';
